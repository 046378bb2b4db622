"""Where the Telegram adapter keeps conversations: per chat (per user in groups) and per bot
message, forgotten after a while of silence, never more than a fixed number.

Plain Python, no `telegram` import: the handlers pass ids in and get Conversations out. Every
operation is O(1) (ordered dicts used as LRU lists; a chat's few messages in a short list).
Kept in memory as each conversation's compact JSON (Conversation.to_json, a few hundred bytes;
the objects themselves took about three times that), so the caps bound the memory too: a full
store is about MAX_CONVERSATIONS x 0.6 KB + MAX_MESSAGES x 0.4 KB (benchmarks/memory.py).
`save` writes it to one JSON file at shutdown and `load` reads it back at start (ages, not
clock readings, so a restart keeps the silence counting).
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

from bot.conversation import Conversation

MAX_CONVERSATIONS = 5_000
"""Chats (users in groups) remembered at once; the longest silent is forgotten first. At the
30 messages a second Telegram allows a bot, more chats than this rarely talk within one
conversation timeout."""
MAX_MESSAGES_PER_CHAT = 10
"""Bot messages per chat whose context a reply can take: older replies start afresh."""
MAX_MESSAGES = 5_000
"""Bot messages remembered in all; the chat silent longest loses its messages first."""

RECENT = 64
"""Conversations of the chats talking now, kept as objects too (serialised and read back once)."""
SHARED_TEXTS = 512
"""Distinct conversation texts whose single copy the store hands out to every chat that
arrives at the same one (people asking the same popular question end in the same
conversation): the most recently stored stay, so this costs at most ~0.3 MB, filled once."""

log = logging.getLogger(__name__)

Key = tuple[int, int]
"""(chat id, user id): in a private chat both are the user; in a group each user has their own."""
Slot = int | tuple[int, int]
"""A Key as stored: a private chat's by its id alone (one int, not a tuple of two; a group's
id is negative, a user's positive, so the two never meet)."""
Flat = tuple[int | str, ...]
"""A chat's bot messages as stored: message id, conversation text, message id, text, ... (one
tuple per chat rather than a list of pairs: ~100 bytes less per message)."""


def _slot(key: Key) -> Slot:
    chat, user = key
    return chat if chat == user else key


def _key(slot: Slot) -> Key:
    return (slot, slot) if isinstance(slot, int) else slot


def _pairs(flat: Flat) -> Iterator[tuple[int, str]]:
    for index in range(0, len(flat), 2):
        yield cast(int, flat[index]), cast(str, flat[index + 1])


