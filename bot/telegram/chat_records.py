"""What the conversation store keeps of one chat, packed in a single `bytes`: when the chat last
talked, its conversation, and the conversation behind each of its last bot messages.

Why packed: a store at its caps holds thousands of chats, and as Python objects (a tuple per
chat and per message, a float, an int per message id, a str per conversation) their headers
cost more than the conversations. One bytes object per chat, with each conversation's JSON
compressed against a dictionary of the field names it is made of (about 205 → 85 bytes), keeps
a chat with one bot message at about 150 bytes. The newest bot message usually carries the
chat's own conversation: it is then stored as a reference (12 bytes), not a second copy.

The compressed texts live only in memory: `ConversationStore.save` writes plain JSON, so the
dictionary may change between versions.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import fields

from bot.understanding.query import Query

_HEAD = struct.Struct("<dIB")
"""When the chat last talked (clock seconds), the length of its conversation (0: none), and how
many bot messages follow."""
_MESSAGE = struct.Struct("<qI")
"""A bot message's id, then the length of its conversation (0: the same as the chat's)."""
MESSAGES_PER_RECORD = 255
_SAME_AS_CHAT = 0

_RAW_DEFLATE = -15
"""No zlib header or checksum: 6 bytes a text, and the text is checked when read as JSON."""
_FIELDS = "".join(f'"{field.name}":[' for field in fields(Query))
_DICTIONARY = (
    _FIELDS + '{"query":{"intent":"list","language":"en"'
    '"page":"card":"20"listed":["20","language":"ru"}"language":"ky"}"language":"fr"}'
    '"language":"nl"}'
).encode()
"""Strings that recur in every conversation's JSON (Conversation.to_json): deflate refers back
to them instead of spelling them out. Only the field names are taken from the code; a field
added later is merely spelled out."""


def packed_text(text: str) -> bytes:
    """A conversation's JSON, compressed."""
    packer = zlib.compressobj(9, zlib.DEFLATED, _RAW_DEFLATE, zdict=_DICTIONARY)
    return packer.compress(text.encode()) + packer.flush()


def unpacked_text(packed: bytes) -> str:
    """The JSON that `packed_text` compressed."""
    unpacker = zlib.decompressobj(_RAW_DEFLATE, zdict=_DICTIONARY)
    return (unpacker.decompress(packed) + unpacker.flush()).decode()


def record(seen: float, conversation: bytes, messages: Sequence[tuple[int, bytes]]) -> bytes:
    """A chat's record. `conversation` is a packed text, or b"" when the chat has none now;
    `messages` are (bot message id, packed text), oldest first, at most MESSAGES_PER_RECORD."""
    parts = [_HEAD.pack(seen, len(conversation), len(messages)), conversation]
    for message_id, text in messages:
        if conversation and text == conversation:
            parts.append(_MESSAGE.pack(message_id, _SAME_AS_CHAT))
        else:
            parts += (_MESSAGE.pack(message_id, len(text)), text)
    return b"".join(parts)


def seen_of(chat: bytes) -> float:
    """When the chat's conversation was last stored (for a chat with bot messages only: the
    last of them)."""
    seen: float = _HEAD.unpack_from(chat)[0]
    return seen


def conversation_of(chat: bytes) -> bytes:
    """The chat's packed conversation; b"" when it has none."""
    length = _HEAD.unpack_from(chat)[1]
    return chat[_HEAD.size : _HEAD.size + length]


def message_count(chat: bytes) -> int:
    return chat[_HEAD.size - 1]


def messages_of(chat: bytes) -> list[tuple[int, bytes]]:
    """(bot message id, packed text) of each remembered message, oldest first."""
    _, length, count = _HEAD.unpack_from(chat)
    own = chat[_HEAD.size : _HEAD.size + length]
    at = _HEAD.size + length
    messages = []
    for _ in range(count):
        message_id, length = _MESSAGE.unpack_from(chat, at)
        at += _MESSAGE.size
        if length == _SAME_AS_CHAT:
            messages.append((message_id, own))
        else:
            messages.append((message_id, chat[at : at + length]))
            at += length
    return messages


def message_of(chat: bytes, message_id: int) -> bytes | None:
    """The packed conversation behind one bot message; None when it is not remembered."""
    for remembered, text in messages_of(chat):
        if remembered == message_id:
            return text
    return None
