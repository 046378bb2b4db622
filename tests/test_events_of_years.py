""" "Which came first, Ak Maral or the Kallens exhibition (in 2016)": a person or organisation
with one event in the years named stands for it. Their events are found by bisection in sorted
ids, which must be exactly the ids whose first four characters are one of the years."""

from __future__ import annotations

import random

from bot.understanding.parser import _of_years


def test_the_events_of_some_years_are_the_ids_beginning_with_them() -> None:
    rng = random.Random(4)
    for _ in range(300):
        ids = tuple(
            sorted(
                {
                    f"{rng.choice([rng.randrange(1990, 2031), rng.randrange(10000)]):04d}"
                    + rng.choice(["-03-x", "-12-y", "a", "", "-01-z-2"])
                    for _ in range(rng.randrange(0, 40))
                }
                | {rng.choice(["event", "-2015", "2015"])}
            )
        )
        years = [rng.choice([2015, 2016, 1990, 9999, 0, 10000, -1]) for _ in range(3)]
        expected = {e for e in ids if e[:4].isdigit() and int(e[:4]) in years}
        assert set(_of_years(ids, years)) == expected, (ids, years)
