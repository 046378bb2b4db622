"""Curators edit data/ while the bot runs: good edits go live, broken ones never take it down."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog import DataError
from bot.reloading import (
    DataReloader,
    ReloadResult,
    ReloadStatus,
)
from bot.rendering import texts
from bot.telegram.admin_texts import format_reload_result

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
AK_MARAL = "2015-06-ak-maral-bozar"
KALLENS = "2015-09-kallens-exhibition-ghent"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    _write(path, text.replace(old, new, 1))


def _write(path: Path, content: str | bytes) -> None:
    """Write and move the mtime clearly forward, so even a coarse file system sees a change."""
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    later = time.time() + 5
    os.utime(path, (later, later))


def _reloader(data: Path, compiled_dir: Path, fallback_dir: Path | None = None) -> DataReloader:
    """A reloader whose clock runs a minute ahead: every change has already settled."""
    return DataReloader(
        data,
        fallback_dir=fallback_dir,
        clock=lambda: time.time() + 60,
        compiled_dir=compiled_dir,
    )


def _titles(reloader: DataReloader) -> dict[str, str]:
    return {event.id: event.title["en"] for event in reloader.current.catalog.events}


def test_nothing_changed_is_unchanged_and_keeps_the_same_answerer(
    data: Path, compiled_dir: Path
) -> None:
    reloader = _reloader(data, compiled_dir)
    before = reloader.current
    result = reloader.check()
    assert result == ReloadResult(ReloadStatus.UNCHANGED, events=3)
    assert reloader.current is before


def test_an_edit_shows_in_the_next_answer(data: Path, compiled_dir: Path) -> None:
    reloader = _reloader(data, compiled_dir)
    assert reloader.current.answer("exhibitions in ghent").event_ids == (KALLENS,)
    _edit(data / "events.yaml", "cities: [ghent]", "cities: [brussels]")

    result = reloader.check()

    assert result.status is ReloadStatus.RELOADED
    assert result.notify is False  # a routine edit: nobody needs a message
    assert reloader.current.answer("exhibitions in ghent").event_ids == ()
    assert reloader.current.answer("exhibitions in brussels").event_ids == (KALLENS,)


def test_a_broken_edit_keeps_the_previous_data_and_reports_file_and_line(
    data: Path, compiled_dir: Path
) -> None:
    reloader = _reloader(data, compiled_dir)
    before = reloader.current
    _edit(data / "events.yaml", "status: held", "status: hled")

    result = reloader.check()

    assert result.status is ReloadStatus.INVALID
    assert result.notify is True
    assert reloader.current is before
    assert reloader.current.answer("concerts in brussels").event_ids == (AK_MARAL,)
    assert any(
        line.startswith("data/events.yaml:") and "unknown status 'hled'" in line
        for line in result.problems
    )
    assert reloader.problems == result.problems


def test_admins_hear_of_one_broken_state_once(data: Path, compiled_dir: Path) -> None:
    reloader = _reloader(data, compiled_dir)
    _edit(data / "events.yaml", "status: held", "status: hled")
    assert reloader.check().notify is True
    assert reloader.check() == ReloadResult(ReloadStatus.UNCHANGED, events=3)
    # another file touched, the same problems: no new message
    _write(data / "intents.yaml", (data / "intents.yaml").read_text(encoding="utf-8") + "\n")
    again = reloader.check()
    assert again.status is ReloadStatus.INVALID
    assert again.notify is False
    # a different mistake is a new state
    _edit(data / "events.yaml", "cities: [ghent]", "cities: [gent]")
    assert reloader.check().notify is True


def test_fixing_the_data_reloads_and_tells_the_admins(data: Path, compiled_dir: Path) -> None:
    reloader = _reloader(data, compiled_dir)
    _edit(data / "events.yaml", "status: held", "status: hled")
    reloader.check()
    _edit(data / "events.yaml", "status: hled", "status: held")
    result = reloader.check()
    assert result.status is ReloadStatus.RELOADED
    assert result.notify is True
    assert reloader.problems == ()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: _write(p, "events:\n  - id: [unclosed\n"), id="yaml-syntax"),
        pytest.param(lambda p: _write(p, "events:\n\t- id: x\n"), id="tab"),
        pytest.param(lambda p: _write(p, b"events:\n  - id: caf\xe9\n"), id="not-utf8"),
        pytest.param(lambda p: _write(p, "#" * (10 * 1024 * 1024)), id="10-megabytes"),
        pytest.param(lambda p: _write(p, ""), id="emptied"),
        pytest.param(lambda p: p.unlink(), id="deleted"),
        pytest.param(lambda p: _write(p, p.read_text(encoding="utf-8")[:1500]), id="cut-half-way"),
        pytest.param(lambda p: _write(p, "- just\n- a list\n"), id="wrong-shape"),
        pytest.param(lambda p: _write(p, "a: &a [*a, *a]\n"), id="recursive-alias"),
    ],
)
def test_nothing_a_curator_saves_raises_or_replaces_good_data(
    data: Path, damage: Callable[[Path], None], compiled_dir: Path
) -> None:
    reloader = _reloader(data, compiled_dir)
    before = reloader.current
    damage(data / "events.yaml")

    for result in (reloader.check(), reloader.reload()):
        assert result.status is ReloadStatus.INVALID
        assert result.problems
        assert all(":" in line for line in result.problems)
    assert reloader.current is before


def test_a_file_still_being_written_is_not_read_until_it_settles(data: Path) -> None:
    now = [time.time()]
    reloader = DataReloader(data, settle_seconds=2.0, clock=lambda: now[0])
    events = data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8")[:1500], encoding="utf-8")  # half
    os.utime(events, (now[0], now[0]))

    assert reloader.check().status is ReloadStatus.UNCHANGED  # too fresh: wait

    now[0] += 0.5  # the writer finishes
    shutil.copy(MINIMAL / "events.yaml", events)
    os.utime(events, (now[0], now[0]))
    _edit_keep_mtime(events, "en: Ak Maral at BOZAR,", "en: Ak Maral in Brussels,", now[0])
    assert reloader.check().status is ReloadStatus.UNCHANGED  # changed again: still waiting

    now[0] += 3
    result = reloader.check()
    assert result.status is ReloadStatus.RELOADED
    assert _titles(reloader)[AK_MARAL] == "Ak Maral in Brussels"


def _edit_keep_mtime(path: Path, old: str, new: str, mtime: float) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_a_change_seen_unchanged_twice_loads_even_with_a_clock_behind_the_files(
    data: Path,
) -> None:
    reloader = DataReloader(data, settle_seconds=2.0, clock=lambda: 0.0)  # mtimes in the future
    _edit(data / "events.yaml", "en: Ak Maral at BOZAR,", "en: Ak Maral in Brussels,")
    assert reloader.check().status is ReloadStatus.UNCHANGED
    assert reloader.check().status is ReloadStatus.RELOADED


def test_reload_forces_a_load_and_always_reports(data: Path, compiled_dir: Path) -> None:
    reloader = _reloader(data, compiled_dir)
    first = reloader.reload()
    assert first.status is ReloadStatus.RELOADED
    assert first.notify is True
    assert first.events == 3
    _edit(data / "events.yaml", "status: held", "status: hled")
    assert reloader.reload().notify is True
    assert reloader.reload().notify is True  # an admin asked: always answer


def test_a_broken_start_without_a_good_copy_raises_the_problems(
    data: Path, compiled_dir: Path
) -> None:
    _edit(data / "events.yaml", "status: held", "status: hled")
    with pytest.raises(DataError) as error:
        _reloader(data, compiled_dir)
    assert any("unknown status 'hled'" in str(problem) for problem in error.value.problems)


def test_a_broken_start_answers_from_the_last_good_copy(
    data: Path, tmp_path: Path, compiled_dir: Path
) -> None:
    good = tmp_path / "state" / "last-good-data"
    _reloader(data, compiled_dir, fallback_dir=good)
    assert (good / "events.yaml").is_file()

    _edit(data / "events.yaml", "status: held", "status: hled")
    restarted = _reloader(data, compiled_dir, fallback_dir=good)

    assert restarted.initial.status is ReloadStatus.INVALID
    assert restarted.initial.from_fallback is True
    assert restarted.initial.notify is True
    assert restarted.current.answer("concerts in brussels").event_ids == (AK_MARAL,)
    _edit(data / "events.yaml", "status: hled", "status: held")
    assert restarted.check().status is ReloadStatus.RELOADED


def test_the_good_copy_follows_clean_reloads_only(
    data: Path, tmp_path: Path, compiled_dir: Path
) -> None:
    good = tmp_path / "state" / "last-good-data"
    reloader = _reloader(data, compiled_dir, fallback_dir=good)
    _edit(data / "events.yaml", "en: Ak Maral at BOZAR,", "en: Ak Maral in Brussels,")
    reloader.check()
    assert "Ak Maral in Brussels" in (good / "events.yaml").read_text(encoding="utf-8")
    _edit(data / "events.yaml", "status: held", "status: hled")
    reloader.check()
    assert "status: hled" not in (good / "events.yaml").read_text(encoding="utf-8")


def test_the_good_copy_after_an_edit_is_whole_and_shares_only_the_files_not_edited(
    data: Path, tmp_path: Path, compiled_dir: Path
) -> None:
    good = tmp_path / "state" / "last-good-data"
    reloader = _reloader(data, compiled_dir, fallback_dir=good)
    kept = good / "lexicon" / "places.yaml"
    before = kept.stat().st_ino
    _edit(data / "events.yaml", "en: Ak Maral at BOZAR,", "en: Ak Maral in Brussels,")
    reloader.check()
    assert "Ak Maral in Brussels" in (good / "events.yaml").read_text(encoding="utf-8")
    assert kept.stat().st_ino == before  # not copied again
    assert sorted(p.relative_to(good) for p in good.rglob("*")) == sorted(
        p.relative_to(data) for p in data.rglob("*")
    )
    # the curators' files themselves are never linked: editing one leaves the copy as it was
    _edit(data / "lexicon" / "places.yaml", "id: ghent", "id: gent")
    assert "id: ghent" in kept.read_text(encoding="utf-8")


def test_a_restart_with_the_same_data_keeps_the_good_copy_as_it_is(
    data: Path, tmp_path: Path, compiled_dir: Path
) -> None:
    good = tmp_path / "state" / "last-good-data"
    _reloader(data, compiled_dir, fallback_dir=good)
    copied = (good / "events.yaml").stat().st_ino
    _reloader(data, compiled_dir, fallback_dir=good)  # a restart: nothing to copy again
    assert (good / "events.yaml").stat().st_ino == copied
    _edit(data / "events.yaml", "en: Ak Maral at BOZAR,", "en: Ak Maral in Brussels,")
    _reloader(data, compiled_dir, fallback_dir=good)  # a restart after an edit: copied anew
    assert "Ak Maral in Brussels" in (good / "events.yaml").read_text(encoding="utf-8")


def test_an_unwritable_state_folder_does_not_stop_the_bot(
    data: Path, tmp_path: Path, compiled_dir: Path
) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    reloader = _reloader(data, compiled_dir, fallback_dir=blocker / "last-good-data")
    assert reloader.current.answer("concerts in brussels").event_ids == (AK_MARAL,)


def test_editor_swap_files_are_not_a_change(data: Path, compiled_dir: Path) -> None:
    reloader = _reloader(data, compiled_dir)
    _write(data / ".events.yaml.swp", b"\x00\x01")
    _write(data / "events.yaml~", "backup")
    assert reloader.check().status is ReloadStatus.UNCHANGED


def test_concurrent_checks_swap_once_and_readers_always_get_a_whole_answerer(
    data: Path, compiled_dir: Path
) -> None:
    reloader = _reloader(data, compiled_dir)
    _edit(data / "events.yaml", "en: Ak Maral at BOZAR,", "en: Ak Maral in Brussels,")
    results: list[ReloadResult] = []
    seen: list[str] = []

    def checker() -> None:
        results.append(reloader.check())

    def reader() -> None:
        for _ in range(50):
            seen.append(_titles(reloader)[AK_MARAL])

    threads = [threading.Thread(target=checker) for _ in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status for r in results].count(ReloadStatus.RELOADED) == 1
    assert set(seen) <= {"Ak Maral at BOZAR", "Ak Maral in Brussels"}
    assert _titles(reloader)[AK_MARAL] == "Ak Maral in Brussels"


async def test_check_async_runs_off_the_event_loop(data: Path, compiled_dir: Path) -> None:
    reloader = _reloader(data, compiled_dir)
    _edit(data / "events.yaml", "en: Ak Maral at BOZAR,", "en: Ak Maral in Brussels,")
    result = await reloader.check_async()
    assert result.status is ReloadStatus.RELOADED


def test_the_admin_message_names_the_problems_and_says_the_bot_still_answers(
    answerer: Answerer,
) -> None:
    english = texts(answerer.catalog, "en")
    problems = tuple(f"data/events.yaml:{n}: unknown status 'hled'" for n in range(1, 26))
    broken = ReloadResult(ReloadStatus.INVALID, problems, True, 19)
    text = format_reload_result(broken, english, limit=3)
    assert text.splitlines() == [
        "The data has problems (25). The bot is still answering from the previous data "
        "(19 events). Fix these and save again:",
        "data/events.yaml:1: unknown status 'hled'",
        "data/events.yaml:2: unknown status 'hled'",
        "data/events.yaml:3: unknown status 'hled'",
        "... and 22 more (python -m bot check-data lists all)",
    ]
    loaded = format_reload_result(ReloadResult(ReloadStatus.RELOADED, events=19), english)
    assert loaded == "The data is loaded: 19 events. The bot answers from it now."


def test_the_admin_message_speaks_the_admins_language(answerer: Answerer) -> None:
    russian = texts(answerer.catalog, "ru")
    problems = ("data/events.yaml:7: unknown status 'hled'",)
    fallback = ReloadResult(ReloadStatus.INVALID, problems, True, 19, from_fallback=True)
    assert format_reload_result(fallback, russian).splitlines() == [
        "В данных есть ошибки (1). Бот пока отвечает по последней исправной копии "
        "(событий: 19). Исправьте ошибки и сохраните файлы снова:",
        "data/events.yaml:7: unknown status 'hled'",
    ]
    unchanged = ReloadResult(ReloadStatus.UNCHANGED, events=19)
    kyrgyz = format_reload_result(unchanged, texts(answerer.catalog, "ky"))
    assert kyrgyz == "Маалымат өзгөргөн жок: 19 иш-чара."


def test_the_real_data_reloads_an_edit_to_events_yaml(tmp_path: Path, compiled_dir: Path) -> None:
    from bot.paths import DEFAULT_DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    reloader = _reloader(data, compiled_dir)
    assert reloader.initial.status is ReloadStatus.RELOADED
    events = data / "events.yaml"
    _edit(events, "cities: [ghent]", "cities: [bruges]")
    assert reloader.check().status is ReloadStatus.RELOADED
    assert KALLENS in reloader.current.answer("exhibitions in Bruges").event_ids
    _edit(events, "status: held", "status: hled")
    broken = reloader.check()
    assert broken.status is ReloadStatus.INVALID
    assert KALLENS in reloader.current.answer("exhibitions in Bruges").event_ids


def test_updates_look_at_the_files_at_most_once_a_second_and_still_see_an_edit(
    data: Path,
) -> None:
    now = [100.0]
    reloader = DataReloader(
        data, clock=lambda: time.time() + 60, poll_seconds=1.0, monotonic=lambda: now[0]
    )
    assert reloader.maybe_changed() is False
    _edit(data / "events.yaml", "cities: [ghent]", "cities: [brussels]")
    now[0] += 0.5
    assert reloader.maybe_changed() is False  # within the second: the files are not looked at
    now[0] += 0.6
    assert reloader.maybe_changed() is True  # a second on: the edit is seen
    now[0] += 0.1
    assert reloader.maybe_changed() is True  # and stays seen until a check loads it
    assert reloader.check().status is ReloadStatus.RELOADED
    assert reloader.maybe_changed() is False
    assert reloader.current.answer("exhibitions in brussels").event_ids == (KALLENS,)
