"""Which of the five languages a question is written in, or None when it cannot be told.

Script narrows it (Cyrillic is Russian or Kyrgyz; Latin is English, French, Dutch, or Russian typed
in Latin letters), the Kyrgyz letters ң ө ү settle it, and marker words from
data/lexicon/languages.yaml decide the rest.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence

from bot.catalog.model import Catalog, Event
from bot.understanding.letters import LetterModel
from bot.understanding.normalise import CYRILLIC, KYRGYZ_LETTERS, fold, fold_word


def _names(catalog: Catalog) -> frozenset[str]:
    """Names say nothing of the asker's language: "Aitmatov", "Brugge" are left out."""
    return frozenset(
        fold(phrase)
        for entity in (*catalog.places, *catalog.people, *catalog.organisations)
        for phrase in (*entity.aliases, *entity.names.values())
    ) | frozenset(fold(a) for event in catalog.events for a in event.aliases)


_RAW_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_TAG = re.compile(r"<[^<>]{0,200}>")
# Accents only French writes; ë and ï are Dutch too (België, ideeën), so they tell nothing.
_FRENCH_ACCENTS = re.compile(r"[éèêàâçîôûùœ]")
# A question this short, in the user's own script, is answered in the user's language unless a
# marker word (or ң ө ү) says otherwise: "expo Gent", "films", "Nooruz" are the user's.
SHORT_QUESTION_WORDS = 3


# How far ahead (mean log-probability per trigram) the letter model's guess must be; measured
# with benchmarks/tune_thresholds.py on the question sets (language accuracy, no user language).
LETTER_MARGIN = 0.2

_MARKED = ("en", "fr", "nl", "ru", "ky")  # in this order: the first of equal scores is kept


