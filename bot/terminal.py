"""The terminal chat: the same core behind a prompt, for trying the bot without Telegram."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.answering import Answerer, supported_language
from bot.catalog.model import LANGUAGES
from bot.conversation import Conversation
from bot.rendering import render_text, texts

_PROMPT = "› "
_LEAVE = frozenset({"/quit", "/exit", "/q", "quit", "exit"})
"""What ends the chat; bare "quit" and "exit" too, as in most terminal programs (neither is a
question the bot could answer)."""


def chat(answerer: Answerer, language: str | None, stdin: TextIO, stdout: TextIO) -> int:
    """Read questions until end of input or /quit; `/lang xx` switches the fallback language.

    The chat is one conversation: "and in 2016?", "the second", "more" follow what came before.
    """
    lang = supported_language(language)
    interactive = stdin.isatty()
    greeting = answerer.answer("hello", lang)
    stdout.write(render_text(greeting, answerer.catalog) + "\n")
    stdout.write(texts(answerer.catalog, lang).get("terminal_hint") + "\n")
    conversation = Conversation()
    while True:
        if interactive:
            stdout.write(_PROMPT)
            stdout.flush()
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            break
        if not line:
            break
        question = line.strip()
        if question.lower() in _LEAVE:
            break
        if question.startswith("/lang"):
            asked = question.removeprefix("/lang").strip().lower()
            if asked and asked not in LANGUAGES:
                stdout.write(f"[{lang}] /lang {'|'.join(LANGUAGES)}\n")  # not one we speak
                continue
            lang = asked or lang
            stdout.write(f"[{lang}]\n")
            continue
        answer, conversation = answerer.converse(question, conversation, lang)
        stdout.write(render_text(answer, answerer.catalog) + "\n\n")
        stdout.flush()
    return 0


def main(answerer: Answerer, language: str | None) -> int:
    try:
        return chat(answerer, language, sys.stdin, sys.stdout)
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        return 0
