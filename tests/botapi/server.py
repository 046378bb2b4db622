"""A local Bot API server for end-to-end tests: real HTTP on 127.0.0.1, real Bot API shapes.

The bot under test reaches it through python-telegram-bot's `base_url`
(`http://127.0.0.1:<port>/bot`). Tests play the users: they inject updates (messages,
callback queries, inline queries; private chats and groups) and read back what the bot sent.

It is strict where Telegram is strict, so what would fail in production fails here: text over
4096 characters, callback_data over 64 UTF-8 bytes, HTML Telegram would refuse, more than 50
inline results, poll limits, deep links with a bad payload, editing a message into itself,
photos that are not images or too large, captions over 1024 characters, copy_text over 256,
a message_thread_id outside a forum, a vote on a closed or anonymous poll.
Every refusal is recorded in `errors`, with Telegram's error JSON sent back to the bot.
Faults can be injected per method: 429 with retry_after, 500, slow responses, and a dropped
connection (the call is carried out, then the socket closes without a response).

The server runs in its own threads, so a slow response never blocks the test's event loop.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from .news import NewsApi, _Refusal
from .telegram_html import EntityError, parse_html, utf16_length

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKENtest12"
MAX_TEXT = 4096
WAIT_SECONDS = 15.0
"""How long a test waits for the bot by default: an upper bound, not a speed check (speed is the
benchmarks' job); generous because CI runs the e2e tests on two busy cores."""
MAX_CALLBACK_DATA = 64
MAX_INLINE_RESULTS = 50
MAX_CAPTION = 1024
MAX_COPY_TEXT = 256
MAX_PLACEHOLDER = 64
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DROPPED = 0  # the status `handle` gives when the connection is to be closed without a response
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")

# Parameters that are plain strings even when they look like JSON ("2017" as a message text).
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "query",
        "question",
        "explanation",
        "parse_mode",
        "explanation_parse_mode",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "next_offset",
        "type",
        "business_connection_id",
        "action",
        "photo",
        "document",
        "_filename",
    }
)


