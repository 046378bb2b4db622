"""The timeline picture: the events on a time axis, coloured by kind, labelled in one language.

Layout, chosen to be readable on a phone at 1080 px wide: time runs down the left edge (a year
band per year, events in date order within it), each event is one row with a coloured dot on the
axis and, to its right, its date and title wrapped onto at most two lines; a legend names the
kinds of event. The figure grows in height with the number of events, never in width.

matplotlib is the field's standard plotting library (mature, pure-pip wheels, the Agg
renderer needs no display, SVG with real text elements, DejaVu fonts covering Cyrillic and the
Kyrgyz letters ң ө ү); it is imported here, inside `draw_timeline`, and nowhere else.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from bot.catalog.model import Catalog, Event, Status
from bot.pictures.selection import Selection
from bot.quiz import title
from bot.rendering.dates import format_span
from bot.rendering.describe import entity_name
from bot.rendering.texts import texts

WIDTH_PX = 1080
DPI = 100
LINE_PX = 30
"""One label line at 17 pt (about 24 px high) with its spacing."""
ROW_PAD_PX = 26
TITLE_PX = 110
LEGEND_ROW_PX = 32
LEGEND_COLUMNS = 4
YEAR_PX = 56
FOOTER_PX = 30
LABEL_CHARS = 62
"""Characters per label line: at 17 pt DejaVu Sans this fills the ~920 px right of the axis."""

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
)
"""Colour-blind-tolerant tab10 hues (plus one), assigned to category ids in catalog order."""

FORMATS = ("png", "svg")


@dataclass(frozen=True)
class Row:
    """One event as drawn: its id, its label lines, its colour's category."""

    event_id: str
    date: str
    label: str
    category: str
    planned: bool


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its IHDR chunk; (0, 0) for anything else."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return 0, 0
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def category_colours(catalog: Catalog) -> dict[str, str]:
    """A fixed colour per category id (catalog order), the same in every picture."""
    return {c.id: PALETTE[i % len(PALETTE)] for i, c in enumerate(catalog.categories)}


def rows(catalog: Catalog, language: str, events: Sequence[Event]) -> list[Row]:
    """The label of each event in `language`: date, then title, "(planned)" when planned."""
    words = texts(catalog, language)
    result = []
    for event in events:
        planned = event.status is Status.PLANNED
        date = format_span(catalog, event, words)
        if planned:
            date = f"{date} ({words.get('card_planned')})"
        result.append(Row(event.id, date, title(event, language), event.categories[0], planned))
    return result


def draw_timeline(
    catalog: Catalog, language: str, selection: Selection, fmt: str = "png"
) -> bytes | None:
    """The timeline of the selected events as PNG or SVG bytes; None when no event is selected.

    Args:
        catalog: the knowledge.
        language: labels' language (English for an unknown code).
        selection: which events (a span of years, a kind).
        fmt: "png" or "svg". The SVG keeps text as text, each event in a group whose id is
            "event-<event id>", so a slide tool (or a test) can find every label.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}; use one of {FORMATS}")
    events = selection.events(catalog)
    if not events:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D

    words = texts(catalog, language)
    lang = words.language
    drawn = rows(catalog, lang, events)
    colours = category_colours(catalog)
    years = sorted({event.start.year for event in events})
    used = [c.id for c in catalog.categories if any(r.category == c.id for r in drawn)]
    legend_rows = -(-len(used) // LEGEND_COLUMNS)
    header_px = TITLE_PX + LEGEND_ROW_PX * legend_rows
    labels = [
        [row.date, *textwrap.wrap(row.label, LABEL_CHARS, max_lines=2, placeholder=" …")]
        for row in drawn
    ]
    heights = [ROW_PAD_PX + LINE_PX * len(lines) for lines in labels]
    height_px = header_px + FOOTER_PX + sum(heights) + YEAR_PX * len(years)

    with plt.rc_context(
        {
            "svg.fonttype": "none",  # text stays text in the SVG: searchable, editable on slides
            "font.family": "DejaVu Sans",
            "svg.hashsalt": "timeline",  # stable ids: the same data gives the same file
        }
    ):
        figure = plt.figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI)
        try:
            axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
            axes.set_xlim(0, WIDTH_PX)
            axes.set_ylim(height_px, 0)  # y grows downwards, in pixels
            axes.axis("off")
            first, last = years[0], events[-1].start.year
            axes.text(
                40,
                58,
                words.get("timeline_title", count=len(drawn), first=first, last=last),
                fontsize=24,
                fontweight="bold",
                va="center",
            )
            handles = [
                Line2D([], [], marker="o", linestyle="", markersize=11, color=colours[c])
                for c in used
            ]
            names = [entity_name(catalog, "category", c, lang) for c in used]
            axes.legend(
                handles,
                names,
                loc="upper left",
                bbox_to_anchor=(30 / WIDTH_PX, 1 - 84 / height_px),
                ncol=min(LEGEND_COLUMNS, len(used)),
                frameon=False,
                fontsize=16,
                handletextpad=0.2,
                columnspacing=1.0,
            )
            axis_x = 70
            y = header_px
            top = y
            current_year: int | None = None
            for row, event, lines, row_px in zip(drawn, events, labels, heights, strict=True):
                if event.start.year != current_year:
                    current_year = event.start.year
                    axes.text(
                        axis_x,
                        y + YEAR_PX / 2,
                        str(current_year),
                        fontsize=22,
                        fontweight="bold",
                        ha="center",
                        va="center",
                        bbox={"boxstyle": "round", "fc": "white", "ec": "#444444"},
                        zorder=3,
                    )
                    y += YEAR_PX
                centre = y + row_px / 2
                colour = colours.get(row.category, "#444444")
                axes.plot(
                    [axis_x],
                    [centre],
                    marker="o",
                    markersize=18,
                    color=colour,
                    markerfacecolor="white" if row.planned else colour,
                    markeredgewidth=3,
                    zorder=3,
                )
                axes.text(
                    115,
                    centre,
                    "\n".join(lines),
                    fontsize=17,
                    va="center",
                    linespacing=1.25,
                    gid=f"event-{row.event_id}",
                    color="#111111",
                )
                y += row_px
            axes.plot([axis_x, axis_x], [top, y], color="#888888", linewidth=3, zorder=1)
            buffer = io.BytesIO()
            metadata = {"Software": None} if fmt == "png" else {"Date": None}
            figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
        finally:
            plt.close(figure)
    return buffer.getvalue()
