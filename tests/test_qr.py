"""QR codes for the evening's screen: a valid t.me link, a real PNG, bad input refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.qr import QrError, bot_link, qr_png
from tests.test_pictures import png_size


def test_the_link_opens_the_bot_or_a_card() -> None:
    assert bot_link("@KgBeTiesBot") == "https://t.me/KgBeTiesBot"
    assert bot_link("KgBeTiesBot", "2017-04-mooov-centaur") == (
        "https://t.me/KgBeTiesBot?start=2017-04-mooov-centaur"
    )


@pytest.mark.parametrize(
    ("username", "start"),
    [("ab", None), ("bot name", None), ("GoodBot", "a b"), ("GoodBot", "x" * 65)],
)
def test_what_telegram_would_refuse_is_refused(username: str, start: str | None) -> None:
    with pytest.raises(QrError):
        bot_link(username, start)


def test_the_qr_png_is_square_and_grows_with_the_link() -> None:
    short = png_size(qr_png("https://t.me/KgBeTiesBot"))
    long = png_size(qr_png("https://t.me/KgBeTiesBot?start=" + "x" * 64))
    assert short[0] == short[1] and long[0] == long[1]
    assert long[0] > short[0]


def test_the_command_line_writes_the_png(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "qr.png"
    assert main(["qr", "--username", "KgBeTiesBot", "--start", "evening", "-o", str(target)]) == 0
    assert png_size(target.read_bytes())[0] > 100
    assert "https://t.me/KgBeTiesBot?start=evening" in capsys.readouterr().out
    assert (
        main(["qr", "--username", "KgBeTiesBot", "--start", "no spaces", "-o", str(target)]) == 2
    )