class ApiError(Exception):
    """A refusal with Telegram's status code, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> ApiError:
    if not description.startswith("Bad Request"):
        description = f"Bad Request: {description}"
    return ApiError(400, description)


@dataclass
class Fault:
    """What to do instead of (or before) answering the next `times` calls of `method`."""

    method: str
    status: int = 0  # 0: no error, only the delay
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    drop: bool = False  # carry the call out, then close the socket without a response
    chat_id: int | None = None  # only calls to this chat (None: any call of the method)
    late: float = 0.0  # carry the call out at once, answer the bot this many seconds later


@dataclass
class Call:
    """One request the bot made, with the decoded parameters and what it got back."""

    method: str
    params: JSON
    ok: bool
    result: Any = None
    error: str | None = None
    status: int = 200
    at: float = field(default_factory=time.monotonic)


class BotApiServer(NewsApi):
    """The fixture: start it, point the bot's base_url at it, drive it from the test."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        username: str = "kgbe_test_bot",
        first_name: str = "KG-BE Bot",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.calls: list[Call] = []
        self.errors: list[Call] = []
        self.faults: list[Fault] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.inline_answers: dict[str, JSON] = {}
        self.files: dict[str, bytes] = {}  # file_id -> the bytes uploaded (sendPhoto)
        self.webhook: JSON = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(1)
        self._cursors: dict[int, int] = {}
        self._cond = threading.Condition()
        self._closing = False
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._init_news()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> BotApiServer:
        server = self

        class Handler(_Handler):
            api = server

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start() the server first"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """python-telegram-bot's base_url form: the token and method are appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ----------------------------------------------------------------- test side: people

    @staticmethod
    def user(user_id: int, first_name: str = "Aibek", language_code: str | None = "en") -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def private_chat(user: JSON) -> JSON:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group_chat(chat_id: int = -1001234567890, title: str = "Nooruz evening") -> JSON:
        return {"id": chat_id, "type": "supergroup", "title": title}

    @staticmethod
    def forum_chat(chat_id: int = -1009876543210, title: str = "Embassy events") -> JSON:
        """A supergroup with topics: messages carry message_thread_id."""
        return {"id": chat_id, "type": "supergroup", "title": title, "is_forum": True}

    # ----------------------------------------------------------------- test side: updates

    def send_text(
        self,
        user: JSON,
        text: str,
        chat: JSON | None = None,
        reply_to: JSON | None = None,
        queue: bool = True,
        thread_id: int | None = None,
    ) -> JSON:
        """The user sends `text`; commands and @mentions get the entities Telegram adds.

        With queue=False the message is only recorded (to deliver it to a webhook yourself).
        With thread_id the message is written in that topic of a forum chat.
        """
        chat = chat or self.private_chat(user)
        topic: JSON = {}
        if thread_id is not None:
            assert chat.get("is_forum"), "only a forum chat has topics"
            topic = {"message_thread_id": thread_id, "is_topic_message": True}
        message = self._new_message(chat, user, text=text, **topic)
        entities: list[JSON] = []
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": command.end()})
        for mention in re.finditer(r"@[A-Za-z0-9_]{5,32}", text):
            if command and mention.start() < command.end():
                continue
            entities.append(
                {
                    "type": "mention",
                    "offset": utf16_length(text[: mention.start()]),
                    "length": utf16_length(mention.group()),
                }
            )
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if queue:
            self._push({"message": message})
        return message

    def press(self, user: JSON, message: JSON, data: str) -> str:
        """The user taps an inline button carrying `data` under the bot's `message`."""
        query_id = str(next(self._query_ids) + 7_000_000)
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": _public(message),
                    "chat_instance": f"ci{message['chat']['id']}",
                    "data": data,
                }
            }
        )
        return query_id

    def press_button(self, user: JSON, message: JSON, label: str) -> str:
        """Tap the button whose text contains `label` (first match)."""
        for button in self.buttons(message):
            if label in button["text"]:
                assert "callback_data" in button, f"{button} is not a callback button"
                return self.press(user, message, button["callback_data"])
        raise AssertionError(
            f"no button {label!r} in {[b['text'] for b in self.buttons(message)]}"
        )

    def inline_query(self, user: JSON, query: str, chat_type: str = "sender") -> str:
        query_id = str(next(self._query_ids) + 9_000_000)
        self._push(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user,
                    "query": query,
                    "offset": "",
                    "chat_type": chat_type,
                }
            }
        )
        return query_id

    def push_raw(self, body: JSON) -> int:
        """Queue an update exactly as given (it may be malformed); returns its update_id."""
        with self._cond:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **body})
            self._cond.notify_all()
        return update_id

    def answer_poll(self, user: JSON, message: JSON, option_ids: list[int]) -> None:
        """The user votes in the bot's poll; the bot gets a poll_answer update, as Telegram
        sends only for non-anonymous polls. A vote on a closed poll is impossible."""
        key = (message["chat"]["id"], message["message_id"])
        with self._cond:
            poll = self.messages[key]["poll"]
            assert not poll["is_anonymous"], "an anonymous poll sends no poll_answer"
            assert not poll["is_closed"], "nobody can vote in a closed poll"
            assert all(0 <= o < len(poll["options"]) for o in option_ids)
            voters = poll.setdefault("_voters", {})
            assert user["id"] not in voters, "a quiz poll takes one vote per user"
            voters[user["id"]] = option_ids
            for option in option_ids:
                poll["options"][option]["voter_count"] += 1
            poll["total_voter_count"] += 1
            persistent = [poll["options"][o]["persistent_id"] for o in option_ids]
        answer = {
            "poll_id": poll["id"],
            "user": user,
            "option_ids": option_ids,
            "option_persistent_ids": persistent,
        }
        self._push({"poll_answer": answer})

    def stray_poll_answer(self, user: JSON, poll_id: str, option_ids: list[int]) -> None:
        """A poll_answer for a poll the bot does not know (sent before its data was lost, or
        by another instance): what a bot must ignore quietly."""
        answer = {
            "poll_id": poll_id,
            "user": user,
            "option_ids": option_ids,
            "option_persistent_ids": [f"o{o}" for o in option_ids],
        }
        self._push({"poll_answer": answer})

    def add_to_group(self, user: JSON, chat: JSON) -> JSON:
        """`user` adds the bot to `chat`: the service message and the my_chat_member update."""
        bot = self._bot_user()
        service = self._new_message(chat, user, new_chat_members=[bot])
        self._push({"message": service})
        self._push(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": {"status": "left", "user": bot},
                    "new_chat_member": {"status": "member", "user": bot},
                }
            }
        )
        return service

    def sent_markup(self, message: JSON) -> JSON | None:
        """The markup the bot sent with `message`, also a ForceReply (which the API hides)."""
        with self._cond:
            stored = self.messages[(message["chat"]["id"], message["message_id"])]
            markup: JSON | None = stored.get("reply_markup") or stored.get("_markup")
            return markup

    def photo_bytes(self, message: JSON) -> bytes:
        """The picture the bot sent in `message` (its largest size), or the file it sent."""
        if "document" in message:
            return self.files[message["document"]["file_id"]]
        return self.files[message["photo"][-1]["file_id"]]

    def uploads(self) -> int:
        """How many files the bot has uploaded (a file sent again by its file_id is not one)."""
        with self._cond:
            return len(self.files)

    # ----------------------------------------------------------------- test side: faults

    def inject(
        self,
        method: str,
        *,
        status: int = 0,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
        drop: bool = False,
        chat_id: int | None = None,
        late: float = 0.0,
    ) -> None:
        """Make the next `times` calls of `method` slow and/or fail with `status`.

        With drop=True the call is carried out (a getUpdates waits and collects updates as a
        long poll does; a sendMessage delivers the message), then the connection is closed
        without a response: what the bot sees when a connection breaks mid-request. With
        chat_id only the calls to that chat are affected. With late, the call is carried out (the
        users see the message) and the bot gets its answer that many seconds later.
        """
        with self._cond:
            self.faults.append(
                Fault(method, status, retry_after, delay, times, drop, chat_id, late)
            )

    # ----------------------------------------------------------------- test side: reading

    @staticmethod
    def buttons(message: JSON) -> list[JSON]:
        markup = message.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def bot_messages(self, chat_id: int) -> list[JSON]:
        """Everything the bot has in that chat, oldest first, as it looks now (after edits)."""
        with self._cond:
            return [
                copy.deepcopy(_public(m))
                for (cid, _), m in sorted(self.messages.items())
                if cid == chat_id
                and ((m.get("from") or {}).get("id") == self.bot_id or "sender_chat" in m)
            ]

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = WAIT_SECONDS, what: str = "condition"
    ) -> Any:
        """Poll until `predicate()` is truthy; return its value or fail the test."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.02)

    async def replies(
        self, chat_id: int, count: int = 1, timeout: float = WAIT_SECONDS
    ) -> list[JSON]:
        """The next `count` new messages the bot sent to the chat since the last call."""
        seen = self._cursors.get(chat_id, 0)

        def fresh() -> list[JSON] | None:
            found = [
                copy.deepcopy(_public(m))
                for (cid, mid), m in sorted(self.messages.items())
                if cid == chat_id and mid > seen and (m.get("from") or {}).get("id") == self.bot_id
            ]
            return found if len(found) >= count else None

        found: list[JSON] = await self.wait_for(fresh, timeout, f"{count} replies in {chat_id}")
        self._cursors[chat_id] = found[count - 1]["message_id"]
        return found[:count]

    async def reply(self, chat_id: int, timeout: float = WAIT_SECONDS) -> JSON:
        return (await self.replies(chat_id, 1, timeout))[0]

    async def edited(self, message: JSON, timeout: float = WAIT_SECONDS) -> JSON:
        """Wait until the bot edits `message`; return the edited version."""
        key = (message["chat"]["id"], message["message_id"])
        before = (message.get("edit_date"), message.get("text"), message.get("reply_markup"))

        def changed() -> JSON | None:
            now = self.messages[key]
            state = (now.get("edit_date"), now.get("text"), now.get("reply_markup"))
            return copy.deepcopy(_public(now)) if state != before else None

        result: JSON = await self.wait_for(changed, timeout, f"an edit of {key}")
        return result

    async def callback_answer(self, query_id: str, timeout: float = WAIT_SECONDS) -> JSON:
        result: JSON = await self.wait_for(
            lambda: self.callback_answers.get(query_id), timeout, f"answerCallbackQuery {query_id}"
        )
        return result

    async def inline_answer(self, query_id: str, timeout: float = WAIT_SECONDS) -> JSON:
        result: JSON = await self.wait_for(
            lambda: self.inline_answers.get(query_id), timeout, f"answerInlineQuery {query_id}"
        )
        return result

    async def idle(self, seconds: float = 0.5) -> None:
        """Let the bot work for a moment (to show that it stays silent)."""
        await asyncio.sleep(seconds)

    # ----------------------------------------------------------------- internals

    def _push(self, body: JSON) -> None:
        with self._cond:
            body = {"update_id": next(self._update_ids), **body}
            self._updates.append(body)
            self._cond.notify_all()

    def _new_message(self, chat: JSON, sender: JSON, **content: Any) -> JSON:
        with self._cond:
            counter = self._message_ids.setdefault(chat["id"], itertools.count(1))
            message: JSON = {
                "message_id": next(counter),
                "from": sender,
                "chat": chat,
                "date": int(time.time()),
                **content,
            }
            if chat.get("type") == "channel":  # a channel post: signed by the channel
                del message["from"]
                message["sender_chat"] = chat
            self.messages[(chat["id"], message["message_id"])] = message
            return message

    def _bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def _take_fault(self, method: str, params: JSON) -> Fault | None:
        with self._cond:
            for fault in self.faults:
                wrong_chat = fault.chat_id is not None and str(params.get("chat_id")) != str(
                    fault.chat_id
                )
                if fault.method == method and fault.times > 0 and not wrong_chat:
                    fault.times -= 1
                    return fault
        return None

    def handle(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Answer one Bot API call: (HTTP status, response JSON)."""
        fault = self._take_fault(method, params)
        if fault and fault.delay:
            time.sleep(fault.delay)
        try:
            try:
                self._check_flood(method, params)
            except _Refusal as refusal:
                parameters = {"retry_after": refusal.retry_after} if refusal.retry_after else None
                description = refusal.description
                if refusal.retry_after:
                    description = f"Too Many Requests: retry after {refusal.retry_after}"
                raise ApiError(refusal.code, description, parameters) from None
            if fault and fault.status:
                if fault.status == 429:
                    raise ApiError(
                        429,
                        f"Too Many Requests: retry after {fault.retry_after or 1}",
                        {"retry_after": fault.retry_after or 1},
                    )
                raise ApiError(fault.status, "Internal Server Error")
            implementation = getattr(self, f"_api_{method.lower()}", None)
            if implementation is None:
                raise ApiError(404, "Not Found")
            try:
                result = implementation(params)
            except _Refusal as refusal:
                raise ApiError(refusal.code, refusal.description) from None
        except ApiError as exc:
            call = Call(method, params, False, error=exc.description, status=exc.code)
            with self._cond:
                self.calls.append(call)
                if exc.code == 400 or exc.code == 404:
                    self.errors.append(call)
            body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return exc.code, body
        if fault and fault.drop:
            with self._cond:
                self.calls.append(Call(method, params, False, result, "dropped", DROPPED))
            return DROPPED, {}
        with self._cond:
            self.calls.append(Call(method, params, True, result=result))
        if fault and fault.late:
            time.sleep(fault.late)
        return 200, {"ok": True, "result": result}

    # ----------------------------------------------------------------- validation helpers

    @staticmethod
    def _require(params: JSON, *names: str) -> None:
        for name in names:
            if params.get(name) in (None, ""):
                raise bad_request(f"{name} is empty")

    def _chat(self, chat_id: Any) -> JSON:
        known = self._known_chat(chat_id)  # registered chats, channels, blocked users (403)
        if known is not None:
            return known
        try:
            cid = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        with self._cond:
            for (known, _), message in self.messages.items():
                if known == cid:
                    return dict(message["chat"])
        raise bad_request("chat not found")

    @staticmethod
    def _topic(chat: JSON, params: JSON) -> JSON:
        """message_thread_id as Telegram takes it: only in a forum, and kept on the message."""
        thread = params.get("message_thread_id")
        if thread in (None, ""):
            return {}
        if not chat.get("is_forum"):
            raise bad_request("message thread not found")
        try:
            thread_id = int(thread)
        except (TypeError, ValueError):
            raise bad_request("message thread not found") from None
        if thread_id <= 0:
            raise bad_request("message thread not found")
        return {"message_thread_id": thread_id, "is_topic_message": True}

    def _reply_to(self, chat: JSON, params: JSON) -> JSON:
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        if not reply_id:
            return {}
        replied = self.messages.get((chat["id"], int(reply_id)))
        if replied is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return {"reply_to_message": replied} if replied is not None else {}

    def _text(self, text: Any, parse_mode: Any, limit: int = MAX_TEXT) -> tuple[str, str]:
        """(visible text, original) after Telegram's parsing; raises as Telegram would."""
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        visible = text
        if parse_mode is not None:
            if str(parse_mode).lower() != "html":
                raise bad_request(f"unsupported parse_mode {parse_mode!r} in this fixture")
            try:
                visible = parse_html(text)
            except EntityError as exc:
                raise bad_request(str(exc)) from None
        if not visible.strip():
            raise bad_request("message text is empty")
        if utf16_length(visible.strip()) > limit:
            raise bad_request("message is too long")
        return visible, text

    def _markup(self, markup: Any) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "force_reply" in markup:
            if markup["force_reply"] is not True:
                raise bad_request("force_reply must be True")
            placeholder = str(markup.get("input_field_placeholder", ""))
            if len(placeholder) > MAX_PLACEHOLDER:
                raise bad_request("input field placeholder is too long")
            return markup
        if "inline_keyboard" not in markup:
            return markup  # reply keyboards and friends: accepted as they are
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or sum(len(r) for r in rows) > 100:
            raise bad_request("reply markup is too long")
        for row in rows:
            if len(row) > 8:
                raise bad_request("too many buttons in a row")
            for button in row:
                self._button(button)
        return markup

    def _button(self, button: JSON) -> None:
        if not str(button.get("text", "")).strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        kinds = [
            k
            for k in (
                "url",
                "callback_data",
                "switch_inline_query",
                "switch_inline_query_current_chat",
                "switch_inline_query_chosen_chat",
                "copy_text",
                "login_url",
                "web_app",
                "pay",
                "callback_game",
            )
            if k in button
        ]
        if len(kinds) != 1:
            raise bad_request("BUTTON_TYPE_INVALID")
        if "callback_data" in button:
            size = len(str(button["callback_data"]).encode("utf-8"))
            if not 1 <= size <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            self._url(str(button["url"]))
        if "copy_text" in button:
            copied = button["copy_text"]
            text = copied.get("text") if isinstance(copied, dict) else None
            if not isinstance(text, str) or not 1 <= len(text) <= MAX_COPY_TEXT:
                raise bad_request("COPY_TEXT_INVALID")
        if "switch_inline_query_chosen_chat" in button:
            chosen = button["switch_inline_query_chosen_chat"]
            if not isinstance(chosen, dict):
                raise bad_request("can't parse inline keyboard button")
            if len(str(chosen.get("query", ""))) > 256:
                raise bad_request("BUTTON_TEXT_INVALID")
            allowed = ("allow_user_chats", "allow_bot_chats", "allow_group_chats")
            if not any(chosen.get(k) for k in (*allowed, "allow_channel_chats")):
                raise bad_request("BUTTON_TYPE_INVALID")

    def _url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "tg") or not (parts.netloc or parts.path):
            raise bad_request("BUTTON_URL_INVALID")
        if parts.netloc in ("t.me", "telegram.me"):
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            for key in ("start", "startgroup"):
                if key in query and not DEEP_LINK_PAYLOAD.fullmatch(query[key]):
                    raise bad_request("BUTTON_URL_INVALID")

    # ----------------------------------------------------------------- Bot API methods

    def _api_getme(self, params: JSON) -> JSON:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getupdates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(int(params.get("limit") or 100), 100))
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 30.0)
        with self._cond:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self._updates[:limit])

    def _api_setwebhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        with self._cond:
            self.webhook = dict(params)
        return True

    def _api_deletewebhook(self, params: JSON) -> bool:
        with self._cond:
            self.webhook = {}
        if params.get("drop_pending_updates"):
            with self._cond:
                self._updates.clear()
        return True

    def _api_getwebhookinfo(self, params: JSON) -> JSON:
        url = self.webhook.get("url", "")
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    def _api_close(self, params: JSON) -> bool:
        return True

    def _api_sendmessage(self, params: JSON) -> JSON:
        self._require(params, "chat_id")
        chat = self._chat(params["chat_id"])
        self._check_posting(chat)
        visible, original = self._text(params.get("text"), params.get("parse_mode"))
        markup = self._markup(params.get("reply_markup"))
        content: JSON = {"text": visible, "html": original, **self._topic(chat, params)}
        content.update(_keep_markup(markup))
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_id:
            replied = self.messages.get((chat["id"], int(reply_id)))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            if replied is not None:
                content["reply_to_message"] = replied
        message = self._new_message(chat, self._bot_user(), **content)
        return _public(message)

    def _api_editmessagetext(self, params: JSON) -> JSON | bool:
        if params.get("inline_message_id"):
            self._text(params.get("text"), params.get("parse_mode"))
            self._markup(params.get("reply_markup"))
            return True
        self._require(params, "chat_id", "message_id")
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._cond:
            message = self.messages.get(key)
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise bad_request("message can't be edited")
        visible, original = self._text(params.get("text"), params.get("parse_mode"))
        markup = self._markup(params.get("reply_markup"))
        if visible == message.get("text") and markup == message.get("reply_markup"):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        with self._cond:
            message["text"], message["html"] = visible, original
            message["edit_date"] = int(time.time()) + len(self.calls)
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
        return _public(message)

    def _api_editmessagereplymarkup(self, params: JSON) -> JSON | bool:
        self._require(params, "chat_id", "message_id")
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise bad_request("message to edit not found")
        markup = self._markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise bad_request("message is not modified")
        with self._cond:
            message["edit_date"] = int(time.time()) + len(self.calls)
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
        return _public(message)

    def _api_answercallbackquery(self, params: JSON) -> bool:
        self._require(params, "callback_query_id")
        query_id = str(params["callback_query_id"])
        _answer_once(self.callback_answers, query_id)
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        with self._cond:
            self.callback_answers[query_id] = params
        return True

    def _api_answerinlinequery(self, params: JSON) -> bool:
        self._require(params, "inline_query_id")
        query_id = str(params["inline_query_id"])
        _answer_once(self.inline_answers, query_id)
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        for result in results:
            if not 1 <= len(str(result.get("id", "")).encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result.get("type") == "article":
                if not str(result.get("title", "")).strip():
                    raise bad_request("RESULT_TITLE_EMPTY")
                content = result.get("input_message_content") or {}
                self._text(content.get("message_text"), content.get("parse_mode"))
            self._markup(result.get("reply_markup"))
        button = params.get("button")
        start = (button or {}).get("start_parameter")
        if start is not None and not DEEP_LINK_PAYLOAD.fullmatch(str(start)):
            raise bad_request("START_PARAM_INVALID")
        with self._cond:
            self.inline_answers[query_id] = params
        return True

    def _api_sendpoll(self, params: JSON) -> JSON:
        self._require(params, "chat_id")
        chat = self._chat(params["chat_id"])
        question = str(params.get("question") or "")
        if not question.strip():
            raise bad_request("poll question must be non-empty")
        if len(question) > 300:
            raise bad_request("poll question length must not exceed 300")
        raw_options = params.get("options")
        if not isinstance(raw_options, list):
            raise bad_request("can't parse options JSON object")
        options = [str(o.get("text") if isinstance(o, dict) else o) for o in raw_options]
        if len(options) < 2:
            raise bad_request("poll must have at least 2 option")
        if len(options) > 10:
            raise bad_request("poll can't have more than 10 options")
        if any(not o.strip() or len(o) > 100 for o in options):
            raise bad_request("poll options length must not exceed 100")
        if len(set(options)) != len(options):
            raise bad_request("POLL_OPTION_DUPLICATE")
        kind = params.get("type", "regular")
        correct = params.get("correct_option_ids")
        if correct is None and params.get("correct_option_id") is not None:
            correct = [params["correct_option_id"]]
        if kind == "quiz" and (
            not isinstance(correct, list)
            or not correct
            or not all(0 <= int(c) < len(options) for c in correct)
        ):
            raise bad_request("wrong correct option ID specified")
        explanation = params.get("explanation")
        if explanation is not None:
            visible = explanation
            if params.get("explanation_parse_mode"):
                try:
                    visible = parse_html(str(explanation))
                except EntityError as exc:
                    raise bad_request(str(exc)) from None
            if len(str(visible)) > 200:
                raise bad_request("explanation length must not exceed 200")
        open_period = params.get("open_period")
        if open_period is not None and not 5 <= int(open_period) <= 600:
            raise bad_request("open_period must be between 5 and 600 seconds")
        if open_period is not None and params.get("close_date") is not None:
            raise bad_request("can't use open_period and close_date together")
        topic = self._topic(chat, params)
        markup = self._markup(params.get("reply_markup"))
        poll: JSON = {
            "id": f"poll{len(self.calls)}",
            "question": question,
            "options": [
                {"text": o, "voter_count": 0, "persistent_id": f"o{n}"}
                for n, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": bool(params.get("is_anonymous", True)),
            "type": kind,
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
        if kind == "quiz":
            poll["correct_option_ids"] = [int(c) for c in correct or []]
            if explanation is not None:
                poll["explanation"] = str(explanation)
        if open_period is not None:
            poll["open_period"] = int(open_period)
        content: JSON = {"poll": poll, **topic, **_keep_markup(markup)}
        message = self._new_message(chat, self._bot_user(), **content)
        return _public(message)

    def _api_stoppoll(self, params: JSON) -> JSON:
        self._require(params, "chat_id", "message_id")
        chat = self._chat(params["chat_id"])
        key = (chat["id"], int(params["message_id"]))
        with self._cond:
            message = self.messages.get(key)
            if message is None or "poll" not in message:
                raise bad_request("message with poll to stop not found")
            if message["from"]["id"] != self.bot_id:
                raise bad_request("poll can't be stopped")
            if message["poll"]["is_closed"]:
                raise bad_request("poll has already been closed")
            markup = self._markup(params.get("reply_markup"))
            message["poll"]["is_closed"] = True
            if markup is not None:
                message["reply_markup"] = markup
            return _poll(message["poll"])

    def _file_bytes(self, sent: object) -> bytes:
        """An uploaded file's bytes, or those of a file sent before and named by its file_id."""
        if isinstance(sent, bytes):
            return sent
        if isinstance(sent, str) and sent in self.files:
            return self.files[sent]
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _caption(self, params: JSON) -> JSON:
        """A media message's caption as shown and as sent (HTML), or nothing without one."""
        if params.get("caption") in (None, ""):
            return {}
        visible, original = self._text(
            params.get("caption"), params.get("parse_mode"), MAX_CAPTION
        )
        return {"caption": visible, "html": original}

    def _api_sendphoto(self, params: JSON) -> JSON:
        self._require(params, "chat_id")
        chat = self._chat(params["chat_id"])
        self._check_posting(chat)
        photo = params.get("photo")
        data = self._file_bytes(photo)
        width, height = _image_size(data)
        caption = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        file_id = f"photo{len(self.files) + 1}" if isinstance(photo, bytes) else str(photo)
        with self._cond:
            self.files[file_id] = data
        sizes = [
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "width": width,
                "height": height,
                "file_size": len(data),
            }
        ]
        content: JSON = {"photo": sizes, **caption, **self._topic(chat, params)}
        content.update(self._reply_to(chat, params))
        content.update(_keep_markup(markup))
        message = self._new_message(chat, self._bot_user(), **content)
        return _public(message)

    def _api_senddocument(self, params: JSON) -> JSON:
        self._require(params, "chat_id")
        chat = self._chat(params["chat_id"])
        self._check_posting(chat)
        document = params.get("document")
        data = self._file_bytes(document)
        if not data:
            raise bad_request("file must be non-empty")
        if len(data) > MAX_DOCUMENT_BYTES:
            raise bad_request("Request Entity Too Large")
        caption = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        file_id = f"document{len(self.files) + 1}" if isinstance(document, bytes) else document
        with self._cond:
            self.files[str(file_id)] = data
        content: JSON = {
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": str(params.get("_filename") or "file"),
                "file_size": len(data),
            },
            **caption,
            **self._topic(chat, params),
        }
        content.update(self._reply_to(chat, params))
        content.update(_keep_markup(markup))
        message = self._new_message(chat, self._bot_user(), **content)
        return _public(message)

    def _api_sendchataction(self, params: JSON) -> bool:
        self._chat(params.get("chat_id"))
        return True

    def _scope_key(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return str(scope.get("type", "default")), language

    def _api_setmycommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(params)
        with self._cond:
            self.commands[key] = list(commands)
        return True

    def _api_getmycommands(self, params: JSON) -> list[JSON]:
        return self.commands.get(self._scope_key(params), [])

    def _api_deletemycommands(self, params: JSON) -> bool:
        with self._cond:
            self.commands.pop(self._scope_key(params), None)
        return True


def _answer_once(answered: dict[str, JSON], query_id: str) -> None:
    """Telegram takes one answer per callback or inline query; a second is refused."""
    if query_id in answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")


def _public(message: JSON) -> JSON:
    """A message as the Bot API returns it (without the fixture's bookkeeping)."""
    public = {k: v for k, v in message.items() if k != "html" and not k.startswith("_")}
    if "poll" in public:
        public["poll"] = _poll(public["poll"])
    return public


def _keep_markup(markup: JSON | None) -> JSON:
    """Telegram returns only an inline keyboard on a message; a ForceReply or reply keyboard is
    kept aside (as `_markup`) for the test to read with `sent_markup`."""
    if not markup:
        return {}
    if "inline_keyboard" in markup:
        return {"reply_markup": markup}
    return {"_markup": markup}


def _poll(poll: JSON) -> JSON:
    return {k: v for k, v in poll.items() if not k.startswith("_")}


def _image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG or JPEG; refused as Telegram refuses what it cannot show."""
    if not data:
        raise bad_request("file must be non-empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR":
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    elif data.startswith(b"\xff\xd8"):
        width, height = _jpeg_size(data)
    else:
        raise bad_request("IMAGE_PROCESS_FAILED")
    if width <= 0 or height <= 0 or width + height > 10000:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    if max(width, height) > 20 * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int]:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            break
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xC3:
            height = int.from_bytes(data[index + 5 : index + 7], "big")
            width = int.from_bytes(data[index + 7 : index + 9], "big")
            return width, height
        index += 2 + length
    raise bad_request("IMAGE_PROCESS_FAILED")


def _multipart(content_type: str, body: bytes) -> JSON:
    """multipart/form-data as PTB sends uploads: text fields decoded, files kept as bytes."""
    message = BytesParser(policy=default_policy).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    files: JSON = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = raw
            fields.setdefault("_filename", filename)
        else:
            fields[name] = raw.decode("utf-8")
    params = _decode(fields)
    for name, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            params[name] = files.pop(value.removeprefix("attach://"), value)
    params.update(files)
    return params


def _decode(params: dict[str, str]) -> JSON:
    out: JSON = {}
    for name, raw in params.items():
        if name in STRING_FIELDS:
            out[name] = raw
            continue
        try:
            out[name] = json.loads(raw)
        except ValueError:
            out[name] = raw
    return out


class _Server(ThreadingHTTPServer):
    """A listen backlog for bursts: with the default 5, a burst of new connections (many
    chats answered at once) overflows it and the kernel makes the bot wait seconds to retry."""

    request_queue_size = 512


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, as httpx expects; `/bot<token>/<method>` as Telegram routes."""

    api: BotApiServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait 40 ms for a delayed ACK

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the URL holds the token, and pytest output stays readable."""

    def do_GET(self) -> None:
        self._serve(parse_qs(urlsplit(self.path).query))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        kind = self.headers.get("Content-Type", "").split(";")[0].strip()
        if kind == "application/json":
            try:
                params: JSON = json.loads(body or b"{}")
            except ValueError:
                self._send(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
                return
            self._serve_decoded(params)
            return
        if kind == "multipart/form-data":
            try:
                decoded = _multipart(self.headers.get("Content-Type", ""), body)
            except (ValueError, UnicodeDecodeError):
                self._send(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
                return
            self._serve_decoded(decoded)
            return
        query = parse_qs(urlsplit(self.path).query)
        query.update(parse_qs(body.decode("utf-8"), keep_blank_values=True))
        self._serve(query)

    def _serve(self, multi: dict[str, list[str]]) -> None:
        self._serve_decoded(_decode({k: v[-1] for k, v in multi.items()}))

    def _serve_decoded(self, params: JSON) -> None:
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", urlsplit(self.path).path)
        if match is None:
            self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        if match.group(1) != self.api.token:
            self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        status, body = self.api.handle(match.group(2), params)
        if status == DROPPED:
            self.close_connection = True  # no response at all: the client sees the socket close
            return
        self._send(status, body)

    def _send(self, status: int, body: JSON) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot gave up on a slow answer or shut down: nothing to tell


def iter_texts(messages: list[JSON]) -> Iterator[str]:
    """The visible texts of messages (polls give their question)."""
    for message in messages:
        if "text" in message:
            yield str(message["text"])
        elif "poll" in message:
            yield str(message["poll"]["question"])
