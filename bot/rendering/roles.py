"""People and organisations on a card, each under its role: "On stage", "In honour of".

Why a role per name: a namesake (Arthur Grumiaux) or an honoree (Chingiz Aitmatov) was not
there, and a TV channel that reported on an event did not organise it.
"""

from __future__ import annotations

from bot.catalog.model import Catalog, Event, Role
from bot.rendering.texts import Texts

ROLE_ORDER: tuple[Role, ...] = (
    Role.PERFORMER,
    Role.DIRECTOR,
    Role.PHOTOGRAPHER,
    Role.HONOREE,
    Role.NAMESAKE,
    Role.ORGANISER,
    Role.FESTIVAL,
    Role.DELEGATION,
    Role.HOST,
    Role.PARTICIPANT,
    Role.ARCHIVE,
    Role.MEDIA,
)
"""Who was on stage first; who wrote about it last."""

ROLE_MARKS: dict[Role, str] = {
    Role.PERFORMER: "🎭",
    Role.DIRECTOR: "🎬",
    Role.PHOTOGRAPHER: "📷",
    Role.HONOREE: "🎗",
    Role.NAMESAKE: "🏷",
    Role.ORGANISER: "🤝",
    Role.FESTIVAL: "🎪",
    Role.DELEGATION: "🧳",
    Role.HOST: "🏛",
    Role.PARTICIPANT: "👥",
    Role.ARCHIVE: "🗄",
    Role.MEDIA: "📰",
}


def role_label(texts: Texts, role: Role, how_many: int, *, planned: bool = False) -> str:
    """The label for `how_many` names in a role: "Organiser" / "Organisers" where it differs.

    A participant of a planned event only planned to take part: "Planned to take part".
    """
    if planned and role is Role.PARTICIPANT:
        return texts.get("role_participant_planned")
    key = f"role_{role.value}" if how_many == 1 else f"role_{role.value}_many"
    return texts.get(key)


def involved(catalog: Catalog, event: Event, language: str) -> list[tuple[Role, list[str]]]:
    """(role, names in the reply's language) for each role the event has, in ROLE_ORDER."""
    # Event.role_of for each one, in one pass: the first role given, else a participant.
    given: dict[str, Role] = {}
    for who, role in event.roles:
        given.setdefault(who, role)
    by_role: dict[Role | None, list[str]] = {}
    for who in (*event.people, *event.organisations):
        by_role.setdefault(given.get(who, Role.PARTICIPANT), []).append(who)
    groups: list[tuple[Role, list[str]]] = []
    people = event.people
    for role in ROLE_ORDER:
        members = by_role.get(role)
        if not members:
            continue
        names = []
        for who in members:
            entity = catalog.entity("person" if who in people else "organisation", who)
            names.append(entity.name(language) if entity else who)
        groups.append((role, names))
    return groups
