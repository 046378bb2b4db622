"""The scoreboard: players by points, ties in points broken by the fastest, in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.rendering.texts import Texts

MEDALS = ("🥇", "🥈", "🥉")
SHOWN = 20
"""A scoreboard lists this many players at most (a message stays short on the big screen)."""


@dataclass(frozen=True)
class Standing:
    place: int  # 1-based; players with equal points and equal time share a place
    user_id: int
    name: str
    points: int
    seconds: float  # total time to the correct answers: the tie-break, less is better
    answered: int


@dataclass(frozen=True)
class Scoreboard:
    standings: tuple[Standing, ...]
    asked: int  # questions asked in the round

    @property
    def winners(self) -> tuple[Standing, ...]:
        return tuple(s for s in self.standings if s.place == 1 and s.points > 0)


def rank(rows: Iterable[tuple[int, str, int, float, int]], asked: int) -> Scoreboard:
    """Rank (user_id, name, points, seconds, answered) rows: more points first, then faster.

    Times are compared to a tenth of a second: closer than that is a true tie.
    """
    ordered = sorted(rows, key=lambda r: (-r[2], round(r[3], 1), r[1], r[0]))
    standings: list[Standing] = []
    for index, (user_id, name, points, seconds, answered) in enumerate(ordered):
        place = index + 1
        if standings:
            last = standings[-1]
            if last.points == points and round(last.seconds, 1) == round(seconds, 1):
                place = last.place
        standings.append(Standing(place, user_id, name, points, seconds, answered))
    return Scoreboard(tuple(standings), asked)


def render_scoreboard(board: Scoreboard, words: Texts, *, stopped: bool = False) -> str:
    """The scoreboard as plain text in the round's language (the adapter escapes it)."""
    heading = words.get(
        "game_scoreboard_stopped" if stopped else "game_scoreboard", count=board.asked
    )
    if not board.standings:
        return f"{heading}\n{words.get('game_scoreboard_empty')}"
    lines = [heading]
    for standing in board.standings[:SHOWN]:
        mark = (
            MEDALS[standing.place - 1] if standing.place <= len(MEDALS) else f"{standing.place}."
        )
        lines.append(
            words.get(
                "game_scoreboard_line",
                place=mark,
                name=standing.name,
                points=standing.points,
                asked=board.asked,
                seconds=f"{standing.seconds:.1f}",
            )
        )
    if len(board.standings) > SHOWN:
        lines.append(words.get("game_scoreboard_more", count=len(board.standings) - SHOWN))
    winners = board.winners
    if len(winners) == 1:
        lines.append(words.get("game_winner", name=winners[0].name))
    elif len(winners) > 1:
        lines.append(words.get("game_winners_tie", names=", ".join(w.name for w in winners)))
    return "\n".join(lines)
