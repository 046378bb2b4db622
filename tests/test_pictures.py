"""The timeline picture: a real PNG a phone can read, every selected event drawn and labelled."""

from __future__ import annotations

import dataclasses
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.answering import Answerer
from bot.catalog.model import LANGUAGES, Status
from bot.pictures.cache import PictureCache
from bot.pictures.selection import Selection, parse_selection
from bot.pictures.timeline import WIDTH_PX, draw_timeline
from bot.quiz import title
from bot.rendering.texts import texts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
SELECTIONS = (Selection(), Selection(2015, 2017), Selection(category="concert"))


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (which must come first)."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def drawn_labels(svg: bytes) -> dict[str, str]:
    """Event id -> the text drawn in its group ("event-<id>"), lines joined by spaces."""
    root = ET.fromstring(svg)
    labels: dict[str, str] = {}
    for group in root.iter(f"{SVG}g"):
        gid = group.get("id", "")
        if gid.startswith("event-"):
            lines = [t.text or "" for t in group.iter(f"{SVG}text")]
            labels[gid.removeprefix("event-")] = " ".join(lines)
    return labels


@pytest.fixture(scope="module")
def cache() -> PictureCache:
    return PictureCache()


def test_the_png_is_a_phone_wide_picture(answerer: Answerer, cache: PictureCache) -> None:
    png = cache.timeline(answerer.catalog, "en", Selection())
    assert png is not None
    width, height = png_size(png)
    assert width == WIDTH_PX
    # one row per event at least: taller than wide, never a squashed strip
    assert height > 40 * len(answerer.catalog.events)
    assert len(png) > 20_000


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("selection", SELECTIONS, ids=lambda s: s.key)
def test_each_selected_event_is_drawn_with_its_title_in_the_language(
    answerer: Answerer, cache: PictureCache, language: str, selection: Selection
) -> None:
    catalog = answerer.catalog
    svg = cache.timeline(catalog, language, selection, "svg")
    assert svg is not None
    labels = drawn_labels(svg)
    expected = selection.events(catalog)
    assert expected
    assert set(labels) == {e.id for e in expected}
    planned = texts(catalog, language).get("card_planned")
    for event in expected:
        label = " ".join(labels[event.id].split())
        first_words = " ".join(title(event, language).split()[:3])
        assert first_words in label, (event.id, label)
        assert str(event.start.year) in label
        assert (planned in label) == (event.status is Status.PLANNED)


def test_a_span_draws_only_its_years(answerer: Answerer, cache: PictureCache) -> None:
    svg = cache.timeline(answerer.catalog, "en", Selection(2016, 2016), "svg")
    assert svg is not None
    for event_id in drawn_labels(svg):
        event = answerer.catalog.event(event_id)
        assert event is not None and 2016 in event.years()


def test_nothing_selected_gives_no_picture(answerer: Answerer) -> None:
    assert draw_timeline(answerer.catalog, "en", Selection(1990, 1991)) is None


def test_a_picture_is_drawn_once_per_data_version_and_language(answerer: Answerer) -> None:
    cache = PictureCache()
    first = cache.timeline(answerer.catalog, "fr", Selection(2015, 2015))
    again = cache.timeline(answerer.catalog, "fr", Selection(2015, 2015))
    assert first is again and cache.drawn == 1
    cache.timeline(answerer.catalog, "nl", Selection(2015, 2015))
    assert cache.drawn == 2
    reloaded = dataclasses.replace(answerer.catalog)  # a reload: equal data, a new object
    cache.timeline(reloaded, "fr", Selection(2015, 2015))
    assert cache.drawn == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Selection()),
        ("2015-2017", Selection(2015, 2017)),
        ("2017–2015", Selection(2015, 2017)),
        ("2016", Selection(2016, 2016)),
        ("concerts", Selection(category="concert")),
        ("концерты", Selection(category="concert")),
        ("expositions", Selection(category="exhibition")),
        ("sport 2014", Selection(2014, 2014, "sport")),
    ],
)
def test_timeline_words_are_understood(answerer: Answerer, text: str, expected: Selection) -> None:
    assert parse_selection(answerer.understander, text) == expected


def test_words_that_name_no_span_are_refused(answerer: Answerer) -> None:
    assert parse_selection(answerer.understander, "purple elephants") is None


def test_export_writes_a_png_and_an_svg(tmp_path: Path) -> None:
    png, svg = tmp_path / "t.png", tmp_path / "t.svg"
    assert main(["export", "--format", "png", "--lang", "ky", "-o", str(png)]) == 0
    assert png_size(png.read_bytes())[0] == WIDTH_PX
    assert main(["export", "--format", "svg", "--span", "2017", "-o", str(svg)]) == 0
    assert drawn_labels(svg.read_bytes())
    assert main(["export", "--format", "svg", "--span", "nonsense words", "-o", str(svg)]) == 2


def test_answering_never_imports_the_plotting_library() -> None:
    """Start-up and idle memory stay as they were: matplotlib loads with the first picture."""
    code = (
        "import sys\n"
        "from bot.answering import Answerer\n"
        "from bot.paths import DEFAULT_DATA_DIR\n"
        "import bot.telegram.app, bot.game.store, bot.pictures.cache, bot.qr\n"
        "a = Answerer.from_directory(DEFAULT_DATA_DIR)\n"
        "a.answer('concerts in 2015')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'segno')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
