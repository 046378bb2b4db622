"""What the news feature needs from the fixture, strict as Telegram is.

- Chats a test registers without a message (500 subscribers), and channels by @username, where
  only an administrator bot may post; channel posts carry `sender_chat` and no `from`.
- Users who blocked the bot: every call addressing their chat gets 403, as in production.
- `upload()`: the file behind a document the bot sent (the .ics), from the server's files.
- Flood control when asked for (`limit_rates`): 429 with retry_after past N messages in any
  second, or a second message to one chat within the chat interval; and `pace()`, which measures
  what the bot actually did: the busiest second and the closest two messages to one chat.
- getChatMember (who is a group admin), set/getMyDescription and set/getMyShortDescription.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")


class _Refusal(Exception):
    """Raised by the mixin; the server turns it into its own ApiError."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded in a multipart request."""

    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Pace:
    """What the bot's sending looked like, measured at arrival."""

    messages: int
    busiest_second: int  # most messages in any one-second window
    closest_in_chat: float | None  # the shortest gap between two messages to one chat, seconds


class NewsApi:
    """Mixed into BotApiServer; `_init_news` is called from its __init__."""

    bot_id: int
    messages: dict[tuple[int, int], JSON]
    _cond: threading.Condition

    def _init_news(self) -> None:
        self.blocked: set[int] = set()
        self.chats: dict[int, JSON] = {}
        self.channel_admin: set[int] = set()  # channels where the bot may post
        self.group_admins: dict[int, set[int]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self._rates: tuple[int, float] | None = None
        self._sent_at: list[float] = []
        self._chat_sent_at: dict[int, float] = {}

    # ------------------------------------------------------------------ test side

    def register_chat(self, chat: JSON) -> JSON:
        """A chat the bot may write to before any message arrived from it."""
        with self._cond:
            self.chats[int(chat["id"])] = chat
        return chat

    def channel(self, chat_id: int, username: str, *, bot_is_admin: bool = True) -> JSON:
        chat = {"id": chat_id, "type": "channel", "title": "KG-BE news", "username": username}
        self.register_chat(chat)
        if bot_is_admin:
            self.channel_admin.add(chat_id)
        return chat

    def limit_rates(self, per_second: int = 30, chat_seconds: float = 1.0) -> None:
        """Answer 429 as Telegram does when the bot sends faster than this."""
        self._rates = (per_second, chat_seconds)

    def pace(self, methods: tuple[str, ...] = ("sendMessage", "sendDocument")) -> Pace:
        calls = [c for c in self.calls if c.ok and c.method in methods]  # type: ignore[attr-defined]
        times = sorted(c.at for c in calls)
        busiest = 0
        for index, at in enumerate(times):
            busiest = max(busiest, bisect.bisect_left(times, at + 1.0) - index)
        closest: float | None = None
        last: dict[str, float] = {}
        for call in sorted(calls, key=lambda c: c.at):
            chat = str(call.params.get("chat_id"))
            if chat in last:
                gap = call.at - last[chat]
                closest = gap if closest is None else min(closest, gap)
            last[chat] = call.at
        return Pace(len(calls), busiest, closest)

    def upload(self, message: JSON) -> Upload:
        """The file behind a document message, as the bot uploaded it."""
        document = message["document"]
        with self._cond:
            content = self.files[str(document["file_id"])]  # type: ignore[attr-defined]
        return Upload(document["file_name"], document.get("mime_type", ""), content)

    # ------------------------------------------------------------------ server side

    def _known_chat(self, chat_id: Any) -> JSON | None:
        """The chat by id or @username among registered chats; None when not registered."""
        with self._cond:
            if isinstance(chat_id, str) and USERNAME.fullmatch(chat_id):
                name = chat_id[1:].lower()
                for chat in self.chats.values():
                    if str(chat.get("username", "")).lower() == name:
                        return dict(chat)
                raise _Refusal(400, "Bad Request: chat not found")
            try:
                cid = int(chat_id)
            except (TypeError, ValueError):
                return None
            if cid in self.blocked:
                raise _Refusal(403, "Forbidden: bot was blocked by the user")
            chat = self.chats.get(cid)
            return dict(chat) if chat is not None else None

    def _check_posting(self, chat: JSON) -> None:
        if chat.get("type") == "channel" and chat["id"] not in self.channel_admin:
            raise _Refusal(400, "Bad Request: need administrator rights in the channel chat")

    def _check_flood(self, method: str, params: JSON) -> None:
        """Telegram's flood control, when the test switched it on; every send is recorded."""
        if not method.startswith("send") or method == "sendChatAction":
            return
        now = time.monotonic()
        try:
            chat = int(params.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            chat = hash(str(params.get("chat_id")))
        with self._cond:
            if self._rates is not None:
                per_second, chat_seconds = self._rates
                start = bisect.bisect_right(self._sent_at, now - 1.0)
                if len(self._sent_at) - start >= per_second:
                    wait = self._sent_at[start] + 1.0 - now
                    raise _Refusal(429, "Too Many Requests", max(1, math.ceil(wait)))
                last = self._chat_sent_at.get(chat)
                if last is not None and now - last < chat_seconds:
                    raise _Refusal(429, "Too Many Requests", max(1, math.ceil(chat_seconds)))
            self._sent_at.append(now)
            self._chat_sent_at[chat] = now

    def _api_getchatmember(self, params: JSON) -> JSON:
        chat = self._chat(params.get("chat_id"))  # type: ignore[attr-defined]
        user_id = int(params.get("user_id") or 0)
        admins = self.group_admins.get(chat["id"], set())
        status = "administrator" if user_id in admins else "member"
        if chat.get("type") == "private":
            status = "member"
        user = {"id": user_id, "is_bot": False, "first_name": "Member"}
        member: JSON = {"status": status, "user": user}
        if status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
            )
        return member

    def _description(self, params: JSON, field: str, limit: int, into: dict[str, str]) -> bool:
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _Refusal(400, "Bad Request: invalid language code specified")
        text = str(params.get(field) or "")
        if len(text) > limit:
            raise _Refusal(400, f"Bad Request: {field.upper()}_INVALID")
        with self._cond:
            if text:
                into[language] = text
            else:
                into.pop(language, None)
        return True

    def _api_setmydescription(self, params: JSON) -> bool:
        return self._description(params, "description", MAX_DESCRIPTION, self.descriptions)

    def _api_setmyshortdescription(self, params: JSON) -> bool:
        return self._description(
            params, "short_description", MAX_SHORT_DESCRIPTION, self.short_descriptions
        )

    def _api_getmydescription(self, params: JSON) -> JSON:
        language = str(params.get("language_code") or "")
        return {"description": self.descriptions.get(language, "")}

    def _api_getmyshortdescription(self, params: JSON) -> JSON:
        language = str(params.get("language_code") or "")
        return {"short_description": self.short_descriptions.get(language, "")}
