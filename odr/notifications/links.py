"""Where a notification takes its reader: the page it speaks of, as that reader may open it.

Most notifications speak of a case, and open the case page for whoever may see it. Some are for
someone who may not see the case yet (an expert asked to serve answers on the request's own page) or
is meant to act elsewhere (a court's officer in the court's queue): their packages register a link
for the code here, as they register the notification's text.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask import url_for

from odr.extensions import db

# code -> function(notification, user) -> URL, or None to fall back to the general rule
_LINKS: dict[str, Callable] = {
    "preservation.requested": lambda note, user: url_for("evidence.court_requests"),
    "handover.received": lambda note, user: url_for("handover.queue"),
}
# role -> where a member of staff in that role works, when the case itself is not theirs to see
_DESKS: dict[str, str] = {"court_liaison": "court.queue"}


def register(code: str, link: Callable):
    _LINKS[code] = link


def visible_cases(notifications, user) -> set[int]:
    """The ids of the cases NOTIFICATIONS speak of that USER may see, decided in one query."""
    from odr.cases.models import Case, visible_to

    ids = {n.case_id for n in notifications if n.case_id is not None}
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Case.id).where(Case.id.in_(ids), visible_to(user))))


def link_for(notification, user, visible: set[int] | None = None) -> str | None:
    """The page NOTIFICATION speaks of, for USER; None when there is no page to open.

    VISIBLE, when given, is visible_cases() of the notifications shown together."""
    special = _LINKS.get(notification.code)
    if special is not None:
        url = special(notification, user)
        if url:
            return url
    if notification.case_id is not None and visible is not None:
        if notification.case_id in visible:
            return url_for("cases.show", case_id=notification.case_id)
    elif notification.case_id is not None:
        from odr.cases.models import Case

        case = db.session.get(Case, notification.case_id)
        if case is not None and case.can_view(user):
            return url_for("cases.show", case_id=case.id)
    for role in sorted(user.roles):
        if role.value in _DESKS:
            return url_for(_DESKS[role.value])
    return None
