"""Where the Telegram adapter keeps conversations: per chat (per user in groups) and per bot
message, forgotten after a while of silence, never more than a fixed number.

Plain Python, no `telegram` import: the handlers pass ids in and get Conversations out. Each
chat is one packed record (bot.telegram.chat_records: its conversation and its last bot
messages' conversations, compressed, about 150 bytes with one message) in a plain dict used as
a list in order of the last write, so every operation is O(1) and the caps bound the memory: a
full store is about MAX_CHATS x 0.2 KB + MAX_MESSAGES x 0.1 KB (benchmarks/memory.py).
`save` writes it to one JSON file at shutdown and `load` reads it back at start (ages, not
clock readings, so a restart keeps the silence counting).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bot.conversation import Conversation
from bot.telegram.chat_records import (
    MESSAGES_PER_RECORD,
    conversation_of,
    message_count,
    message_of,
    messages_of,
    packed_text,
    record,
    seen_of,
    unpacked_text,
)

MAX_CHATS = 5_000
"""Chats (users in groups) remembered at once; the longest silent is forgotten first. At the
30 messages a second Telegram allows a bot, more chats than this rarely talk within one
conversation timeout."""
MAX_MESSAGES_PER_CHAT = 10
"""Bot messages per chat whose context a reply can take: older replies start afresh."""
MAX_MESSAGES = 20_000
"""Bot messages remembered in all (a chat's newest usually costs 12 bytes, as it carries the
chat's own conversation; the others about 0.1 KB each); past it the chat silent longest goes."""

RECENT = 64
"""Conversations of the chats talking now, kept as objects too (packed and read back once)."""

log = logging.getLogger(__name__)

Key = tuple[int, int]
"""(chat id, user id): in a private chat both are the user; in a group each user has their own."""
Slot = int | tuple[int, int]
"""A Key as stored: a private chat's by its id alone, so its conversation and its bot messages
share one record. A group's bot messages are under the group's id, each user's conversation
under (group, user); a group's id is negative, a user's positive, so the two never meet."""


def _slot(key: Key) -> Slot:
    chat, user = key
    return chat if chat == user else key


def _key(slot: Slot) -> Key:
    return (slot, slot) if isinstance(slot, int) else slot


class ConversationStore:
    """The conversation of each chat, and the one behind each bot message."""

    def __init__(
        self,
        timeout_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_chats: int = MAX_CHATS,
        max_messages_per_chat: int = MAX_MESSAGES_PER_CHAT,
        max_messages: int = MAX_MESSAGES,
    ) -> None:
        """Args:
        timeout_seconds: silence after which a chat's conversation is forgotten (0: never kept).
        clock: seconds, monotonic; tests pass their own to move time on without sleeping.
        """
        if not 0 < max_messages_per_chat <= MESSAGES_PER_RECORD:
            raise ValueError(f"max_messages_per_chat must be 1..{MESSAGES_PER_RECORD}")
        self.timeout = timeout_seconds
        self.clock = clock
        self.max_chats = max_chats
        self.max_messages_per_chat = max_messages_per_chat
        self.max_messages = max_messages
        self._talking: dict[Slot, bytes] = {}
        """Chats that talked within the timeout, in order of the last write."""
        self._silent: dict[Slot, bytes] = {}
        """Chats silent past it, their conversation dropped, kept for their bot messages (a
        reply names the message it continues, so silence does not expire those: only the caps
        do); all silent longer than any chat in _talking, so the caps empty this first."""
        self._message_count = 0
        self._recent: dict[int, tuple[Conversation, bytes]] = {}
        self._objects: dict[bytes, Conversation] = {}

    def __len__(self) -> int:
        """Chats that talked within the timeout (and were not forgotten yet)."""
        return len(self._talking)

    @property
    def message_count(self) -> int:
        return self._message_count

    def get(self, key: Key) -> Conversation:
        """The chat's conversation, or a fresh one after `timeout` seconds of silence."""
        chat = self._talking.get(_slot(key))
        if chat is None or self._expired(seen_of(chat)):
            return Conversation()
        conversation = conversation_of(chat)
        return self._thawed(conversation) if conversation else Conversation()

    def of_message(self, chat_id: int, message_id: int) -> Conversation | None:
        """The conversation right after the bot sent this message; None when not remembered
        (one of the chat's older messages, not the bot's, or sent before a restart).

        A reply names the message it continues, so silence does not expire it: only the caps do.
        """
        chat = self._talking.get(chat_id) or self._silent.get(chat_id)
        found = None if chat is None else message_of(chat, message_id)
        return None if found is None else self._thawed(found)

    def put(self, key: Key, conversation: Conversation, message_id: int | None = None) -> None:
        """After an answer: the chat's conversation, and (when given) the bot message's."""
        if self.timeout <= 0:
            return
        now = self.clock()
        self._hold(_slot(key), now, self._frozen(conversation))
        if message_id is not None:
            self.remember(key[0], message_id, conversation)
        self._drop_silent(now)

    def remember(self, chat_id: int, message_id: int, conversation: Conversation) -> None:
        """The conversation behind one bot message, for replies to it (no expiry, only caps)."""
        if self.timeout <= 0:
            return
        earlier = self._taken(chat_id)
        if (
            earlier is not None
            and conversation_of(earlier)
            and not self._expired(seen_of(earlier))
        ):
            seen, own = seen_of(earlier), conversation_of(earlier)
        else:  # bot messages only (a group's, or a chat silent past the timeout): from now
            seen, own = self.clock(), b""
        messages = [m for m in messages_of(earlier) if m[0] != message_id] if earlier else []
        messages.append((message_id, self._frozen(conversation)))
        self._write(chat_id, seen, own, messages[-self.max_messages_per_chat :])

    def forget(self, chat_id: int, user_id: int) -> None:
        """/forget: the user's conversation in this chat goes at once, and in a private chat
        the conversations behind the bot's messages too."""
        self._taken(_slot((chat_id, user_id)))

    def save(self, path: Path) -> None:
        """Write what is remembered to `path` (replaced atomically); failures are logged only:
        losing the conversations costs a fuller question, never the shutdown."""
        now = self.clock()
        chats: list[list[object]] = []
        messages: list[list[object]] = []
        for slot, chat in self._chats():
            own = conversation_of(chat)
            if own and not self._expired(seen_of(chat)):
                age = round(now - seen_of(chat), 1)
                chats.append([*_key(slot), age, unpacked_text(own)])
            for message_id, text in messages_of(chat):
                messages.append([slot, message_id, unpacked_text(text)])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".tmp")
            partial.write_text(json.dumps({"chats": chats, "messages": messages}), "utf-8")
            partial.replace(path)
        except OSError as error:
            log.warning("could not save the conversations to %s: %s", path, error)

    def load(self, path: Path) -> None:
        """Read what `save` wrote; a missing or damaged file is a fresh start."""
        try:
            raw = json.loads(path.read_text("utf-8"))
            now = self.clock()
            for chat, user, age, text in raw.get("chats", []):
                kept = self._frozen(Conversation.from_json(text))  # only what reads back
                self._hold(_slot((int(chat), int(user))), now - float(age), kept)
            for chat, message_id, text in raw.get("messages", []):
                self.remember(int(chat), int(message_id), Conversation.from_json(text))
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, AttributeError) as error:
            log.warning("could not read the saved conversations in %s: %s", path, error)
        # Read once, then gone: while the bot runs the conversations live in memory only, so a
        # /forget leaves no copy on disk (the next clean stop writes the file afresh).
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove %s after reading it: %s", path, error)

    def _chats(self) -> Iterator[tuple[Slot, bytes]]:
        """Every chat's record, the longest silent first."""
        yield from self._silent.items()
        yield from self._talking.items()

    def _taken(self, slot: Slot) -> bytes | None:
        """The chat's record, out of the store (to be written back at the end, or not)."""
        chat = self._talking.pop(slot, None)
        if chat is None:
            chat = self._silent.pop(slot, None)
        if chat is not None:
            self._message_count -= message_count(chat)
        return chat

    def _hold(self, slot: Slot, seen: float, conversation: bytes) -> None:
        """The chat's conversation (packed) as of `seen`; its bot messages stay."""
        earlier = self._taken(slot)
        self._write(slot, seen, conversation, messages_of(earlier) if earlier else [])

    def _write(
        self, slot: Slot, seen: float, own: bytes, messages: Sequence[tuple[int, bytes]]
    ) -> None:
        """The chat's record, as the newest; past a cap, the longest silent chats go."""
        chat = record(seen, own, messages)
        self._talking[slot] = chat
        self._message_count += message_count(chat)
        while len(self._talking) + len(self._silent) > self.max_chats or (
            self._message_count > self.max_messages
        ):
            oldest = self._silent or self._talking
            if oldest is self._talking and len(oldest) == 1:
                return
            self._message_count -= message_count(oldest.pop(next(iter(oldest))))

    def _expired(self, seen: float) -> bool:
        return self.clock() - seen > self.timeout

    def _drop_silent(self, now: float) -> None:
        """Forget the conversations silent past the timeout (the longest silent come first in
        the order of writes, so this stops at the first one still talking); their bot messages
        stay, in _silent."""
        while self._talking:
            slot = next(iter(self._talking))
            chat = self._talking[slot]
            if now - seen_of(chat) <= self.timeout:
                return
            del self._talking[slot]
            messages = messages_of(chat)
            if messages:
                self._silent[slot] = record(seen_of(chat), b"", messages)

    def _frozen(self, conversation: Conversation) -> bytes:
        """The packed form kept in memory; a conversation stored twice (the chat's, then its
        new message's once sent, other chats' updates in between) is packed once. The cache
        holds the objects, so an id is not reused while in it."""
        recent = self._recent.get(id(conversation))
        if recent is not None and recent[0] is conversation:
            return recent[1]
        packed = packed_text(conversation.to_json())
        self._recent[id(conversation)] = (conversation, packed)
        self._remember_object(packed, conversation)  # the chat's next question reads it back
        if len(self._recent) > RECENT:
            del self._recent[next(iter(self._recent))]
        return packed

    def _thawed(self, packed: bytes) -> Conversation:
        """The conversation a packed text stands for. The texts of the chats talking now are
        read again and again, and most were written by this process a moment ago: the object
        that was packed is handed back (a Conversation is immutable), not parsed again."""
        found = self._objects.get(packed)
        if found is None:
            found = Conversation.from_json(unpacked_text(packed))
            self._remember_object(packed, found)
        return found

    def _remember_object(self, packed: bytes, conversation: Conversation) -> None:
        self._objects[packed] = conversation
        if len(self._objects) > RECENT:
            del self._objects[next(iter(self._objects))]
