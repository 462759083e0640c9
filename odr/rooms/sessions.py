"""Sessions (调解会议): scheduling, attendance, minutes and their confirmation."""

from datetime import timedelta

import sqlalchemy as sa
from blinker import ANY
from flask_babel import lazy_gettext as _l

from odr.accounts.models import User
from odr.audit.operations import record, recorded
from odr.cases import workflow
from odr.cases.models import CaseState
from odr.core.db import utcnow
from odr.core.timeutil import local_text
from odr.extensions import db
from odr.rooms import operations
from odr.rooms.models import (
    MEDIATION_ROOMS,
    Attendance,
    MediationSession,
    Minutes,
    MinutesConfirmation,
    Room,
    SessionState,
)
from odr.rooms.operations import RoomError, is_mediator


def participants_of(room: Room) -> list[User]:
    """Everyone who may be in ROOM: the people a session there can include."""
    case = room.case
    people = {p.user for p in case.parties if p.user is not None}
    people |= {a.expert for a in case.assignments if a.state.value in ("accepted", "released")}
    for source in operations.PARTICIPANT_SOURCES:
        people |= set(source(case))
    return sorted((u for u in people if operations.can_join(room, u)), key=lambda u: u.name)


def schedule(
    room: Room, mediator: User, *, starts_at, duration_minutes: int, agenda: str, participant_ids
) -> MediationSession:
    if not is_mediator(room, mediator):
        raise RoomError(_l("Only the mediator schedules sessions."), "forbidden")
    if starts_at <= utcnow():
        raise RoomError(_l("A session is scheduled in the future."), "invalid")
    allowed = {u.id for u in participants_of(room)}
    chosen = [int(i) for i in participant_ids if int(i) in allowed]
    if not chosen:
        raise RoomError(_l("Choose who takes part."), "invalid")
    session = MediationSession(
        case_id=room.case_id,
        room=room,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        agenda=agenda.strip(),
        participants=sorted(set(chosen) | {mediator.id}),
        scheduled_by_id=mediator.id,
        reminder_24h_at=starts_at - timedelta(hours=24),
        reminder_1h_at=starts_at - timedelta(hours=1),
    )
    db.session.add(session)
    db.session.flush()
    record(
        "session.scheduled",
        session,
        case=room.case,
        actor=mediator,
        details={
            "room": room.kind.value,
            "starts_at": starts_at.isoformat(),
            "participants": session.participants,
        },
    )
    operations.post_system(
        room,
        "session_scheduled",
        when=local_text(starts_at),
        agenda=session.agenda[:200],
    )
    return session


def cancel(session: MediationSession, mediator: User):
    if not is_mediator(session.room, mediator):
        raise RoomError(_l("Only the mediator cancels sessions."), "forbidden")
    session.state = SessionState.CANCELLED
    record("session.cancelled", session, case=session.case, actor=mediator)


@workflow.transitioned.connect_via(ANY, weak=False)
def cancel_when_mediation_ends(case, *, source, target, **_):
    """Mediation is over (settled, failed, withdrawn...): its sessions still to come are cancelled,
    and so are their reminders; the room says so."""
    if source != CaseState.MEDIATING or target == CaseState.MEDIATING:
        return
    now = utcnow()
    upcoming = db.session.scalars(
        sa.select(MediationSession).where(
            MediationSession.case_id == case.id,
            MediationSession.state == SessionState.SCHEDULED,
            MediationSession.starts_at > now,
        )
    ).all()
    for session in upcoming:
        if session.room.kind not in MEDIATION_ROOMS:
            continue
        session.state = SessionState.CANCELLED
        record("session.cancelled", session, case=case, actor=None, details={"case_state": target.value})
        operations.post_system(
            session.room, "session_cancelled_mediation_over", when=local_text(session.starts_at)
        )


