"""The abuse limits' windows keep memory for the people talking now, not for everybody who ever
wrote: idle users are forgotten, and the number remembered has a ceiling that a flooder cannot
use to get out of their limit. An injected clock: no waiting."""

from __future__ import annotations

from bot.telegram.limits import SWEEP_AT, SlidingWindow, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def test_people_who_went_quiet_are_forgotten() -> None:
    clock = Clock()
    window = SlidingWindow(limit=3, seconds=10, clock=clock)
    for user in range(SWEEP_AT * 3):
        window.hit(user)
        clock.now += 0.01  # 30 seconds in all: three windows
    assert window.tracked() < SWEEP_AT + 1100  # those of the last window or two, not all
    assert window.hit(SWEEP_AT * 3 - 1) is Verdict.ALLOW


def test_a_crowd_within_one_window_stays_under_the_ceiling_and_a_flooder_stays_limited() -> None:
    clock = Clock()
    window = SlidingWindow(limit=3, seconds=60, clock=clock, max_tracked=50)
    flooder = 7
    verdicts = []
    for user in range(1000, 1400):
        window.hit(user)  # 400 people within one minute
        verdicts.append(window.hit(flooder))
        clock.now += 0.1
        assert window.tracked() <= 51
    assert verdicts[:3] == [Verdict.ALLOW] * 3
    assert set(verdicts[3:]) <= {Verdict.NOTICE, Verdict.SILENT}
    assert verdicts[3:].count(Verdict.NOTICE) == 1