class LanguageDetector:
    def __init__(self, catalog: Catalog, letter_margin: float = LETTER_MARGIN) -> None:
        markers = catalog.lexicon.language_markers
        self._letters = LetterModel(catalog)
        self._letter_margin = letter_margin
        self._names = _names(catalog)
        # Cyrillic text is compared as typed; Latin text by its folded form.
        self._cyrillic: dict[str, frozenset[str]] = {
            lang: frozenset(w.casefold() for w in markers.get(lang, ()) if CYRILLIC.search(w))
            for lang in ("ru", "ky")
        }
        self._latin: dict[str, frozenset[str]] = {
            lang: frozenset(fold(w) for w in words if not CYRILLIC.search(w) and fold(w))
            for lang, words in markers.items()
        }
        # Latin-typed Russian: the Cyrillic markers transliterated, long enough to be telling, and
        # not a word of another language in disguise ("концерт" folds like English "concert").
        latin_words = frozenset(
            fold(w) for lang, words in markers.items() if lang != "ru" for w in words
        ) | frozenset(
            fold(phrase)
            for entity in (*catalog.categories, *catalog.places, *catalog.months)
            for phrase in (*entity.aliases, *entity.names.values())
            if not CYRILLIC.search(phrase)
        )
        self._latin["ru"] = self._latin.get("ru", frozenset()) | frozenset(
            key
            for w in markers.get("ru", ())
            if CYRILLIC.search(w) and len(key := fold(w)) >= 3 and key not in latin_words
        )
        # Folded Latin marker word -> the languages it marks, so a question's words are each
        # looked up once rather than once per language.
        marks: dict[str, list[str]] = {}
        for lang in _MARKED:
            for word in self._latin.get(lang, frozenset()):
                marks.setdefault(word, []).append(lang)
        self._marks: dict[str, tuple[str, ...]] = {w: tuple(v) for w, v in marks.items()}

    def updated(self, catalog: Catalog, old: Sequence[Event]) -> LanguageDetector:
        """The detector of `catalog`, whose lexicon is this detector's catalog's and whose
        events were `old` (bot/incremental.py): the letter model updated, the names again."""
        new = copy.copy(self)
        new._letters = self._letters.updated(old, catalog.events)
        new._names = _names(catalog)
        return new

    def detect(self, text: str) -> str | None:
        """The question's language, or None when nothing tells (then the user's is used)."""
        return self.by_markers(text) or self.by_letters(text)

    def by_letters(self, text: str) -> str | None:
        """The letter model's guess over the words that are not names; None when unclear.

        The parser asks it only when the question meant something (garbage gets no guess).
        """
        words = [
            w
            for w in _RAW_WORD.findall(_TAG.sub(" ", text).casefold())
            if len(w) >= 3 and fold_word(w) not in self._names
        ]
        if not words:
            return None
        cyrillic = sum(bool(CYRILLIC.search(w)) for w in words) * 2 >= len(words)
        candidates = ("ru", "ky") if cyrillic else ("en", "fr", "nl")
        return self._letters.guess(words, candidates, self._letter_margin)

    def for_user(self, text: str, detected: str | None, user_language: str | None) -> str | None:
        """The language to answer a short question in, when the user has one.

        A short question, a name or a word two languages share ("expo Gent", "films") is the
        user's: the letters guessed a language, the user told it (Telegram or /lang).
        """
        if user_language is None or detected == user_language:
            return detected
        raw = [w.casefold() for w in _RAW_WORD.findall(_TAG.sub(" ", text))]
        if not raw or len(raw) > SHORT_QUESTION_WORDS or KYRGYZ_LETTERS.search(text):
            return detected
        cyrillic = any(CYRILLIC.search(w) for w in raw)
        if cyrillic != (user_language in ("ru", "ky")):
            return detected  # another script: the question's own language wins
        if detected is not None:
            pool = self._cyrillic if cyrillic else self._latin
            markers = pool.get(detected, frozenset())
            keys = raw if cyrillic else [fold_word(w) for w in raw]
            if any(w in markers for w in keys):
                return detected  # "concerts à Bruxelles": a marker word says French
        return user_language

    def by_markers(self, text: str) -> str | None:
        """The language its marker words (and ң ө ү) decide, or None."""
        if "<" in text:
            text = _TAG.sub(" ", text)  # "<a href=...>концерты</a>" is Russian, not French
        # ASCII lowercases as it casefolds, letter for letter: one pass over the whole text
        raw = (
            _RAW_WORD.findall(text.lower())
            if text.isascii()
            else [w.casefold() for w in _RAW_WORD.findall(text)]
        )
        if not raw:
            return None
        cyrillic = [w for w in raw if CYRILLIC.search(w)] if CYRILLIC.search(text) else []
        if KYRGYZ_LETTERS.search(text):
            return "ky"
        if len(cyrillic) * 2 >= len(raw):
            ky = sum(w in self._cyrillic["ky"] for w in cyrillic)
            ru = sum(w in self._cyrillic["ru"] for w in cyrillic)
            if ky == ru:
                return None  # "Нооруз", "Кентавр": Kyrgyz and Russian alike
            return "ky" if ky > ru else "ru"
        scores = dict.fromkeys(_MARKED, 0)
        for w in raw:
            if not cyrillic or not CYRILLIC.search(w):
                for lang in self._marks.get(fold_word(w), ()):
                    scores[lang] += 1
        if _FRENCH_ACCENTS.search(text.casefold()):
            scores["fr"] += 1
        top = max(scores.values())
        if top == 0:
            return None
        leaders = [lang for lang, score in scores.items() if score == top]
        return leaders[0] if len(leaders) == 1 else None


def reply_language(detected: str | None, text: str, user_language: str) -> str:
    """The question's language; else the user's; but Cyrillic is never answered in English,
    French or Dutch (a Russian speaker with an English phone still reads Russian)."""
    if detected:
        return detected
    if CYRILLIC.search(text) and user_language not in ("ru", "ky"):
        return "ru"
    return user_language
