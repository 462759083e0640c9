"""Who hears of what: audit-chain acts turned into notifications, pushed live after the commit."""

import sqlalchemy as sa
from blinker import ANY
from flask_babel import lazy_gettext as _l

from odr.audit.operations import recorded
from odr.core.db import utcnow
from odr.core.emits import emit_after_commit
from odr.extensions import db
from odr.notifications.models import Notification

TEXTS = {
    "case.accept": _l("Case %(number)s was accepted on the %(track)s."),
    "case.refuse": _l("Your filing “%(title)s” was not accepted. The reason is on the case page."),
    "case.invited": _l("You are invited to mediation in case %(number)s. Please answer on the case page."),
    "case.respondent_consents": _l("The respondent agreed to mediate case %(number)s."),
    "case.respondent_declines": _l("The respondent declined mediation in case %(number)s."),
    "case.respondent_silent": _l("The respondent did not answer in time: case %(number)s is not mediated."),
    "case.mediator_accepts": _l("Mediation of case %(number)s has started."),
    "case.terminate": _l("Mediation of case %(number)s ended without agreement."),
    "assignment.proposed": _l("You are asked to serve on case %(number)s. Please answer in time."),
    "assignment.expert_joined": _l("%(name)s now serves on case %(number)s as %(seat)s."),
    "recusal.decided": _l("The recusal request in case %(number)s was decided."),
    "session.scheduled": _l("A session of case %(number)s is scheduled for %(when)s."),
}


def text_of(notification: Notification) -> str:
    template = TEXTS.get(notification.code)
    if template is None:
        return notification.code
    params = dict(notification.params or {})
    for key, value in list(params.items()):
        params[key] = _param_label(value)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def _param_label(value):
    from odr.cases.models import CaseState, Track
    from odr.deadlines.models import DeadlineKind
    from odr.experts.models import Seat

    for enum_cls in (Track, Seat, DeadlineKind, CaseState):
        try:
            return str(enum_cls(value).label)
        except ValueError:
            continue
    return value


def notify(users, code: str, case=None, **params):
    """Tell USERS (each once) of CODE; pushed to their open pages after the commit.

    The notifications are written together (one flush for all of them), so telling a whole
    organisation, or a sweep telling many, costs a statement, not one per person."""
    from odr.notifications.mail import queue_for

    recipients = {}
    for user in users:
        if user is not None and user.id not in recipients:
            recipients[user.id] = user
    if not recipients:
        return
    now = utcnow()
    notes = [
        Notification(
            user_id=user.id,
            case_id=case.id if case is not None else None,
            code=code,
            params=params,
            created_at=now,
        )
        for user in recipients.values()
    ]
    db.session.add_all(notes)
    db.session.flush()
    for user, note in zip(recipients.values(), notes, strict=True):
        queue_for(user, lambda note=note: text_of(note))
        emit_after_commit(
            db.session, "notification", {"id": note.id, "case_id": note.case_id}, f"user:{user.id}"
        )


def unread_count(user) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_all_read(user):
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def _parties(case):
    return [p.user for p in case.parties if p.user is not None]


def _clerks(case):
    from odr.accounts.models import Role, staff_of

    return staff_of(case.organisation_id, Role.CLERK)


@recorded.connect_via(ANY, weak=False)
def tell_the_people_concerned(entry, *, obj=None, case=None, **_):
    from odr.cases.models import Case, Side

    action = entry.action
    if obj is None or action.startswith(("deadline.", "room.")):
        return
    if isinstance(obj, Case):
        case = obj
        claimants = [p.user for p in case.parties if p.side == Side.CLAIMANT and p.user]
        respondents = [p.user for p in case.parties if p.side == Side.RESPONDENT and p.user]
        if action == "case.accept":
            notify(claimants, action, case, number=case.number, track=case.track.value)
            notify(respondents, "case.invited", case, number=case.number)
        elif action == "case.refuse":
            notify(claimants, action, case, title=case.title)
        elif action in ("case.respondent_consents", "case.respondent_declines", "case.respondent_silent"):
            notify([*claimants, *_clerks(case)], action, case, number=case.number)
        elif action in ("case.mediator_accepts", "case.terminate"):
            notify([*_parties(case), *_clerks(case)], action, case, number=case.number)
    elif action == "case.respondent_linked" and case is not None and getattr(obj, "user", None):
        notify([obj.user], "case.invited", case, number=case.number)
    elif action == "assignment.proposed" and case is not None:
        notify([obj.expert], action, case, number=case.number)
    elif action == "assignment.accepted" and case is not None:
        notify(
            _parties(case),
            "assignment.expert_joined",
            case,
            number=case.number,
            name=obj.expert.name,
            seat=obj.seat.value,
        )
    elif action in ("recusal.granted", "recusal.refused") and case is not None:
        notify(_parties(case), "recusal.decided", case, number=case.number)
    elif action == "session.scheduled" and case is not None:
        from odr.accounts.models import User
        from odr.core.timeutil import local_text

        people = db.session.scalars(sa.select(User).where(User.id.in_(obj.participants or []))).all()
        notify(people, action, case, number=case.number, when=local_text(obj.starts_at))
