"""Texts of the platform's notices in rooms, and of the rooms' acts in the timeline."""

import json

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from odr.audit import labels

SYSTEM_TEXTS = {
    "room_opened": _l("The mediator opened the room."),
    "room_closed": _l("The mediator closed the room."),
    "muted": _l("%(name)s was muted by the mediator."),
    "unmuted": _l("%(name)s may speak again."),
    "invited": _l("%(name)s joined the room at the mediator's invitation."),
    "moved": _l("The mediator continues in another room: %(room)s."),
    "expert_joined": _l("%(name)s joined the case as %(seat)s."),
    "opinion_filed": _l("The technical investigator filed a technical opinion."),
    "session_scheduled": _l("Session scheduled for %(when)s: %(agenda)s"),
    "session_started": _l("The session has started."),
    "minutes_written": _l("The minutes of the session are ready for confirmation."),
    "session_cancelled_mediation_over": _l(
        "Mediation has ended: the session of %(when)s is cancelled, and no reminders will be sent for it."
    ),
    "session_reminder": _l("Reminder: the session starts at %(when)s (in %(hours)s hours or less)."),
}

labels.register(
    {
        "room.opened": _l("A room was opened"),
        "room.closed": _l("A room was closed"),
        "room.muted": _l("A participant was muted"),
        "room.unmuted": _l("A participant may speak again"),
        "room.invited": _l("Someone was invited into the joint room"),
        "room.moved": _l("The conversation moved to another room"),
        "room.file_shared": _l("A file was shared in a room"),
        "session.scheduled": _l("A session was scheduled"),
        "session.cancelled": _l("A session was cancelled"),
        "session.attendance": _l("Attendance was recorded"),
        "minutes.written": _l("Minutes were written"),
        "minutes.confirmed": _l("A participant confirmed the minutes"),
        "minutes.objected": _l("A participant objected to the minutes"),
    }
)


def param_labels() -> dict[str, str]:
    """Labels of the codes that notices carry as parameters (rooms, seats)."""
    from odr.experts.models import Seat
    from odr.rooms.models import RoomKind

    return {m.value: str(m.label) for enum_cls in (RoomKind, Seat) for m in enum_cls}


def system_templates() -> dict[str, str]:
    """Every notice text in the current language, for the browser to fill in."""
    return {code: str(text) for code, text in SYSTEM_TEXTS.items()}


def render_system(body: str, locale: str | None = None) -> str:
    """A stored notice as text (in LOCALE, e.g. for a transcript)."""
    try:
        data = json.loads(body)
        template = SYSTEM_TEXTS[data["code"]]
    except (ValueError, KeyError, TypeError):
        return body
    with force_locale(locale or "zh_CN"):
        text = str(template)
    params = dict(data.get("params", {}))
    with force_locale(locale or "zh_CN"):
        labels_ = param_labels()
    params = {k: labels_.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return text
