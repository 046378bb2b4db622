"""What the bot does with each kind of update: commands, questions, buttons, inline queries.

Handlers translate between Telegram and the core: they pick the reply language, ask the
Answerer, render with bot.rendering and send. They hold no state of their own beyond the
per-user language choice (UserPrefs); every button carries what it needs (see callbacks.py).
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from html import escape

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Poll,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.answering import Answer, Answerer, Intent, supported_language
from bot.catalog.model import Catalog, Place
from bot.quiz import clip, make_quiz
from bot.rendering import Page, Texts, html_to_text, render_html, texts
from bot.rendering.dates import format_when
from bot.rendering.describe import event_place
from bot.telegram import callbacks as cb
from bot.telegram import keyboards as kb
from bot.telegram.resilience import outcome_unknown, query_expired
from bot.user_prefs import UserPrefs

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_INLINE_RESULTS = 50
INLINE_CACHE_SECONDS = 30
HIGHLIGHTS = 10
MAX_EXAMPLES = 4
TOAST_LIMIT = 200
"""answerCallbackQuery text: Telegram refuses a longer one."""


def esc(text: str) -> str:
    return escape(text, quote=False)


class Handlers:
    """The bot's behaviour, one method per handler; registered in order by app.py."""

    def __init__(
        self,
        answerer: Answerer,
        prefs: UserPrefs,
        rng: random.Random | None = None,
        token: str | None = None,
        *,
        current: Callable[[], Answerer] | None = None,
        on_question: Callable[[Answer], None] | None = None,
    ) -> None:
        self._answerer = answerer
        self._current = current
        self._on_question = on_question
        self.prefs = prefs
        self.rng = rng or random.Random()
        self._token = token

    @property
    def answerer(self) -> Answerer:
        """The Answerer for this update: `current` (app.py's live data) when given."""
        return self._current() if self._current is not None else self._answerer

    def asked(self, answer: Answer) -> None:
        """A person typed this question (not a button, not inline): app.py logs and counts it."""
        if self._on_question is not None:
            self._on_question(answer)

    @property
    def catalog(self) -> Catalog:
        return self.answerer.catalog

    # ------------------------------------------------------------------ helpers

    def language_of(self, user: User | None) -> str:
        """The /lang choice, else the Telegram language_code (ru, ky, fr, nl; else English)."""
        if user is None:
            return supported_language(None)
        return self.prefs.language(user.id) or supported_language(user.language_code)

    def words(self, language: str) -> Texts:
        return texts(self.catalog, language)

    def examples(self, language: str) -> list[str]:
        raw = self.words(language).get("example_questions")
        return [q.strip() for q in raw.split("|") if q.strip()][:MAX_EXAMPLES]

    def render(
        self, answer: Answer, username: str, page: int = 0, *, menu: bool = False
    ) -> tuple[str, InlineKeyboardMarkup | None, Page]:
        rendered = render_html(
            answer, self.catalog, page=page, share_url=lambda event_id: _link(username, event_id)
        )
        words = self.words(answer.language)
        markup = kb.answer_keyboard(answer, rendered, self.catalog, username, words, menu=menu)
        return rendered.text, markup, rendered

    async def send_answer(
        self, context: Context, message: Message, answer: Answer, *, quote: bool = False
    ) -> None:
        text, markup, _ = self.render(answer, context.bot.username)
        await self.send(context, message, text, markup, quote=quote)

    async def send(
        self,
        context: Context,
        message: Message,
        html: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        quote: bool = False,
    ) -> None:
        """Reply in the message's chat; in groups, quote it so people see whom the bot answers."""
        await context.bot.send_message(
            message.chat_id,
            html,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
            reply_parameters=(
                ReplyParameters(message.message_id, allow_sending_without_reply=True)
                if quote
                else None
            ),
        )

    def welcome(self, user: User | None, language: str) -> tuple[str, InlineKeyboardMarkup]:
        name = user.first_name if user else ""
        text = esc(self.words(language).get("tg_welcome", name=name))
        return text, kb.examples_keyboard(self.examples(language), language)

    # ------------------------------------------------------------------ commands

    async def start(self, update: Update, context: Context) -> None:
        """/start: a welcome with example questions; /start <event id>: that event's card."""
        message = update.effective_message
        if message is None:
            return
        user = update.effective_user
        language = self.language_of(user)
        quote = message.chat.type != ChatType.PRIVATE
        if context.args:
            card = self.answerer.card(context.args[0], language)
            if card is not None:
                await self.send_answer(context, message, card, quote=quote)
                return
            note = esc(self.words(language).get("tg_unknown_link"))
            await self.send(context, message, note, quote=quote)
        text, markup = self.welcome(user, language)
        await self.send(context, message, text, markup, quote=quote)

    async def help(self, update: Update, context: Context) -> None:
        """/help: what the bot knows, example questions and the commands."""
        message = update.effective_message
        if message is None:
            return
        language = self.language_of(update.effective_user)
        core = render_html(Answer("/help", language, Intent.HELP), self.catalog).text
        commands = esc(self.words(language).get("tg_help_commands"))
        await self.send(
            context, message, f"{core}\n\n{commands}", quote=message.chat.type != ChatType.PRIVATE
        )

    async def events(self, update: Update, context: Context) -> None:
        """/events: a menu to browse by year, kind or city, then pages of events."""
        message = update.effective_message
        if message is None:
            return
        words = self.words(self.language_of(update.effective_user))
        await self.send(
            context,
            message,
            esc(words.get("tg_events_menu")),
            kb.events_menu(words),
            quote=message.chat.type != ChatType.PRIVATE,
        )

    async def lang(self, update: Update, context: Context) -> None:
        """/lang: buttons to choose the reply language; `/lang ru` sets it directly."""
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None:
            return
        quote = message.chat.type != ChatType.PRIVATE
        if context.args and supported_language(context.args[0]) == context.args[0].lower():
            chosen = context.args[0].lower()
            self.prefs.set_language(user.id, chosen)
            await self.send(
                context, message, esc(self.words(chosen).get("tg_lang_set")), quote=quote
            )
            return
        prompt = esc(self.words(self.language_of(user)).get("tg_lang_prompt"))
        await self.send(context, message, prompt, kb.language_keyboard(), quote=quote)

    async def fact(self, update: Update, context: Context) -> None:
        """/fact: the card of a random event, with a button for another one."""
        message = update.effective_message
        if message is None:
            return
        language = self.language_of(update.effective_user)
        await self._send_fact(context, message, language, message.chat.type != ChatType.PRIVATE)

    async def _send_fact(
        self, context: Context, message: Message, language: str, quote: bool
    ) -> None:
        event_id = self.answerer.random_event_id(self.rng)
        card = self.answerer.card(event_id, language)
        if card is None:  # pragma: no cover - the id comes from the catalog itself
            return
        text, _, _ = self.render(card, context.bot.username)
        await self.send(
            context, message, text, kb.fact_keyboard(self.words(language)), quote=quote
        )

    async def quiz(self, update: Update, context: Context) -> None:
        """/quiz: a Telegram quiz poll about one event, in the user's language."""
        message = update.effective_message
        if message is None:
            return
        language = self.language_of(update.effective_user)
        quiz = make_quiz(self.catalog, language, self.rng)
        if quiz is None:
            await self.send(context, message, esc(self.words(language).get("tg_quiz_unavailable")))
            return
        await context.bot.send_poll(
            message.chat_id,
            quiz.question,
            list(quiz.options),
            type=Poll.QUIZ,
            correct_option_ids=[quiz.correct],  # type: ignore[list-item]
            explanation=quiz.explanation,
        )

    async def ask(self, update: Update, context: Context) -> None:
        """/ask <question> (groups and private): the answer; bare /ask: how to use it."""
        message = update.effective_message
        if message is None or not message.text:
            return
        parts = message.text.split(maxsplit=1)
        question = parts[1].strip() if len(parts) > 1 else ""
        language = self.language_of(update.effective_user)
        quote = message.chat.type != ChatType.PRIVATE
        if not question:
            example = self.examples(language)[0] if self.examples(language) else ""
            usage = esc(self.words(language).get("tg_ask_usage", example=example))
            await self.send(context, message, usage, quote=quote)
            return
        answer = self.answerer.answer(question, language)
        self.asked(answer)
        await self.send_answer(context, message, answer, quote=quote)

    # ------------------------------------------------------------------ plain text

    async def private_text(self, update: Update, context: Context) -> None:
        """Any text in a private chat: the core's answer, paged, with buttons."""
        message = update.effective_message
        if message is None or not message.text:
            return
        answer = self.answerer.answer(message.text, self.language_of(update.effective_user))
        self.asked(answer)
        await self.send_answer(context, message, answer)

    async def group_text(self, update: Update, context: Context) -> None:
        """Group text or a caption: answered only when it mentions the bot or replies to it;
        else silence."""
        message = update.effective_message
        text = _text_of(message)
        if message is None or not text:
            return
        username = context.bot.username
        mention = f"@{username}".lower()
        entities = (
            message.parse_entities([MessageEntity.MENTION])
            if message.text
            else message.parse_caption_entities([MessageEntity.MENTION])
        )
        mentioned = any(found.lower() == mention for found in entities.values())
        replied = message.reply_to_message
        to_bot = bool(replied and replied.from_user and replied.from_user.id == context.bot.id)
        if not (mentioned or to_bot):
            return
        question = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
        answer = self.answerer.answer(question.strip(), self.language_of(update.effective_user))
        self.asked(answer)
        await self.send_answer(context, message, answer, quote=True)

    async def private_media(self, update: Update, context: Context) -> None:
        """A photo, video or file in a private chat: its caption is the question. A voice
        note, a sticker or a bare photo gets one short note: silence would look broken."""
        message = update.effective_message
        if message is None:
            return
        language = self.language_of(update.effective_user)
        if message.caption and message.caption.strip():
            answer = self.answerer.answer(message.caption, language)
            self.asked(answer)
            await self.send_answer(context, message, answer)
            return
        await self.send(context, message, esc(self.words(language).get("tg_text_only")))

    async def unknown_command(self, update: Update, context: Context) -> None:
        """An unknown /command in a private chat: a one-line "I don't know that command", then
        the welcome, so the user sees what works (the welcome alone looks like a misfire)."""
        message = update.effective_message
        if message is None:
            return
        language = self.language_of(update.effective_user)
        text, markup = self.welcome(update.effective_user, language)
        note = esc(self.words(language).get("tg_unknown_command"))
        await self.send(context, message, f"{note}\n\n{text}", markup)

    # ------------------------------------------------------------------ buttons

    async def button(self, update: Update, context: Context) -> None:
        """Any inline button; stale, foreign or forged data gets a short notice, never a crash."""
        query = update.callback_query
        if query is None:
            return
        action = cb.decode(query.data)
        message = query.message if isinstance(query.message, Message) else None
        if action is None or (message is None and not isinstance(action, cb.Noop)):
            await query.answer(self._stale(query.from_user), show_alert=False)
            return
        notice = await self._act(action, query.from_user, message, context)
        await query.answer(notice)

    def _stale(self, user: User | None) -> str:
        return self.words(self.language_of(user)).get("tg_stale_button")

    async def _act(
        self, action: cb.Action, user: User, message: Message | None, context: Context
    ) -> str | None:
        """Carry out a button's action; returns a notice for the user, or None."""
        if isinstance(action, cb.Noop) or message is None:
            return None
        username = context.bot.username
        quote = message.chat.type != ChatType.PRIVATE
        match action:
            case cb.ShowPage(language, page, token, menu):
                answer = self.answerer.replay(token, language)
                if answer is None:
                    return self._stale(user)
                text, markup, _ = self.render(answer, username, page, menu=menu)
                await self._edit(message, text, markup)
            case cb.OpenCard(language, event_id):
                card = self.answerer.card(event_id, language)
                if card is None:
                    return self._stale(user)
                await self.send_answer(context, message, card, quote=False)
            case cb.Follow(language, token):
                answer = self.answerer.replay(token, language)
                if answer is None:
                    return self._stale(user)
                await self.send_answer(context, message, answer)
            case cb.Example(language, index):
                examples = self.examples(language)
                if index >= len(examples):
                    return self._stale(user)
                answer = self.answerer.answer(examples[index], language)
                await self.send_answer(context, message, answer, quote=quote)
            case cb.SetLanguage(language):
                self.prefs.set_language(user.id, language)
                done = self.words(language).get("tg_lang_set")
                if quote:  # a group: the picker is shared, the choice is the tapper's own
                    return clip(done, TOAST_LIMIT)
                await self._edit(message, esc(done), None)
            case cb.Menu(language, which):
                text, markup = self._menu(language, which)
                await self._edit(message, text, markup)
            case cb.Browse(language, kind, value):
                answer = self._browse(language, kind, value)
                if answer is None:
                    return self._stale(user)
                text, markup, _ = self.render(answer, username, menu=True)
                await self._edit(message, text, markup)
            case cb.AnotherFact(language):
                await self._send_fact(context, message, language, quote)
        return None

    async def _edit(
        self, message: Message, html: str, markup: InlineKeyboardMarkup | None
    ) -> None:
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

    def _menu(self, language: str, which: str) -> tuple[str, InlineKeyboardMarkup]:
        words = self.words(language)
        events = self.catalog.events
        if which == "year":
            years = sorted({y for e in events for y in e.years()})
            choices = [(str(y), str(y)) for y in years]
            return esc(words.get("tg_pick_year")), kb.choices_keyboard(choices, "year", words, 4)
        if which == "category":
            used = {c for e in events for c in e.categories}
            choices = [
                (c.id, _capital(c.name(language))) for c in self.catalog.categories if c.id in used
            ]
            return esc(words.get("tg_pick_category")), kb.choices_keyboard(
                choices, "category", words, 2
            )
        if which == "city":
            choices = [(p.id, p.name(language)) for p in self._cities_with_events()]
            return esc(words.get("tg_pick_city")), kb.choices_keyboard(choices, "city", words, 2)
        return esc(words.get("tg_events_menu")), kb.events_menu(words)

    def _cities_with_events(self) -> list[Place]:
        """Cities where an event took place (its cities, its venue's city). Not `mentions`:
        a TV channel's town would lead to a list with nothing held there."""
        ids: set[str] = set()
        for event in self.catalog.events:
            ids.update(event.cities)
            venue = self.catalog.place(event.venue) if event.venue else None
            if venue is not None and venue.city:
                ids.add(venue.city)
        places = [p for p in self.catalog.places if p.id in ids and p.kind == "city"]
        return places

    def _browse(self, language: str, kind: str, value: str) -> Answer | None:
        if kind == "year":
            return self.answerer.browse(language, year=int(value))
        if kind == "category":
            if self.catalog.entity("category", value) is None:
                return None
            return self.answerer.browse(language, category=value)
        if kind == "city":
            if self.catalog.place(value) is None:
                return None
            return self.answerer.browse(language, city=value)
        return self.answerer.browse(language)

    # ------------------------------------------------------------------ inline mode

    async def inline(self, update: Update, context: Context) -> None:
        """@bot <query> in any chat: up to 50 event cards; an empty query offers highlights."""
        query = update.inline_query
        if query is None:
            return
        username = context.bot.username
        text = query.query.strip()
        language = self.language_of(query.from_user)
        results: list[InlineQueryResultArticle] = []
        if not text:
            ids = [e.id for e in sorted(self.catalog.events, key=lambda e: e.start.sort_key)]
            event_ids = tuple(reversed(ids))[:HIGHLIGHTS]
        else:
            answer = self.answerer.answer(text, language)
            language = answer.language
            event_ids = answer.event_ids[:MAX_INLINE_RESULTS]
            if not event_ids:
                results.append(self._inline_answer(answer, username))
        results.extend(self._inline_card(event_id, language, username) for event_id in event_ids)
        await query.answer(
            results[:MAX_INLINE_RESULTS],
            cache_time=INLINE_CACHE_SECONDS,
            is_personal=True,
        )

    def _inline_card(
        self, event_id: str, language: str, username: str
    ) -> InlineQueryResultArticle:
        event = self.catalog.event(event_id)
        card = self.answerer.card(event_id, language)
        assert event is not None and card is not None  # ids come from the catalog
        words = self.words(language)
        rendered = render_html(
            card, self.catalog, share_url=lambda event_id: _link(username, event_id)
        )
        place = event_place(self.catalog, event, language)
        date = format_when(self.catalog, event, words)
        return InlineQueryResultArticle(
            id=event_id,
            title=event.title.get(language) or event.title["en"],
            description=f"{date} · {place}" if place else date,
            input_message_content=InputTextMessageContent(
                rendered.text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            ),
            reply_markup=kb.open_in_bot_keyboard(event_id, username, words),
        )

    def _inline_answer(self, answer: Answer, username: str) -> InlineQueryResultArticle:
        """A reply that is not a list of events (a count, an overview, "nothing found")."""
        words = self.words(answer.language)
        rendered = render_html(answer, self.catalog, share_url=lambda e: _link(username, e))
        plain = html_to_text(rendered.text)
        title = words.get("tg_inline_nothing" if answer.no_match else "tg_inline_answer")
        return InlineQueryResultArticle(
            id="answer",
            title=title,
            description=clip(plain, 120),
            input_message_content=InputTextMessageContent(
                rendered.text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            ),
        )

    # ------------------------------------------------------------------ errors

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure (never the token) and tell the user, in their language.

        Two failures are not the user's to hear about: a send whose outcome is unknown (timed
        out or cut off after it went out; the answer may well have arrived, and an apology
        under it would be wrong) and a button or inline answer Telegram no longer takes.
        """
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        description = _redact(repr(error), self._token)
        if not isinstance(update, Update):
            log.warning("background failure: %s", description)
            return
        if error is not None and outcome_unknown(error):
            log.warning(
                "update %s: no reply from Telegram, may have arrived: %s", update_id, description
            )
            return
        if error is not None and query_expired(error):
            log.info(
                "update %s: the query was answered already or is too old: %s",
                update_id,
                description,
            )
            return
        log.error("update %s failed: %s", update_id, description, exc_info=error)
        language = self.language_of(update.effective_user)
        text = self.words(language).get("tg_error")
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(text)
            elif update.effective_chat is not None and update.inline_query is None:
                await context.bot.send_message(
                    update.effective_chat.id, esc(text), parse_mode=ParseMode.HTML
                )
        except TelegramError as exc:
            log.warning(
                "could not tell the user about the failure: %s", _redact(repr(exc), self._token)
            )


def _text_of(message: Message | None) -> str:
    """What a person wrote: the text, or the caption of a photo, video or file."""
    if message is None:
        return ""
    return message.text or message.caption or ""


def _link(username: str, event_id: str) -> str:
    return kb.deep_link(username, event_id) or ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _redact(text: str, token: str | None) -> str:
    return text.replace(token, "<token>") if token else text
