"""Not text: photos with a caption, voice notes, stickers, in a private chat and in a group."""

from __future__ import annotations

from typing import Any

from bot.telegram.app import BotApp
from tests.botapi import BotApiServer
from tests.botapi.telegram_html import utf16_length

JSON = dict[str, Any]
GROUP_ID = -1001234567890
BOZAR = "2015-06-ak-maral-bozar"

PHOTO = [{"file_id": "ph1", "file_unique_id": "uph1", "width": 90, "height": 60}]
VOICE = {"file_id": "vo1", "file_unique_id": "uvo1", "duration": 3}
STICKER = {
    "file_id": "st1",
    "file_unique_id": "ust1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


def send_media(api: BotApiServer, user: JSON, chat: JSON | None = None, **content: Any) -> JSON:
    """The user sends a photo, voice note or sticker (with a caption when given); an @mention
    in the caption gets its caption entity, as Telegram adds it."""
    chat = chat or api.private_chat(user)
    caption = content.get("caption")
    mention = f"@{api.username}"
    if caption and mention in caption:
        start = caption.index(mention)
        content["caption_entities"] = [
            {
                "type": "mention",
                "offset": utf16_length(caption[:start]),
                "length": utf16_length(mention),
            }
        ]
    message = api._new_message(chat, user, **content)
    api._push({"message": message})
    return message


async def test_a_photo_caption_is_answered_as_a_question(api: BotApiServer, bot: BotApp) -> None:
    user = api.user(501, "Aida", "en")
    send_media(api, user, photo=PHOTO, caption="концерты в Брюсселе")
    reply = await api.reply(501)
    assert BOZAR in str(reply["reply_markup"])
    assert "Брюссел" in reply["text"]  # answered in the caption's language


async def test_voice_sticker_and_bare_photo_get_a_short_note_in_the_users_language(
    api: BotApiServer, bot: BotApp
) -> None:
    user = api.user(502, "Бакыт", "ky")
    send_media(api, user, voice=VOICE)
    send_media(api, user, sticker=STICKER)
    send_media(api, user, photo=PHOTO)
    notes = await api.replies(502, 3)
    assert {n["text"] for n in notes} == {
        "Мен текст менен жазылган суроолорду гана окуйм — сурооңузду жазып жибериңиз."
    }
    api.send_text(user, "концерты")  # and typed questions are answered as before
    assert BOZAR in str((await api.reply(502))["reply_markup"])


async def test_in_a_group_media_is_silent_unless_its_caption_addresses_the_bot(
    api: BotApiServer, bot: BotApp
) -> None:
    group = api.group_chat(GROUP_ID)
    member = api.user(503, "Sofie", "nl")
    send_media(api, member, group, voice=VOICE)
    send_media(api, member, group, sticker=STICKER)
    send_media(api, member, group, photo=PHOTO, caption="concerten in Brussel, wie gaat er mee?")
    await api.idle(0.5)
    assert api.bot_messages(GROUP_ID) == []

    asked = send_media(
        api, member, group, photo=PHOTO, caption=f"@{api.username} concerten in Brussel"
    )
    reply = await api.reply(GROUP_ID)
    assert reply["reply_to_message"]["message_id"] == asked["message_id"]
    assert BOZAR in str(reply["reply_markup"])
