"""What every handler needs for one update, worked out once: python-telegram-bot's ContextTypes
with our own CallbackContext (the pattern of its contexttypesbot example).

PTB builds one BotContext per update (lazily, when the first handler matches) and hands the same
object to every handler group, so the answerer pinned here is the one the whole update answers
from, and the language picked here is the one every reply, toast and notice of the update uses.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.answering import Answer, Answerer
from bot.catalog.model import Catalog
from bot.decision import Intent
from bot.missed import MissedLog
from bot.rendering import Page, Texts, render_html, texts
from bot.telegram import keyboards as kb
from bot.telegram.conversations import ConversationStore
from bot.telegram.evening import EveningKit, topic_of
from bot.telegram.languages import Languages
from bot.telegram.live import LiveData
from bot.telegram.news_keyboards import with_calendar
from bot.telegram.question_log import QuestionLog
from bot.telegram.sending import send_html

if TYPE_CHECKING:
    from bot.telegram.news_feature import TelegramNews

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_EXAMPLES = 4
FALLBACK_EXAMPLES = 3
# Replies after which the user may not know what to ask: they get example questions to tap.
_DEAD_ENDS = frozenset({Intent.OUT_OF_SCOPE, Intent.WHICH_ONE, Intent.HELP})


def esc(text: str) -> str:
    """Plain text for Telegram's HTML parse mode."""
    return escape(text, quote=False)


@dataclass(frozen=True)
class Services:
    """What all updates share, made once by build_application."""

    data: LiveData
    languages: Languages
    missed: MissedLog | None
    rng: random.Random
    token: str
    conversations: ConversationStore
    question_log: QuestionLog | None = None
    """Where typed questions go on their way to `missed` (None without a missed log)."""


class BotData:
    """application.bot_data. PTB creates it empty; build_application sets `services` (and
    `news`, the subscriptions feature) once, before the Application starts."""

    services: Services
    news: TelegramNews
    evening: EveningKit


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """One update's answerer (the data pinned for this update), language, texts and whether a
    reply quotes the message (in groups, so people see whom the bot answers).

    `question` is the typed question's Answer, set by the question handlers; the record
    handler (records.py) logs it and counts it in the missed-question log.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, BotData, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.started = time.perf_counter()
        self.services: Services = application.bot_data.services
        self.answerer: Answerer = self.services.data.latest()
        self.language = self.services.languages.of(None)
        self.texts: Texts = texts(self.answerer.catalog, self.language)
        self.quote = False
        self.kind = "other"
        self.question: Answer | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, BotContext, Any, Any, Any, Any]
    ) -> BotContext:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context.language = context.services.languages.of(update.effective_user)
            context.texts = context.texts_in(context.language)
            chat = update.effective_chat
            context.quote = chat is not None and chat.type != ChatType.PRIVATE
            context.kind = kind_of(update)
        return context

    # ------------------------------------------------------------------ what to say

    @property
    def catalog(self) -> Catalog:
        return self.answerer.catalog

    def texts_in(self, language: str) -> Texts:
        """Texts in another language (a button carries the language it was made in)."""
        return texts(self.catalog, language)

    def examples(self, language: str | None = None) -> list[str]:
        """Every example question: the welcome's first, then the fallback's (tg_more_examples);
        an Example button carries its index in this list."""
        words = self.texts_in(language or self.language)
        raw = f"{words.get('example_questions')}|{words.get('tg_more_examples')}"
        return list(dict.fromkeys(q.strip() for q in raw.split("|") if q.strip()))

    def welcome(self, first_name: str) -> tuple[str, InlineKeyboardMarkup]:
        text = esc(self.texts.get("tg_welcome", name=first_name))
        return text, kb.examples_keyboard(self.examples()[:MAX_EXAMPLES], self.language)

    def fallback_examples(self, language: str) -> InlineKeyboardMarkup:
        """Three example questions as buttons, a different three each time."""
        examples = list(enumerate(self.examples(language)))
        chosen = self.services.rng.sample(examples, min(FALLBACK_EXAMPLES, len(examples)))
        return kb.example_buttons(sorted(chosen), language)

    def share_link(self, event_id: str) -> str:
        return kb.deep_link(self.bot.username, event_id) or ""

    def render(
        self, answer: Answer, page: int = 0, *, menu: bool = False
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """One page of an answer as Telegram HTML, with its buttons."""
        rendered: Page = render_html(
            answer,
            self.catalog,
            page=page,
            share_url=self.share_link,
            today=datetime.now(UTC).date(),  # events still ahead are marked "upcoming"
        )
        words = self.texts_in(answer.language)
        markup = kb.answer_keyboard(
            answer, rendered, self.catalog, self.bot.username, words, menu=menu
        )
        if markup is None and answer.intent in _DEAD_ENDS:
            markup = self.fallback_examples(answer.language)  # never a dead end
        return rendered.text, with_calendar(markup, answer, rendered, self.answerer)

    def asked(self, answer: Answer) -> None:
        """A person typed this question (not a button, not inline): logged and counted."""
        self.question = answer

    # ------------------------------------------------------------------ saying it

    async def reply(
        self,
        message: Message,
        html: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        quote: bool | None = None,
    ) -> int:
        """Send in the message's chat (and forum topic); quoting it when `quote` (by default:
        in groups). The id of the message sent (sending.py: the rest of it is not parsed)."""
        return await send_html(
            self.bot,
            message.chat_id,
            html,
            message_thread_id=topic_of(message),
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
            reply_parameters=(
                ReplyParameters(message.message_id, allow_sending_without_reply=True)
                if (self.quote if quote is None else quote)
                else None
            ),
        )

    async def reply_answer(
        self, message: Message, answer: Answer, *, quote: bool | None = None
    ) -> int:
        text, markup = self.render(answer, answer.page)
        return await self.reply(message, text, markup, quote=quote)

    async def edit(self, message: Message, html: str, markup: InlineKeyboardMarkup | None) -> None:
        """Edit in place; a double tap that would change nothing is not an error."""
        try:
            await message.edit_text(
                html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise


def kind_of(update: Update) -> str:
    """The update's kind for its log line: text, command, caption, media, button, inline."""
    if update.callback_query is not None:
        return "button"
    if update.inline_query is not None:
        return "inline"
    message = update.effective_message
    if message is not None and message.text:
        return "command" if message.text.startswith("/") else "text"
    if message is not None and message.effective_attachment is not None:
        return "caption" if message.caption else "media"
    return "other"


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
