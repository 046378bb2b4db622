"""Replies sent the lean way (bot/telegram/sending.py) are the messages PTB's send_message would
send: the same text and buttons arrive, and the id handed back is the new message's."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.ext import ExtBot

from bot.answering import Answerer
from bot.catalog.question_set import load_question_set
from bot.rendering import render_html, texts
from bot.telegram import keyboards as kb
from bot.telegram.news_keyboards import with_calendar
from bot.telegram.sending import keyboard_dict, send_html
from tests.botapi import BotApiServer

ROOT = Path(__file__).parent.parent
LANGUAGES = ("en", "ru", "ky", "fr", "nl")
TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer.from_directory(ROOT / "data")


def _keyboards(answerer: Answerer) -> list[InlineKeyboardMarkup]:
    """Every kind of keyboard a reply carries: each question's answer (lists, cards, pages,
    dead ends), each event's card with its Share and Copy buttons, in every language; and the
    menus."""
    catalog = answerer.catalog
    answers = [
        answerer.answer(case.question, language)
        for case in load_question_set(ROOT / "tests" / "questions.yaml")[::3]
        for language in LANGUAGES
    ]
    answers += [
        card
        for event in catalog.events
        for language in LANGUAGES
        if (card := answerer.card(event.id, language)) is not None
    ]
    markups: list[InlineKeyboardMarkup] = []
    for answer in answers:
        for page in range(2):
            rendered = render_html(answer, catalog, page=page, share_url=str, today=TODAY)
            words = texts(catalog, answer.language)
            markup = kb.answer_keyboard(answer, rendered, catalog, "kgbebot", words, menu=page > 0)
            markup = with_calendar(markup, answer, rendered, answerer)
            if markup is not None:
                markups.append(markup)
    for language in LANGUAGES:
        words = texts(catalog, language)
        markups += [
            kb.examples_keyboard(["Concerts in 2016?", "Кто пел?"], language),
            kb.language_keyboard(),
            kb.events_menu(words),
        ]
    return markups


def test_every_keyboard_goes_as_ptb_would_send_it(answerer: Answerer) -> None:
    markups = _keyboards(answerer)
    kinds = {
        field
        for markup in markups
        for row in markup.inline_keyboard
        for button in row
        for field, value in button.to_dict().items()
        if field != "text" and value is not None
    }
    # the test sees each kind of button the bot sends
    assert {"callback_data", "copy_text", "switch_inline_query_chosen_chat"} <= kinds
    for markup in markups:
        assert keyboard_dict(markup) == markup.to_dict()


def test_a_lean_send_delivers_what_send_message_delivers(answerer: Answerer) -> None:
    event = answerer.catalog.events[0]
    card = answerer.card(event.id, "fr")
    assert card is not None
    rendered = render_html(card, answerer.catalog, share_url=str, today=TODAY)
    words = texts(answerer.catalog, "fr")
    markup = kb.answer_keyboard(card, rendered, answerer.catalog, "kgbebot", words)
    assert markup is not None
    no_preview = LinkPreviewOptions(is_disabled=True)

    with BotApiServer() as api:
        api.send_text(api.user(77), "hi")  # the chat exists

        async def run() -> int:
            async with ExtBot(api.token, base_url=api.base_url) as bot:
                await bot.send_message(
                    77,
                    rendered.text,
                    parse_mode="HTML",
                    reply_markup=markup,
                    link_preview_options=no_preview,
                )
                return await send_html(
                    bot, 77, rendered.text, reply_markup=markup, link_preview_options=no_preview
                )

        sent_id = asyncio.run(run())
        ptb, lean = api.bot_messages(77)[-2:]
        assert api.errors == []
    assert lean["message_id"] == sent_id != ptb["message_id"]
    assert (lean["text"], lean["reply_markup"]) == (ptb["text"], ptb["reply_markup"])
    assert lean["text"]
