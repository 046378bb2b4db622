"""A 10,000-subscriber announcement: planned, paced and delivered, with the bot's CPU per message.

    python benchmarks/news.py                 # 10,000 subscribers, fake clock
    python benchmarks/news.py --http 1000     # also 1,000 real sends through python-telegram-bot
                                              # to the local Bot API fixture

The duration of a broadcast is bound by Telegram's limits (25 messages a second by default:
10,000 take 400 s), so the paced run uses a fake clock: time passes only while the courier waits
for its next slot, and the CPU the bot spends per message is what is measured. The --http part
sends real requests over real HTTP (unpaced, to measure the adapter's cost per send: rendering,
PTB, httpx), measuring the CPU of the bot's thread only (the fixture runs in other threads).
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from bot.catalog.model import LANGUAGES, PartialDate  # noqa: E402
from bot.news.announce import Announcer  # noqa: E402
from bot.news.delivery import Courier, Delivery, Outcome  # noqa: E402
from bot.news.filters import Filter  # noqa: E402
from bot.news.pacing import FakeClock, Pacer  # noqa: E402
from bot.news.store import NewsStore, OutboxItem  # noqa: E402
from bot.paths import DEFAULT_DATA_DIR  # noqa: E402
from tests.news_helpers import new_event, with_events  # noqa: E402

TODAY = date(2031, 5, 1)


def populate(store: NewsStore, subscribers: int) -> None:
    """Subscribers in all five languages; every third to concerts only, every seventh to
    Brussels only (both match the new event), the rest to everything."""
    for chat in range(1, subscribers + 1):
        wanted = Filter("")
        if chat % 3 == 0:
            wanted = Filter("category", "concert")
        elif chat % 7 == 0:
            wanted = Filter("city", "brussels")
        store.subscribe(chat, LANGUAGES[chat % 5], wanted, TODAY)


def measure_paced(subscribers: int) -> dict[str, float]:
    answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
    catalog = answerer.catalog
    gala = new_event(catalog.events[-1], "2031-06-gala", start=PartialDate(2031, 6, 12))
    grown = with_events(catalog, (*catalog.events, gala))
    announcer = Announcer(Answerer(grown), lambda event_id: f"https://t.me/kgbe?start={event_id}")
    with tempfile.TemporaryDirectory() as folder:
        store = NewsStore(Path(folder) / "news.sqlite3")
        populate(store, subscribers)
        store.record_catalog(catalog, now=0)
        cpu, wall = time.process_time(), time.perf_counter()
        store.record_catalog(grown, now=0)
        plan_cpu, plan_wall = time.process_time() - cpu, time.perf_counter() - wall
        queued = store.pending_count()

        clock = FakeClock(0.0)
        sent: list[tuple[float, str]] = []
        stamp = datetime.fromtimestamp(0, UTC).date()

        async def transport(item: OutboxItem) -> Delivery:
            html = announcer.html(item.event_id, item.change, item.language, stamp)
            payload = {"chat_id": item.chat_id, "text": html, "parse_mode": "HTML"}
            sent.append((clock.now(), str(payload["chat_id"])))
            await asyncio.sleep(0)
            return Delivery(Outcome.SENT)

        courier = Courier(store, transport, clock, Pacer())
        cpu = time.process_time()
        asyncio.run(courier.run_until_idle())
        send_cpu = time.process_time() - cpu
        times = sorted(t for t, _ in sent)
        busiest = max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))
        repeats = sum(1 for n in Counter(chat for _, chat in sent).values() if n > 1)
        store.close()
    return {
        "subscribers": subscribers,
        "queued": queued,
        "plan_cpu_ms": plan_cpu * 1000,
        "plan_wall_ms": plan_wall * 1000,
        "sent": len(sent),
        "repeats": repeats,
        "paced_seconds": clock.now(),
        "busiest_second": busiest,
        "cpu_us_per_message": send_cpu / max(len(sent), 1) * 1e6,
    }


async def measure_http(count: int) -> dict[str, float]:
    from telegram import Bot
    from telegram.constants import ParseMode

    from tests.botapi import BotApiServer

    answerer = Answerer.from_directory(DEFAULT_DATA_DIR)
    announcer = Announcer(answerer, lambda event_id: f"https://t.me/kgbe?start={event_id}")
    event_id = answerer.catalog.events[-1].id
    with BotApiServer() as api:
        for chat in range(1, count + 1):
            api.register_chat(api.private_chat(api.user(chat)))
        async with Bot(api.token, base_url=api.base_url) as bot:
            from bot.news.changes import ChangeKind

            cpu, wall = time.thread_time(), time.perf_counter()
            for chat in range(1, count + 1):
                language = LANGUAGES[chat % 5]
                html = announcer.html(event_id, ChangeKind.NEW, language, TODAY)
                assert html is not None
                await bot.send_message(chat, html, parse_mode=ParseMode.HTML)
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    return {
        "sends": count,
        "cpu_us_per_send": cpu / count * 1e6,
        "wall_ms_per_send": wall / count * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--http", type=int, default=0, help="also N real sends over HTTP")
    args = parser.parse_args()
    paced = measure_paced(args.subscribers)
    print("| paced broadcast | value |\n|---|---|")
    for key, value in paced.items():
        print(f"| {key} | {value:.1f} |" if isinstance(value, float) else f"| {key} | {value} |")
    if args.http:
        http = asyncio.run(measure_http(args.http))
        print("\n| real sends over HTTP | value |\n|---|---|")
        for key, value in http.items():
            print(f"| {key} | {value:.1f} |")


if __name__ == "__main__":
    main()
