"""The update processor: one chat's backlog never holds up another chat, each chat's updates
keep their order, and no more than `workers` updates run at once."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.telegram.scheduling import FairUpdateProcessor

GROUP = -100123
PRIVATE = 42


def update_in(chat_id: int, update_id: int) -> Update:
    kind = Chat.PRIVATE if chat_id > 0 else Chat.SUPERGROUP
    user = User(abs(chat_id) % 1000 + update_id, "A", False)
    message = Message(update_id, None, Chat(chat_id, kind), from_user=user)  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_a_private_question_is_served_while_a_group_backlog_waits() -> None:
    processor = FairUpdateProcessor(workers=4)
    release = asyncio.Event()
    order: list[str] = []

    async def group_job(n: int) -> None:
        await release.wait()  # the group's first update is stuck (a slow send, a 429 ...)
        order.append(f"group{n}")

    async def private_job() -> None:
        order.append("private")

    group = [
        asyncio.create_task(processor.process_update(update_in(GROUP, n), group_job(n)))
        for n in range(200)
    ]
    await asyncio.sleep(0)
    private = asyncio.create_task(processor.process_update(update_in(PRIVATE, 999), private_job()))
    await asyncio.wait_for(private, timeout=1)  # served although 200 group updates came first
    assert order == ["private"]
    assert processor.running == 1  # the group holds one worker, not all of them
    release.set()
    await asyncio.gather(*group)
    assert order[1:] == [f"group{n}" for n in range(200)]  # the group's order is kept


async def test_busy_chats_take_turns_and_the_pool_is_bounded() -> None:
    processor = FairUpdateProcessor(workers=2)
    order: list[int] = []
    peak = 0

    async def job(chat: int) -> None:
        nonlocal peak
        peak = max(peak, processor.running)
        await asyncio.sleep(0)
        order.append(chat)

    chats = [1, 2, 3]
    tasks = [
        asyncio.create_task(processor.process_update(update_in(chat, 10 * n + chat), job(chat)))
        for chat in chats
        for n in range(3)
    ]
    await asyncio.gather(*tasks)
    assert peak == 2
    # Round robin: no chat gets a second turn before every waiting chat had its first.
    assert sorted(order[:3]) == chats and sorted(order[3:6]) == chats
    await processor.shutdown()
    assert processor.waiting == 0 and processor.waiting_chats == 0