class ConversationStore:
    """The conversation of each chat, and the one behind each bot message."""

    def __init__(
        self,
        timeout_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_conversations: int = MAX_CONVERSATIONS,
        max_messages_per_chat: int = MAX_MESSAGES_PER_CHAT,
        max_messages: int = MAX_MESSAGES,
    ) -> None:
        """Args:
        timeout_seconds: silence after which a chat's conversation is forgotten (0: never kept).
        clock: seconds, monotonic; tests pass their own to move time on without sleeping.
        """
        self.timeout = timeout_seconds
        self.clock = clock
        self.max_conversations = max_conversations
        self.max_messages_per_chat = max_messages_per_chat
        self.max_messages = max_messages
        self._chats: OrderedDict[Slot, tuple[float, str]] = OrderedDict()
        self._messages: OrderedDict[int, Flat] = OrderedDict()
        self._message_count = 0
        self._recent: dict[int, tuple[Conversation, str]] = {}
        self._objects: dict[str, Conversation] = {}
        self._texts: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chats)

    @property
    def message_count(self) -> int:
        return self._message_count

    def get(self, key: Key) -> Conversation:
        """The chat's conversation, or a fresh one after `timeout` seconds of silence."""
        slot = _slot(key)
        entry = self._chats.get(slot)
        if entry is None:
            return Conversation()
        seen, stored = entry
        if self._expired(seen):
            del self._chats[slot]
            return Conversation()
        return self._thawed(stored)

    def of_message(self, chat_id: int, message_id: int) -> Conversation | None:
        """The conversation right after the bot sent this message; None when not remembered
        (one of the chat's older messages, not the bot's, or sent before a restart).

        A reply names the message it continues, so silence does not expire it: only the caps do.
        """
        for remembered, stored in _pairs(self._messages.get(chat_id, ())):
            if remembered == message_id:
                return self._thawed(stored)
        return None

    def put(self, key: Key, conversation: Conversation, message_id: int | None = None) -> None:
        """After an answer: the chat's conversation, and (when given) the bot message's."""
        now = self.clock()
        if self.timeout <= 0:
            return
        slot = _slot(key)
        self._chats.pop(slot, None)
        self._chats[slot] = (now, self._frozen(conversation))
        self._drop_silent(now)
        if message_id is not None:
            self.remember(key[0], message_id, conversation)

    def remember(self, chat_id: int, message_id: int, conversation: Conversation) -> None:
        """The conversation behind one bot message, for replies to it (no expiry, only caps)."""
        if self.timeout <= 0:
            return
        earlier = self._messages.pop(chat_id, ())
        self._message_count -= len(earlier) // 2
        messages = [entry for entry in _pairs(earlier) if entry[0] != message_id]
        messages.append((message_id, self._frozen(conversation)))
        del messages[: -self.max_messages_per_chat]
        self._messages[chat_id] = tuple(part for entry in messages for part in entry)
        self._message_count += len(messages)
        while self._message_count > self.max_messages and self._messages:
            _, dropped = self._messages.popitem(last=False)
            self._message_count -= len(dropped) // 2

    def forget(self, chat_id: int, user_id: int) -> None:
        """/forget: the user's conversation in this chat goes at once, and in a private chat
        the conversations behind the bot's messages too."""
        self._chats.pop(_slot((chat_id, user_id)), None)
        if chat_id == user_id:
            dropped = self._messages.pop(chat_id, None)
            if dropped is not None:
                self._message_count -= len(dropped) // 2

    def save(self, path: Path) -> None:
        """Write what is remembered to `path` (replaced atomically); failures are logged only:
        losing the conversations costs a fuller question, never the shutdown."""
        now = self.clock()
        chats = [
            [*_key(slot), round(now - seen, 1), stored]
            for slot, (seen, stored) in self._chats.items()
            if not self._expired(seen)
        ]
        messages = [
            [chat, message_id, stored]
            for chat, entries in self._messages.items()
            for message_id, stored in _pairs(entries)
        ]
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
                self._chats[_slot((int(chat), int(user)))] = (
                    now - float(age),
                    Conversation.from_json(text).to_json(),  # only what reads back
                )
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
        while len(self._chats) > self.max_conversations:
            self._chats.popitem(last=False)

    def _expired(self, seen: float) -> bool:
        return self.clock() - seen > self.timeout

    def _drop_silent(self, now: float) -> None:
        """Forget the chats silent past the timeout (the longest silent come first in the
        LRU order, so this stops at the first one still talking) and any over the cap."""
        while self._chats:
            key, (seen, _) = next(iter(self._chats.items()))
            if now - seen <= self.timeout and len(self._chats) <= self.max_conversations:
                return
            del self._chats[key]

    def _frozen(self, conversation: Conversation) -> str:
        """The compact form kept in memory; a conversation stored twice (the chat's, then its
        new message's once sent, other chats' updates in between) is serialised once and the
        text shared. The cache holds the objects, so an id is not reused while in it."""
        recent = self._recent.get(id(conversation))
        if recent is not None and recent[0] is conversation:
            return recent[1]
        stored = self._shared(conversation.to_json())
        self._recent[id(conversation)] = (conversation, stored)
        self._remember_object(stored, conversation)  # the chat's next question reads it back
        if len(self._recent) > RECENT:
            del self._recent[next(iter(self._recent))]
        return stored

    def _shared(self, text: str) -> str:
        """One copy of each text in use: an equal text stored before is handed back."""
        shared = self._texts.get(text)
        if shared is None:
            self._texts[text] = shared = text
            if len(self._texts) > SHARED_TEXTS:
                self._texts.popitem(last=False)
        else:
            self._texts.move_to_end(text)
        return shared

    def _thawed(self, stored: str) -> Conversation:
        """The conversation a stored text stands for. The texts of the chats talking now are
        read again and again, and most were written by this process a moment ago: the object
        that was serialised is handed back (a Conversation is immutable), not parsed again."""
        found = self._objects.get(stored)
        if found is None:
            found = Conversation.from_json(stored)
            self._remember_object(stored, found)
        return found

    def _remember_object(self, stored: str, conversation: Conversation) -> None:
        self._objects[stored] = conversation
        if len(self._objects) > RECENT:
            del self._objects[next(iter(self._objects))]
