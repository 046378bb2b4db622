"""The Telegram adapter's conversation store: per chat and per user, per bot message, expiring
after silence on an injected clock, and bounded however many chats talk to the bot."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from bot.conversation import Conversation
from bot.telegram.conversations import ConversationStore
from bot.understanding.query import Query


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def said(language: str, *listed: str) -> Conversation:
    return Conversation(listed=listed, language=language)


def test_each_user_of_a_group_has_their_own_conversation() -> None:
    store = ConversationStore(1800, clock=Clock())
    store.put((-100, 1), said("ru", "a", "b"))
    store.put((-100, 2), said("fr", "c"))
    assert store.get((-100, 1)).listed == ("a", "b")
    assert store.get((-100, 2)).listed == ("c",)
    assert store.get((-100, 3)) == Conversation()


def test_a_conversation_is_forgotten_after_the_silence_and_kept_before_it() -> None:
    clock = Clock()
    store = ConversationStore(30 * 60, clock=clock)
    store.put((5, 5), said("en", "a"))
    clock.now += 30 * 60 - 1
    assert store.get((5, 5)).listed == ("a",)
    store.put((5, 5), said("en", "b"))  # talking again restarts the silence
    clock.now += 30 * 60 - 1
    assert store.get((5, 5)).listed == ("b",)
    clock.now += 2
    assert store.get((5, 5)) == Conversation()


def test_a_bot_message_keeps_its_own_context_after_later_answers() -> None:
    clock = Clock()
    store = ConversationStore(1800, clock=clock)
    store.put((-100, 1), said("en", "old"), message_id=10)
    store.put((-100, 1), said("en", "new"), message_id=11)
    clock.now += 3 * 3600  # a reply names its message: silence does not expire it
    assert store.of_message(-100, 10) == said("en", "old")
    assert store.of_message(-100, 11) == said("en", "new")
    assert store.of_message(-100, 12) is None
    assert store.of_message(-200, 10) is None


def test_the_store_never_keeps_more_chats_than_its_cap() -> None:
    store = ConversationStore(1800, clock=Clock(), max_chats=100)
    for chat in range(1000):
        for message in range(3):
            store.put((chat, chat), said("en", str(message)), message_id=message)
    assert len(store) == 100
    assert store.message_count == 300
    assert store.get((999, 999)).listed == ("2",)  # the most recent stay
    assert store.of_message(999, 0) == said("en", "0")
    assert store.get((899, 899)) == Conversation()  # the longest silent went first
    assert store.of_message(899, 2) is None


def test_the_store_never_keeps_more_bot_messages_than_its_cap() -> None:
    store = ConversationStore(
        1800, clock=Clock(), max_chats=100, max_messages_per_chat=5, max_messages=40
    )
    for chat in range(1000):
        for message in range(20):
            store.put((chat, chat), said("en", str(message)), message_id=message)
    assert store.message_count <= 40
    assert len(store) <= 100
    assert store.get((999, 999)).listed == ("19",)  # the most recent stay
    assert store.of_message(999, 19) is not None
    assert store.of_message(999, 15) == said("en", "15")
    assert store.of_message(999, 14) is None  # five per chat
    assert store.get((0, 0)) == Conversation()  # the longest silent went first
    assert store.of_message(0, 19) is None


def test_chats_silent_past_the_timeout_are_the_first_to_go_at_the_cap() -> None:
    """Their bot messages are kept past the silence, but not at the cost of a conversation."""
    clock = Clock()
    store = ConversationStore(1800, clock=clock, max_chats=10)
    store.put((-100, 1), said("en", "group"))
    store.remember(-100, 7, said("en", "group"))
    clock.now += 1000
    store.put((1, 1), said("en", "a"), message_id=1)  # talking still after the sweep below
    clock.now += 801
    for chat in range(2, 10):
        store.put((chat, chat), said("en", "b"), message_id=1)
    assert store.of_message(-100, 7) == said("en", "group")  # silent, kept while there is room
    assert store.get((-100, 1)) == Conversation()
    store.put((10, 10), said("en", "c"), message_id=1)
    assert store.of_message(-100, 7) is None
    assert store.get((1, 1)).listed == ("a",)  # older than the newcomers, but talking
    assert len(store) == 10


def test_a_timeout_of_zero_keeps_nothing() -> None:
    store = ConversationStore(0, clock=Clock())
    store.put((1, 1), said("en", "a"), message_id=3)
    assert store.get((1, 1)) == Conversation()
    assert store.of_message(1, 3) is None


def test_a_restart_keeps_the_conversations_and_their_silence(tmp_path: Path) -> None:
    clock = Clock()
    store = ConversationStore(1800, clock=clock)
    store.put((5, 5), said("ru", "a", "b"), message_id=40)
    clock.now += 600
    store.save(tmp_path / "conversations.json")

    later = Clock()
    later.now = 50.0  # a new process: its own clock
    again = ConversationStore(1800, clock=later)
    again.load(tmp_path / "conversations.json")
    assert again.get((5, 5)) == said("ru", "a", "b")
    assert again.of_message(5, 40) == said("ru", "a", "b")
    later.now += 1201  # 600 s before the restart and 1201 after: past the 30 minutes
    assert again.get((5, 5)) == Conversation()


@pytest.mark.parametrize("content", ["", "{", "[]", '{"chats": [[1]]}', '{"chats": "x"}'])
def test_a_damaged_or_missing_file_is_a_fresh_start(tmp_path: Path, content: str) -> None:
    path = tmp_path / "conversations.json"
    store = ConversationStore(1800, clock=Clock())
    store.load(path)  # missing
    path.write_text(content, "utf-8")
    store.load(path)
    assert len(store) == 0


def test_the_saved_file_is_read_once_so_forget_leaves_no_copy_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    store = ConversationStore(1800, clock=Clock())
    store.put((5, 5), said("ru", "a", "b"), message_id=40)
    store.save(path)
    again = ConversationStore(1800, clock=Clock())
    again.load(path)
    assert not path.exists()  # in memory only while the bot runs
    again.forget(5, 5)
    assert again.get((5, 5)) == Conversation() and again.of_message(5, 40) is None


def test_chats_silent_past_the_timeout_are_dropped_not_only_when_they_come_back() -> None:
    clock = Clock()
    store = ConversationStore(1800, clock=clock)
    for chat in range(50):
        store.put((chat, chat), said("en", "a"), message_id=1)
    clock.now += 1000
    store.put((100, 100), said("en", "b"))
    assert len(store) == 51  # still within the 30 minutes
    clock.now += 801
    store.put((101, 101), said("en", "c"))  # anyone talking sweeps the silent ones
    assert len(store) == 2
    assert store.get((100, 100)).listed == ("b",)
    assert store.of_message(7, 1) == said("en", "a")  # a reply names its message: kept


def test_what_is_read_back_is_what_was_stored() -> None:
    store = ConversationStore(1800, clock=Clock())
    kept = Conversation(listed=("a", "b", "c"), page=1, card="b", language="ky")
    store.put((5, 5), kept, message_id=9)
    assert store.get((5, 5)) == kept
    assert store.of_message(5, 9) == kept


def test_a_chat_and_its_newest_bot_message_cost_under_300_bytes() -> None:
    """The caps bound the chats; this, their cost. A chat's conversation and its newest bot
    message (the same conversation) take under 300 bytes, so the 5,000 chats of a full store
    stay under 1.5 MB (it was 580 bytes when each was a tuple holding a JSON str), and every
    one of them reads back as it was stored."""

    def asked(chat: int) -> Conversation:
        listed = tuple(
            f"{2014 + chat % 7}-{chat % 12 + 1:02d}-event-{chat % 97}-{n}" for n in range(4)
        )
        query = Query(intent="list", language="ru", years=(2014 + chat % 7,), places=("ghent",))
        return Conversation(query=query, listed=listed, language="ru")

    store = ConversationStore(1800, clock=Clock())
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for chat in range(1, 2001):
            store.put((chat, chat), asked(chat), message_id=chat)
        gc.collect()
        after = tracemalloc.take_snapshot()
        grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    assert len(asked(7).to_json()) > 150
    assert grown / 2000 < 300
    for chat in range(1, 2001):
        assert store.get((chat, chat)) == asked(chat)
        assert store.of_message(chat, chat) == asked(chat)
