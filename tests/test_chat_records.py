"""A chat's packed record (bot.telegram.chat_records) gives back exactly what was put in, in
every language the bot speaks, however its bot messages share the chat's conversation."""

from __future__ import annotations

import random

import pytest

from bot.answering import Answerer
from bot.conversation import Conversation
from bot.telegram.chat_records import (
    conversation_of,
    message_count,
    message_of,
    messages_of,
    packed_text,
    record,
    seen_of,
    unpacked_text,
)

QUESTIONS = {
    "en": ["concerts in Brussels", "films in 2017", "the second one"],
    "ru": ["концерты в Брюсселе", "фильмы 2017 года", "а второй?"],
    "ky": ["Брюсселдеги концерттер", "2017-жылы тасмалар", "экинчиси"],
    "fr": ["concerts à Bruxelles", "films en 2017", "le deuxième"],
    "nl": ["wat gebeurde er in Gent", "films in 2017", "de tweede"],
}


@pytest.mark.parametrize("language", sorted(QUESTIONS))
def test_every_conversation_the_bot_reaches_reads_back_the_same(
    answerer: Answerer, language: str
) -> None:
    conversation = Conversation()
    for question in QUESTIONS[language]:
        _, conversation = answerer.converse(question, conversation, language)
        text = conversation.to_json()
        packed = packed_text(text)
        assert unpacked_text(packed) == text
        assert len(packed) < len(text.encode())


def test_a_record_gives_back_its_parts_whichever_messages_repeat_the_chat() -> None:
    shuffle = random.Random(7)
    texts = [packed_text(f'{{"listed":["ёңөү-{n}"],"language":"ky"}}') for n in range(5)]
    for _ in range(200):
        seen = shuffle.uniform(0, 1e9)
        own = shuffle.choice([b"", *texts])
        ids = shuffle.sample(range(1, 2**40), shuffle.randrange(0, 11))
        messages = [(message_id, shuffle.choice(texts)) for message_id in ids]
        chat = record(seen, own, messages)
        assert seen_of(chat) == seen
        assert conversation_of(chat) == own
        assert messages_of(chat) == messages
        assert message_count(chat) == len(messages)
        for message_id, text in messages:
            assert message_of(chat, message_id) in {
                text,
                *(t for i, t in messages if i == message_id),
            }
        assert message_of(chat, 0) is None
        # Without its conversation the chat keeps its messages' own copies.
        assert messages_of(record(seen, b"", messages_of(chat))) == messages


def test_a_message_with_the_chats_conversation_is_not_a_second_copy() -> None:
    own = packed_text('{"listed":["2017-04-mooov-centaur"],"language":"en"}')
    assert len(record(0.0, own, [(1, own)])) < len(record(0.0, own, [])) + len(own)
