"""Abuse limits: one user or one group chat must not drown the bot for everybody else.

Five limits, all from `Settings.limits` (the LIMIT_* variables):

- per user: more than N questions or commands in S seconds gets ONE polite notice in the
  user's language (tg_slow_down in data/locales/telegram), then silence until the window has
  room again (a notice per message would double the flood);
- per user, button taps: their own, larger window (paging through a list is quick tapping, not
  a flood of questions), and a toast that speaks of taps (tg_slow_down_taps);
- per group chat: at most N answers in S seconds, then silence (a notice would add to the noise
  everybody in the group sees);
- per user, inline queries: past the limit they get empty results with a short cache, so the
  client stops asking and nothing is computed;
- a question longer than `message_chars` gets "please ask in a sentence or two" (tg_too_long):
  answering a pasted essay from its first part would quietly answer a different question.

`SlidingWindow` is the pure logic (an injectable clock, no Telegram); `AbuseGuard.check` is the
hook app.py registers in handler group -1, so it runs before every other handler and stops an
update with ApplicationHandlerStop. Group chatter not addressed to the bot is never counted.
"""

from __future__ import annotations

import bisect
import heapq
import logging
import math
import time
from collections.abc import Callable
from enum import Enum

from telegram import CallbackQuery, InlineQuery, Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.config import Limits
from bot.telegram.context import BotContext
from bot.telegram.questions import addressed_to_bot, text_of
from bot.telegram.records import log_update

log = logging.getLogger(__name__)

Clock = Callable[[], float]

INLINE_FLOOD_CACHE_SECONDS = 5
"""Short: the cached empty result must not outlive the flood by much."""

SWEEP_AT = 1024
"""Forget idle keys once this many are tracked, so memory follows active users, not all users."""
MAX_TRACKED = 10_000
"""Keys remembered at most (about 1.5 MB): past it, idle keys go at once, and if that is not
enough the ones quiet longest go too. They get a fresh window: leniency for a few of ten
thousand people talking within one window, never a way out of a limit (keys at their limit
are kept)."""


class Verdict(Enum):
    ALLOW = "allow"
    NOTICE = "notice"  # the first refusal of a spell: tell the user once
    SILENT = "silent"  # every further refusal until the window has room again


