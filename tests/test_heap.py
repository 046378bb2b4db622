"""The bot gives the C heap's freed pages back once a burst of updates is over, and never
while updates are still in hand."""

from __future__ import annotations

import asyncio

from bot.telegram.heap import GiveBackWhenQuiet


def test_memory_is_given_back_once_the_bot_is_quiet_and_not_while_busy() -> None:
    async def scenario() -> tuple[int, int]:
        busy = True
        giver = GiveBackWhenQuiet(lambda: not busy, delay=0)
        giver.quiet()
        await asyncio.sleep(0)  # the check runs while an update is in hand again
        await asyncio.sleep(0)
        while_busy = giver.given_back
        busy = False
        giver.quiet()
        giver.quiet()  # one check per quiet spell, however often it is announced
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return while_busy, giver.given_back

    while_busy, when_quiet = asyncio.run(scenario())
    assert while_busy == 0
    assert when_quiet == 1
