"""A reload after an edit of event files updates the last Answerer (bot/incremental.py) instead
of building one: whatever the curators change, it answers exactly as a fresh build of the same
data/ does, for the same questions, buttons and replays.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
import yaml

from bot.answering import Answerer
from bot.catalog import DataError, load_catalog
from bot.catalog.model import chronological
from bot.catalog.question_set import load_question_set
from bot.compiled import SUFFIX, Compiler, read_compiled
from bot.incremental import Layout, updated
from bot.paths import DEFAULT_DATA_DIR
from bot.rendering import render_text
from tests.examples import examples
from tests.test_event_cache import _events, _split_by_year, _write

ROOT = Path(__file__).resolve().parent
# A spread of every set: lists, cards, counts, text search, typos, five languages.
QUESTIONS = [
    (case.question, case.user_language)
    for path in sorted(ROOT.glob("questions*.yaml"))
    for case in load_question_set(path)[::7]
] + [
    ("anything with horses", None),
    ("про писателей", None),
    ("a pianist", None),
    ("the latest event", None),
    ("the first event", None),
    ("events after the Nooruz", None),
    ("Renamed event", None),
    ("Mountain Lake Concert", None),
]


def _replies(answerer: Answerer) -> list[tuple[object, ...]]:
    """What users see for each question, and what a button or a replay would bring back."""
    seen: list[tuple[object, ...]] = []
    for question, language in QUESTIONS:
        answer = answerer.answer(question, language)
        replayed = answerer.replay(answer.token, answer.language) if answer.token else None
        seen.append(
            (
                question,
                answer.event_ids,
                answer.intent,
                answer.token,
                tuple((s.kind, s.token) for s in answer.suggestions),
                render_text(answer, answerer.catalog),
                replayed.event_ids if replayed else None,
            )
        )
    for event in answerer.catalog.events:  # every card, and its button's token
        card = answerer.card(event.id, "en")
        seen.append((event.id, answerer.card_token(event.id), card and card.event_ids))
    return seen


def _edit(rng: random.Random, files: list[Path], lexicon: Path) -> str:
    """One edit a curator makes: to one event file mostly, now and then to the lexicon (a
    fresh build then), or a mistake (the data stays as it was)."""
    path = rng.choice(files)
    events = _events(path)
    kind = rng.choice(
        ["summary", "title", "date", "city", "alias", "drop", "add", "move", "lexicon", "broken"]
    )
    if kind == "lexicon":
        places = yaml.safe_load(lexicon.read_text(encoding="utf-8"))
        places["places"][0].setdefault("aliases", []).append(f"Placename{rng.randrange(99)}")
        lexicon.write_text(yaml.safe_dump(places, allow_unicode=True), encoding="utf-8")
        return kind
    if kind == "broken":
        path.write_text(path.read_text(encoding="utf-8") + "  - id: [\n", encoding="utf-8")
        return kind
    if not events:
        kind = "add"
    event = rng.choice(events) if events else None
    if kind == "summary" and event:
        event["summary"] = {**event["summary"], "en": f"A pianist played {rng.randrange(99)}."}
    elif kind == "title" and event:
        event["title"] = {**event["title"], "en": f"Renamed event {rng.randrange(99)}"}
    elif kind == "date" and event:  # another day: the event moves among the others
        start = str(event["start"])
        event["start"] = f"{start[:7]}-{rng.randrange(1, 28):02d}"
        event.pop("end", None)
    elif kind == "city" and event:
        event["cities"] = [rng.choice(["ghent", "liege", "bruges", "bishkek"])]
        event.pop("country_unknown", None)
    elif kind == "alias" and event:  # the vocabulary changes
        event["aliases"] = [f"Mountain Lake Concert {rng.randrange(10**6)}"]
    elif kind == "drop" and event:
        events.remove(event)
    elif kind == "move" and event:  # to another file: same event, other file
        other = rng.choice(files)
        if other != path:
            events.remove(event)
            _write(other, [*_events(other), event])
    else:  # a new event, a copy of one from the same year with a new id
        source = dict(rng.choice([e for f in files for e in _events(f)]))
        source["id"] = f"{str(source['start'])[:7]}-added-{rng.randrange(10**6)}"
        source.pop("aliases", None)
        events.append(source)
    _write(path, events)
    return kind


def _fresh(data: Path) -> Answerer | None:
    try:
        return Answerer(load_catalog(data))
    except DataError:
        return None


@pytest.mark.parametrize("seed", range(examples(3, least=1)))
def test_random_edits_answer_as_a_fresh_build(tmp_path: Path, seed: int) -> None:
    data = tmp_path / "data"
    files = _split_by_year(data)
    compiler = Compiler(tmp_path / "compiled")
    last_good = compiler.load(data)
    rng = random.Random(seed)
    for _ in range(examples(6, least=3)):
        kind = _edit(rng, files, data / "lexicon" / "places.yaml")
        fresh = _fresh(data)
        if fresh is None:  # a mistake: the load fails, as a fresh one does
            with pytest.raises(DataError):
                compiler.load(data)
            for path in files:  # mend it: drop the broken line
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace("  - id: [\n", ""), encoding="utf-8")
            fresh = _fresh(data)
            assert fresh is not None, kind
        loaded = compiler.load(data)
        compiler.keep()
        assert _replies(loaded) == _replies(fresh), kind
        assert loaded is not last_good
        last_good = loaded
    compiler.wait()


def test_an_edit_of_one_file_updates_the_last_answerer_and_touches_only_its_events(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    files = _split_by_year(data)
    edited = files[len(files) // 2]
    events = _events(edited)
    events[0]["summary"] = {**events[0]["summary"], "en": "A pianist played all night."}
    _write(edited, events)
    compiler = Compiler(None)
    before = compiler.load(data)
    events[0]["summary"] = {**events[0]["summary"], "en": "A violinist played all night."}
    _write(edited, events)
    after = compiler.load(data)
    layout = Layout(before.catalog.events, after.catalog.events)
    # the events of the file read again, at most (and the edited one among them)
    assert (
        events[0]["id"]
        in {e.id for e in layout.removed}
        <= {e["id"] for e in events}
        | {e.id for e in before.catalog.events if e.id.startswith(str(events[0]["start"])[:4])}
    )
    assert len(layout.added) == len(layout.removed)
    card, old_card = after.card(events[0]["id"], "en"), before.card(events[0]["id"], "en")
    assert card and "A violinist played" in render_text(card, after.catalog)
    assert old_card and "A pianist played" in render_text(old_card, before.catalog)  # intact
    fresh = _fresh(data)
    assert fresh and _replies(after) == _replies(fresh)
    assert after.understander.vocabulary is before.understander.vocabulary  # no alias changed


def test_a_start_from_the_compiled_file_then_an_edit_updates_only_the_edited_events(
    tmp_path: Path,
) -> None:
    """The compiled file holds each data file's part as the very events of its catalog (written
    once, bot/compiled.py), not a second copy of each; a process started from it updates that
    Answerer at its first reload after an edit."""
    data, cache = tmp_path / "data", tmp_path / "compiled"
    files = _split_by_year(data)
    writer = Compiler(cache)
    writer.load(data)
    writer.keep()
    writer.wait()
    (path,) = cache.glob(f"*{SUFFIX}")
    compiled = read_compiled(path)
    assert compiled is not None and compiled.files
    own = {id(event) for event in compiled.answerer.catalog.events}
    assert all(id(e) in own for _, _, part in compiled.files.values() for e in part.events)
    compiler = Compiler(cache)  # a new process: what it knows comes from the compiled file
    before = compiler.load(data)
    edited = files[len(files) // 2]
    events = _events(edited)
    events[0]["summary"] = {**events[0]["summary"], "en": "A violinist played all night."}
    _write(edited, events)
    after = compiler.load(data)
    layout = Layout(before.catalog.events, after.catalog.events)
    assert {e.id for e in layout.removed} <= {e["id"] for e in events}
    assert after.understander.vocabulary is before.understander.vocabulary  # updated, not built
    fresh = _fresh(data)
    assert fresh and _replies(after) == _replies(fresh)


def test_a_lexicon_edit_builds_afresh(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _split_by_year(data)
    compiler = Compiler(None)
    before = compiler.load(data)
    places = data / "lexicon" / "places.yaml"
    document = yaml.safe_load(places.read_text(encoding="utf-8"))
    ghent = next(p for p in document["places"] if p["id"] == "ghent")
    ghent.setdefault("aliases", []).append("Gentopolis")
    places.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert updated(before, load_catalog(data)) is None
    after = compiler.load(data)
    assert (
        after.answer("exhibitions in Gentopolis").event_ids
        == before.answer("exhibitions in ghent").event_ids
    )


@pytest.mark.parametrize("seed", range(examples(30, least=10)))
def test_the_layout_moves_every_kept_event_to_its_new_rank(seed: int) -> None:
    """Any events removed and added, at the ends or in the middle, scattered or in a block:
    the bits and per-rank lists of the events kept follow them to their new ranks."""
    rng = random.Random(seed)
    real = load_catalog(DEFAULT_DATA_DIR).events
    pool = [
        dataclasses.replace(rng.choice(real), id=f"{n:04d}-event")
        for n in range(rng.randrange(0, 60))
    ]
    old = tuple(sorted(pool, key=chronological))
    kept = [event for event in old if rng.random() < 0.8]
    if rng.random() < 0.5 and kept:  # a block removed, as when one file is edited
        start = rng.randrange(len(kept))
        del kept[start : start + rng.randrange(1, 20)]
    added = [
        dataclasses.replace(rng.choice(real), id=f"{n:04d}-added")
        for n in range(rng.randrange(0, 15))
    ]
    new = tuple(sorted([*kept, *added], key=chronological))
    layout = Layout(old, new)
    assert [new[rank] for rank in layout.added] == sorted(added, key=chronological)
    assert {e.id for e in layout.removed} == {e.id for e in old} - {e.id for e in kept}
    assert layout.spliced(old, lambda event: event, new) == list(new)
    chosen = [event for event in old if rng.random() < 0.5]
    bits = sum(1 << old.index(event) for event in chosen)
    assert layout.move(bits) == sum(1 << new.index(e) for e in chosen if any(e is k for k in kept))


def test_a_failure_while_updating_costs_a_fresh_build_not_the_reload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    files = _split_by_year(data)
    compiler = Compiler(None)
    compiler.load(data)

    def broken(previous: Answerer, catalog: object) -> Answerer | None:
        raise RuntimeError("a bug in the update")

    monkeypatch.setattr("bot.compiled.updated", broken)
    events = _events(files[0])
    events[0]["title"] = {**events[0]["title"], "en": "Renamed event 7"}
    _write(files[0], events)
    fresh = _fresh(data)
    assert fresh is not None
    assert _replies(compiler.load(data)) == _replies(fresh)
