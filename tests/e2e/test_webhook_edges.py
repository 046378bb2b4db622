"""Posts to the webhook that are not good updates get a 4xx and one quiet log line, never a
500 or a traceback; a re-delivered update is answered once; the real ones still go through."""

from __future__ import annotations

import asyncio
import signal

import httpx

from tests.botapi import BotApiServer
from tests.e2e.test_webhook import HEADER, SECRET, Webhook, update_for, webhook

__all__ = ["webhook"]  # the fixture, used by name below

DEEP = b"[" * 100_000 + b"]" * 100_000


async def test_bad_posts_get_400_and_good_ones_are_answered_once(
    api: BotApiServer, webhook: Webhook
) -> None:
    # Anyone can write X-Forwarded-For: with no trusted proxy set, the log names the peer.
    forged = "203.0.113.7"
    headers = {HEADER: SECRET, "Content-Type": "application/json", "X-Forwarded-For": forged}
    no_chat = update_for(api, 405, "films")
    del no_chat["message"]["chat"]
    bad_bodies = [
        b'{"update_id": "seven", "message": 5}',  # wrongly typed
        b'{"update_id": 9, "message": {"message_id": "x", "chat": [], "date": "now"}}',
        DEEP,  # 100,000 levels deep
        b"{not json",
        b"\xff\xfe",  # not UTF-8
        httpx.Request("POST", "/", json=no_chat).read(),  # a message without a chat
        b"[]",
    ]
    good = update_for(api, 406, "films")
    async with httpx.AsyncClient(timeout=10) as client:
        statuses = [
            (await client.post(webhook.url, content=body, headers=headers)).status_code
            for body in bad_bodies
        ]
        assert statuses == [400] * len(bad_bodies)
        first = await client.post(webhook.url, json=good, headers={HEADER: SECRET})
        again = await client.post(webhook.url, json=good, headers={HEADER: SECRET})
        assert (first.status_code, again.status_code) == (200, 200)
        await api.reply(406, timeout=10)
    await api.idle(0.5)
    assert len(api.bot_messages(406)) == 1  # the re-delivery was recognised
    assert api.bot_messages(405) == []
    webhook.process.send_signal(signal.SIGTERM)
    _, err = await asyncio.to_thread(webhook.process.communicate, timeout=30)
    assert "Traceback" not in err and "CRITICAL" not in err
    assert err.count("refused a post that is not an update") == len(bad_bodies)
    assert err.count("from 127.0.0.1") >= len(bad_bodies) and forged not in err
