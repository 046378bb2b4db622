"""The admins' texts (/missed, /stats, /reload and the broken-data notice): plain text worded from
data/locales/telegram in the admin's language; admin.py escapes it for Telegram's HTML. The
core only hands over the figures (bot.missed, bot.reloading)."""

from __future__ import annotations

from bot.missed import Stats
from bot.missed_groups import MissedGroup
from bot.reloading import ReloadResult, ReloadStatus
from bot.rendering import Texts


def format_missed(groups: list[MissedGroup], days: int, words: Texts) -> str:
    """/missed: the questions to add answers for, most asked first; dates stay ISO, so every
    curator reads them the same whatever their language."""
    if not groups:
        return words.get("tg_missed_none", days=days)
    lines = [words.get("tg_missed_head", days=days)]
    for number, group in enumerate(groups, 1):
        key = "tg_missed_line_variants" if group.variants > 1 else "tg_missed_line"
        lines.append(
            words.get(
                key,
                number=number,
                count=group.count,
                example=group.example,
                languages="/".join(group.languages),
                intents="/".join(group.intents),
                variants=group.variants,
                date=f"{group.last_asked:%Y-%m-%d}",
            )
        )
    return "\n".join(lines)


def format_stats(stats: Stats, words: Texts) -> str:
    """/stats: volume per day, languages, intents and the share of questions answered."""
    if stats.questions == 0:
        return words.get("tg_stats_none", days=stats.days)
    share = stats.answered_share
    if share is None:
        head = words.get("tg_stats_head_smalltalk", days=stats.days, messages=stats.questions)
    else:
        head = words.get(
            "tg_stats_head",
            days=stats.days,
            messages=stats.questions,
            percent=_percent(share),
            questions=stats.questions - stats.smalltalk,
            missed=stats.missed,
            smalltalk=stats.smalltalk,
        )
    lines = [head, "", words.get("tg_stats_per_day")]
    lines += [
        words.get(
            "tg_stats_day_missed" if count.missed else "tg_stats_day",
            date=f"{count.day:%Y-%m-%d}",
            count=count.questions,
            missed=count.missed,
        )
        for count in stats.per_day
        if count.questions
    ]
    by_language = _shares(stats.by_language, stats.questions, words)
    by_intent = _shares(stats.by_intent, stats.questions, words)
    lines += ["", words.get("tg_stats_by_language", shares=by_language)]
    lines += [words.get("tg_stats_by_intent", shares=by_intent)]
    return "\n".join(lines)


def _shares(counts: dict[str, int], total: int, words: Texts) -> str:
    return ", ".join(
        words.get("tg_stats_share", name=key, count=value, percent=_percent(value / total))
        for key, value in counts.items()
    )


def _percent(share: float) -> str:
    """A share as a whole percent, the number only: where the % sign goes is the locale's."""
    return f"{share * 100:.0f}"


def format_reload_result(result: ReloadResult, words: Texts, *, limit: int = 20) -> str:
    """The admins' message in their language, plain text (the adapter escapes it): what
    happened, then at most `limit` problems with how many more there are.

    The `file:line: message` problems themselves stay as check-data words them.
    """
    say = words.get
    if result.status is ReloadStatus.INVALID:
        count = len(result.problems)
        key = "tg_reload_invalid_fallback" if result.from_fallback else "tg_reload_invalid"
        lines = [say(key, count=count, events=result.events), *result.problems[:limit]]
        if count > limit:
            lines.append(say("tg_reload_more", more=count - limit))
        return "\n".join(lines)
    if result.status is ReloadStatus.RELOADED:
        return say("tg_reload_done", events=result.events)
    return say("tg_reload_unchanged", events=result.events)
