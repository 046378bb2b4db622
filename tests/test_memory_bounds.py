"""What the Telegram adapter remembers per chat or per user stays bounded however many people
write: python-telegram-bot collects no ids for a persistence the bot does not have."""

from __future__ import annotations

from pathlib import Path

from telegram import Update

from bot.answering import Answerer
from bot.config import Secret, Settings
from bot.telegram.app import build_application


def test_no_chat_or_user_ids_pile_up_for_a_persistence_the_bot_does_not_have(
    answerer: Answerer, tmp_path: Path
) -> None:
    settings = Settings(token=Secret("123456:" + "a" * 35), state_dir=tmp_path)
    app = build_application(settings, answerer)
    for user in range(1000, 1100):
        sender = {"id": user, "is_bot": False, "first_name": "U"}
        raw = {
            "update_id": user,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": user, "type": "private"},
                "from": sender,
                "text": "films",
            },
        }
        app._mark_for_persistence_update(update=Update.de_json(raw, app.bot))
    assert app.persistence is None
    assert len(app._chat_ids_to_be_updated_in_persistence) == 0
    assert len(app._user_ids_to_be_updated_in_persistence) == 0
