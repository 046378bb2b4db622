"""The inbox keeps every update until it is answered, across a crash, and knows a
re-delivery when it sees one. A fake clock: no waiting."""

from __future__ import annotations

import json
from pathlib import Path

from bot.inbox import Inbox


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def body(update_id: int) -> str:
    return json.dumps({"update_id": update_id, "message": {"text": f"q{update_id}"}})


def test_undone_updates_survive_a_reopen_oldest_first(tmp_path: Path) -> None:
    clock = Clock()
    inbox = Inbox(tmp_path / "inbox.sqlite3", stale_after=900, clock=clock)
    assert inbox.add((n, body(n)) for n in (3, 1, 2)) == [3, 1, 2]
    inbox.done(2)
    assert inbox.pending == 2
    inbox.close()  # as good as a crash: every commit is on disk

    again = Inbox(tmp_path / "inbox.sqlite3", stale_after=900, clock=clock)
    assert again.pending == 2
    recovered = again.recover()
    assert [update_id for update_id, _ in recovered.updates] == [1, 3]
    assert json.loads(recovered.updates[0][1])["message"]["text"] == "q1"
    assert recovered.stale == 0


def test_a_redelivered_update_is_recognised_even_once_done(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "inbox.sqlite3", stale_after=900, clock=Clock())
    assert inbox.add([(7, body(7))]) == [7]
    assert inbox.add([(7, body(7)), (8, body(8))]) == [8]
    inbox.done(7)
    assert inbox.add([(7, body(7))]) == []
    assert inbox.pending == 1


def test_updates_that_waited_too_long_are_counted_not_answered(tmp_path: Path) -> None:
    clock = Clock()
    inbox = Inbox(tmp_path / "inbox.sqlite3", stale_after=900, clock=clock)
    inbox.add([(1, body(1))])
    clock.now += 1000
    inbox.add([(2, body(2))])
    assert inbox.oldest_pending_age() == 1000
    recovered = inbox.recover()
    assert [update_id for update_id, _ in recovered.updates] == [2]
    assert recovered.stale == 1 and inbox.stale_total == 1
    assert inbox.counts() == {"pending": 1, "done": 0, "stale": 1}
    assert inbox.pending == 1


def test_updates_marked_done_together_are_not_answered_again_after_a_crash(
    tmp_path: Path,
) -> None:
    inbox = Inbox(tmp_path / "inbox.sqlite3", stale_after=900, clock=Clock())
    inbox.add((n, body(n)) for n in range(1, 7))
    inbox.done_all([2, 4, 4, 99])  # a repeat and an unknown id change nothing
    inbox.done_all([5])
    assert inbox.pending == 3
    inbox.close()

    again = Inbox(tmp_path / "inbox.sqlite3", stale_after=900, clock=Clock())
    assert [update_id for update_id, _ in again.recover().updates] == [1, 3, 6]