def record_attendance(session: MediationSession, mediator: User, present_ids):
    """The mediator records who attended; the session is then held."""
    if not is_mediator(session.room, mediator):
        raise RoomError(_l("Only the mediator records attendance."), "forbidden")
    if session.state == SessionState.CANCELLED:
        raise RoomError(_l("This session was cancelled."), "invalid")
    present = {int(i) for i in present_ids}
    by_user = {a.user_id: a for a in session.attendance}
    for user_id in session.participants:
        row = by_user.get(user_id)
        if row is None:
            session.attendance.append(Attendance(user_id=user_id, present=user_id in present))
        else:
            row.present = user_id in present
            row.recorded_at = utcnow()
    session.state = SessionState.HELD
    record(
        "session.attendance", session, case=session.case, actor=mediator, details={"present": sorted(present)}
    )


def sessions_for(user: User, upcoming_only=True) -> list[MediationSession]:
    """The sessions USER takes part in (a calendar list)."""
    query = sa.select(MediationSession).where(MediationSession.state != SessionState.CANCELLED)
    if upcoming_only:
        query = query.where(MediationSession.starts_at >= utcnow() - timedelta(hours=12))
    sessions = db.session.scalars(query.order_by(MediationSession.starts_at)).all()
    return [s for s in sessions if user.id in (s.participants or [])]


def write_minutes(session: MediationSession, mediator: User, text: str) -> Minutes:
    """Write or revise the minutes; a revision asks every participant to confirm again."""
    if not is_mediator(session.room, mediator):
        raise RoomError(_l("Only the mediator writes the minutes."), "forbidden")
    if not (text or "").strip():
        raise RoomError(_l("The minutes are empty."), "invalid")
    minutes = session.minutes
    if minutes is None:
        minutes = Minutes(session=session, text=text.strip(), version=1, written_by_id=mediator.id)
        db.session.add(minutes)
    else:
        minutes.text = text.strip()
        minutes.version += 1
        minutes.updated_at = utcnow()
        minutes.confirmations.clear()
    db.session.flush()
    record(
        "minutes.written", minutes, case=session.case, actor=mediator, details={"version": minutes.version}
    )
    operations.post_system(session.room, "minutes_written")
    return minutes


def answer_minutes(minutes: Minutes, user: User, *, agreed: bool, objection: str | None = None):
    """A participant confirms the minutes, or records an objection to them."""
    session = minutes.session
    if user.id not in (session.participants or []):
        raise RoomError(_l("Only the participants of the session confirm its minutes."), "forbidden")
    if not agreed and not (objection or "").strip():
        raise RoomError(_l("Say what you object to."), "invalid")
    existing = next((c for c in minutes.confirmations if c.user_id == user.id), None)
    if existing is not None:
        minutes.confirmations.remove(existing)
        db.session.flush()
    minutes.confirmations.append(
        MinutesConfirmation(
            user_id=user.id,
            version=minutes.version,
            agreed=agreed,
            objection=None if agreed else objection.strip(),
        )
    )
    record(
        "minutes.confirmed" if agreed else "minutes.objected",
        minutes,
        case=session.case,
        actor=user,
        details={"version": minutes.version, "objection": None if agreed else objection.strip()},
    )


def minutes_status(minutes: Minutes) -> dict[int, MinutesConfirmation | None]:
    """participant id → their answer to the current version (None: not yet)."""
    answers = {c.user_id: c for c in minutes.confirmations if c.version == minutes.version}
    return {uid: answers.get(uid) for uid in minutes.session.participants}


@recorded.connect_via(ANY, weak=False)
def notices_for_case_events(entry, *, obj=None, case=None, **_):
    """Case events shown in the joint room as notices."""
    if case is None:
        return
    if entry.action == "assignment.accepted" and obj is not None:
        operations.post_system_to_case(case, "expert_joined", name=obj.expert.name, seat=obj.seat.value)
    elif entry.action == "opinion.filed":
        operations.post_system_to_case(case, "opinion_filed")