class SlidingWindow:
    """At most `limit` allowed hits per key in any `seconds`-long window; 0 means no limit.

    Refused hits are not recorded, so a user who keeps typing still gets `limit` answers per
    window (the window never locks anyone out for longer than it is long).
    """

    def __init__(
        self,
        limit: int,
        seconds: float,
        clock: Clock = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self.max_tracked = max_tracked
        self._clock = clock
        self._hits: dict[int, list[float]] = {}  # lists: a deque costs 600 bytes empty
        self._noticed: set[int] = set()
        self._swept = clock()

    def hit(self, key: int) -> Verdict:
        if self.limit <= 0:
            return Verdict.ALLOW
        now = self._clock()
        stamps = self._fresh(key, now)
        if len(stamps) < self.limit:
            stamps.append(now)
            self._noticed.discard(key)
            self._sweep(now)
            return Verdict.ALLOW
        if key in self._noticed:
            return Verdict.SILENT
        self._noticed.add(key)
        return Verdict.NOTICE

    def retry_in(self, key: int) -> float:
        """Seconds until `key` may be allowed again (0 when it may now)."""
        stamps = self._hits.get(key)
        if self.limit <= 0 or not stamps or len(stamps) < self.limit:
            return 0.0
        return max(0.0, stamps[0] + self.seconds - self._clock())

    def tracked(self) -> int:
        """How many keys are remembered (tests check that idle ones are forgotten)."""
        return len(self._hits)

    def _fresh(self, key: int, now: float) -> list[float]:
        stamps = self._hits.get(key)
        if stamps is None:
            stamps = self._hits[key] = []
        old = bisect.bisect_right(stamps, now - self.seconds)
        if old:
            del stamps[:old]
        return stamps

    def _sweep(self, now: float) -> None:
        tracked = len(self._hits)
        over = tracked > self.max_tracked
        if not over and (tracked < SWEEP_AT or now - self._swept < self.seconds):
            return
        self._swept = now
        idle = [k for k, s in self._hits.items() if not s or s[-1] <= now - self.seconds]
        for key in idle:
            del self._hits[key]
            self._noticed.discard(key)
        excess = len(self._hits) - self.max_tracked
        if excess > 0:  # all busy within one window: the ones quiet longest go, and the
            # ones at their limit last (a refusal is not recorded, so a flooder looks quiet)
            quiet = heapq.nsmallest(
                excess, self._hits.items(), key=lambda kv: (len(kv[1]) >= self.limit, kv[1][-1])
            )
            for key, _ in quiet:
                del self._hits[key]
                self._noticed.discard(key)


class AbuseGuard:
    """The hook: counts each update against the limits and stops the ones over them."""

    def __init__(self, limits: Limits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self.users = SlidingWindow(limits.user_messages, limits.user_seconds, clock)
        self.taps = SlidingWindow(limits.user_taps, limits.user_seconds, clock)
        self.groups = SlidingWindow(limits.group_answers, limits.group_seconds, clock)
        self.inline = SlidingWindow(limits.inline_queries, limits.inline_seconds, clock)

    async def check(self, update: Update, context: BotContext) -> None:
        """Runs before every handler; raises ApplicationHandlerStop to drop an update (whose
        log line is then written here: the record group after the handlers never sees it)."""
        try:
            if update.inline_query is not None:
                await self._inline_query(update.inline_query)
            elif update.callback_query is not None:
                await self._button(update.callback_query, context)
            elif update.effective_message is not None:
                await self._message(update.effective_message, context)
        except ApplicationHandlerStop:
            log_update(update, context, limited=True)
            raise

    # ----------------------------------------------------------------- per kind of update

    async def _inline_query(self, query: InlineQuery) -> None:
        if self.inline.hit(query.from_user.id) is Verdict.ALLOW:
            return
        try:
            await query.answer([], cache_time=INLINE_FLOOD_CACHE_SECONDS, is_personal=True)
        except TelegramError as exc:
            log.info("could not answer a flooding inline query: %s", exc.message)
        raise ApplicationHandlerStop

    async def _button(self, query: CallbackQuery, context: BotContext) -> None:
        user = query.from_user
        verdict = self.taps.hit(user.id)
        chat = query.message.chat if query.message is not None else None
        busy_group = (
            verdict is Verdict.ALLOW
            and chat is not None
            and chat.type != ChatType.PRIVATE
            and self.groups.hit(chat.id) is not Verdict.ALLOW
        )
        if busy_group:
            verdict = Verdict.SILENT  # as for the group's messages: no notice
        if verdict is Verdict.ALLOW:
            return
        text = None
        if verdict is Verdict.NOTICE:
            seconds = max(1, math.ceil(self.taps.retry_in(user.id)))
            text = context.texts.get("tg_slow_down_taps", seconds=seconds)
        try:
            await query.answer(text)  # always answered: else the client shows a spinner
        except TelegramError as exc:
            log.info("could not answer a flooding button tap: %s", exc.message)
        raise ApplicationHandlerStop

    async def _message(self, message: Message, context: BotContext) -> None:
        user = message.from_user
        text = text_of(message)
        private = message.chat.type == ChatType.PRIVATE
        if private and not text and message.effective_attachment is None:
            return  # service messages: no handler answers them
        if not private:
            if message.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP) or not text:
                return  # stickers and voice notes in a group are never answered
            if not addressed_to_bot(message, context.bot.username, context.bot.id):
                return  # chatter: the handlers stay silent, so there is nothing to limit
        verdict = self.users.hit(user.id) if user is not None else Verdict.ALLOW
        if verdict is Verdict.NOTICE and not private and not self._group_may_speak(message):
            verdict = Verdict.SILENT  # a notice is a message the group sees: it counts too
        if verdict is Verdict.NOTICE and user is not None:
            seconds = max(1, math.ceil(self.users.retry_in(user.id)))
            slow_down = context.texts.get("tg_slow_down", seconds=seconds)
            await self._say(message, slow_down, context, quote=not private)
        if verdict is not Verdict.ALLOW:
            raise ApplicationHandlerStop
        if not private and self.groups.hit(message.chat.id) is not Verdict.ALLOW:
            raise ApplicationHandlerStop
        limit = self.limits.message_chars
        if limit > 0 and len(text) > limit:
            text = context.texts.get("tg_too_long", limit=limit)
            await self._say(message, text, context, quote=not private)
            raise ApplicationHandlerStop

    # ----------------------------------------------------------------- helpers

    def _group_may_speak(self, message: Message) -> bool:
        """Count one more message to the group against its limit; False when it is spent."""
        return self.groups.hit(message.chat.id) is Verdict.ALLOW

    async def _say(self, message: Message, text: str, context: BotContext, *, quote: bool) -> None:
        """Plain text (no parse mode: nothing to escape); in groups, quoting the asker."""
        try:
            await context.bot.send_message(
                message.chat_id,
                text,
                reply_parameters=(
                    ReplyParameters(message.message_id, allow_sending_without_reply=True)
                    if quote
                    else None
                ),
            )
        except TelegramError as exc:
            log.info("could not send a limit notice: %s", exc.message)
