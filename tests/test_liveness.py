"""The heartbeat tells the truth: it beats while updates finish or none wait, and stops for a
starved scheduler or a polling loop that no longer comes back."""

from __future__ import annotations

from dataclasses import dataclass

from bot.telegram.liveness import Liveness


@dataclass
class FakeScheduler:
    completed: int = 0
    running: int = 0
    waiting: int = 0


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_idle_is_alive_and_progress_is_alive() -> None:
    scheduler, clock = FakeScheduler(), Clock()
    liveness = Liveness(scheduler, lambda: clock.now, lambda: True, 90, clock)
    assert liveness.check() == ""
    scheduler.running, scheduler.waiting = 64, 500
    scheduler.completed += 3
    assert liveness.check() == ""  # busy, but updates finish


def test_a_scheduler_whose_updates_no_longer_finish_is_not_alive() -> None:
    scheduler, clock = FakeScheduler(running=64, waiting=500), Clock()
    liveness = Liveness(scheduler, lambda: clock.now, lambda: True, 90, clock)
    assert "no update finished" in liveness.check()
    scheduler.completed += 1
    assert liveness.check() == ""


def test_a_wedged_polling_loop_is_not_alive_but_a_webhook_needs_no_polls() -> None:
    scheduler, clock = FakeScheduler(), Clock()
    last_poll = 0.0
    polling = Liveness(scheduler, lambda: last_poll, lambda: True, 90, clock)
    webhook = Liveness(scheduler, lambda: None, lambda: False, 90, clock)
    clock.now = 60
    assert polling.check() == ""  # a long poll may take its 30 s and more
    clock.now = 200
    assert "polling has not come back" in polling.check()
    assert webhook.check() == ""
    last_poll = 199
    assert polling.check() == ""
