"""Command menus: localized with set_my_commands for each of the five languages, plus a default;
the admins get theirs in their private chats (admin.py)."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
)

from bot.catalog.model import DEFAULT_LANGUAGE, LANGUAGES, Catalog
from bot.rendering import texts

PRIVATE_COMMANDS = (
    "start",
    "events",
    "fact",
    "quiz",
    "timeline",
    "lang",
    "subscribe",
    "unsubscribe",
    "privacy",
    "forget",
    "help",
)
GROUP_COMMANDS = ("ask", "events", "fact", "quiz", "timeline", "subscribe", "unsubscribe", "help")


def command_list(catalog: Catalog, language: str, names: tuple[str, ...]) -> list[BotCommand]:
    words = texts(catalog, language)
    return [BotCommand(name, words.get(f"tg_cmd_{name}")) for name in names]


async def set_command_menus(bot: Bot, catalog: Catalog) -> None:
    """Private chats get the full menu, groups the group commands; each in five languages.

    The menus without language_code are the fallback for every other client language (English).
    """
    scopes: list[tuple[BotCommandScope, tuple[str, ...]]] = [
        (BotCommandScopeDefault(), PRIVATE_COMMANDS),
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    ]
    for scope, names in scopes:
        await bot.set_my_commands(command_list(catalog, DEFAULT_LANGUAGE, names), scope=scope)
        for language in LANGUAGES:
            await bot.set_my_commands(
                command_list(catalog, language, names), scope=scope, language_code=language
            )
