"""People and organisations carry a role, and a card names them under it.

Who was on stage, who organised, whom it honoured, whose name it bears, who reported on it: a
namesake or an honoree must never read as someone who was there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.catalog import check_data
from bot.catalog.model import LANGUAGES, Role
from bot.rendering import render_text
from bot.rendering.roles import ROLE_MARKS, ROLE_ORDER, role_label
from bot.rendering.texts import Texts

MARKS = set(ROLE_MARKS.values())
DATA = Path(__file__).resolve().parent.parent / "data"

# What the seed says each was to the event.
DECIDED = {
    ("2015-12-aitmatov-concert", "chingiz-aitmatov"): Role.HONOREE,
    ("2015-12-aitmatov-concert", "zh-raimbekova"): Role.PERFORMER,
    ("2015-12-aitmatov-concert", "l-grigoryan"): Role.PERFORMER,
    ("2017-03-violin-competition", "arthur-grumiaux"): Role.NAMESAKE,
    ("2017-03-nooruz-ghent", "hasselt-channel"): Role.MEDIA,
    ("2017-03-nooruz-ghent", "embassy"): Role.ORGANISER,
    ("2017-03-kok-boru-article", "metro-newspaper"): Role.MEDIA,
    ("2016-01-man-and-horse-film", "v-robinot"): Role.DIRECTOR,
    ("2017-04-mooov-centaur", "aktan-arym-kubat"): Role.DIRECTOR,
    ("2015-06-ak-maral-bozar", "ak-maral"): Role.PERFORMER,
    ("2018-01-folk-music-concert", "kyrgyz-diaspora"): Role.ORGANISER,
}


def test_every_role_in_the_data_is_the_one_the_seed_gives(answerer: Answerer) -> None:
    catalog = answerer.catalog
    found = {key: catalog.event(key[0]).role_of(key[1]) for key in DECIDED}  # type: ignore[union-attr]
    assert found == DECIDED


def test_every_person_and_organisation_of_every_event_has_a_role(answerer: Answerer) -> None:
    for event in answerer.catalog.events:
        for who in (*event.people, *event.organisations):
            assert event.role_of(who) in Role, (event.id, who)
        assert len(event.roles) == len(event.people) + len(event.organisations), event.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_role_has_a_label_in_every_language(answerer: Answerer, language: str) -> None:
    texts = Texts(answerer.catalog, language)
    for role in Role:
        assert role in ROLE_ORDER
        for how_many in (1, 2):
            label = role_label(texts, role, how_many)
            assert label and not label.startswith("role_"), (language, role)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_card_names_the_honoree_and_the_namesake_under_their_role(
    answerer: Answerer, language: str
) -> None:
    catalog = answerer.catalog
    texts = Texts(catalog, language)
    for (event_id, who), role in DECIDED.items():
        card = answerer.card(event_id, language)
        assert card is not None
        text = render_text(card, catalog)
        entity = catalog.entity("person", who) or catalog.entity("organisation", who)
        assert entity is not None
        role_lines = [line for line in text.splitlines() if line[:1] in MARKS]
        lines = [line for line in role_lines if entity.name(language) in line]
        assert len(lines) == 1, (language, event_id, role_lines)
        line = lines[0]
        assert line.startswith(ROLE_MARKS[role])
        how_many = len(catalog.event(event_id).with_role(role))  # type: ignore[union-attr]
        assert role_label(texts, role, how_many) in line, (language, event_id, line)


def _data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_an_unknown_role_names_the_file_the_line_and_the_roles(tmp_path: Path) -> None:
    data = _data_copy(tmp_path)
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8")
    broken = text.replace(
        "{id: chingiz-aitmatov, role: honoree}", "{id: chingiz-aitmatov, role: honouree}"
    )
    events.write_text(broken, encoding="utf-8")
    line = broken[: broken.index("role: honouree")].count("\n") + 1
    problems = [str(p) for p in check_data(data)]
    assert len(problems) == 1, problems
    assert (
        problems[0].startswith(f"data/events.yaml:{line}:")
        or f"events.yaml:{line}:" in problems[0]
    )
    assert "unknown role 'honouree'" in problems[0]
    assert "Did you mean 'honoree'?" in problems[0]


def test_a_role_without_an_id_is_reported(tmp_path: Path) -> None:
    data = _data_copy(tmp_path)
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(
        text.replace("{id: arthur-grumiaux, role: namesake}", "{role: namesake}"), encoding="utf-8"
    )
    problems = [str(p) for p in check_data(data)]
    assert len(problems) == 1 and "'id:' is missing" in problems[0], problems
