"""Creating, meeting, extending, pausing and resuming deadlines; the sweep that acts on the due ones.

The sweep is idempotent: due deadlines are claimed and acted on in transactions of a batch each
(a failed batch is redone one deadline per transaction), so each is acted on once even if two
sweeps overlap (PostgreSQL skips rows another sweep has locked; SQLite takes one writer at a time)
or a process dies half-way (the transaction rolls back and the next sweep takes the deadlines
again). Work missed while the platform was down is simply overdue and
is done by the first sweep after the start.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from odr.extensions import db

logger = logging.getLogger(__name__)
OPEN = (DeadlineState.PENDING, DeadlineState.PAUSED)

# kind -> function(deadline) that does what the rule says at expiry; returns a short outcome.
_ACTIONS: dict[DeadlineKind, Callable] = {}


class DeadlineError(UserError):
    pass


def action(kind: DeadlineKind):
    """Register what happens when a deadline of KIND falls due."""

    def register(fn):
        _ACTIONS[DeadlineKind(kind)] = fn
        return fn

    return register


def create(kind, obj, due_at: datetime, *, case=None) -> Deadline:
    """A new deadline for OBJ; an open one of the same kind for the same object is replaced."""
    kind = DeadlineKind(kind)
    for old in find(kind, obj):
        old.state = DeadlineState.CANCELLED
        old.closed_at = utcnow()
    deadline = Deadline(
        kind=kind,
        object_type=obj.__tablename__,
        object_id=obj.id,
        case_id=case.id if case is not None else None,
        due_at=due_at,
        state=DeadlineState.PENDING,
    )
    db.session.add(deadline)
    db.session.flush()
    record(
        "deadline.created",
        deadline,
        case=case,
        actor=None,
        details={
            "kind": kind.value,
            "object": f"{deadline.object_type}:{obj.id}",
            "due_at": due_at.isoformat(),
        },
    )
    return deadline


def find(kind, obj) -> list[Deadline]:
    return db.session.scalars(
        sa.select(Deadline).where(
            Deadline.kind == DeadlineKind(kind),
            Deadline.object_type == obj.__tablename__,
            Deadline.object_id == obj.id,
            Deadline.state.in_(OPEN),
        )
    ).all()


def meet(kind, obj, outcome: str = "met"):
    """The thing the deadline waited for happened in time."""
    for deadline in find(kind, obj):
        deadline.state = DeadlineState.MET
        deadline.closed_at = utcnow()
        deadline.outcome = outcome
        record(
            "deadline.met", deadline, case=_case(deadline), actor=None, details={"kind": deadline.kind.value}
        )


def cancel(kind, obj):
    for deadline in find(kind, obj):
        deadline.state = DeadlineState.CANCELLED
        deadline.closed_at = utcnow()


def _case(deadline):
    """What the audit chain needs to file an entry under the deadline's case."""
    return SimpleNamespace(id=deadline.case_id) if deadline.case_id else None


def extend(deadline: Deadline, new_due_at: datetime, *, reason: str, agreed_by: list, actor=None):
    """Move the due time later, with the reason and who agreed (kept on the audit chain)."""
    if deadline.state not in OPEN:
        raise DeadlineError(_l("This time limit is no longer running."))
    if not (reason or "").strip():
        raise DeadlineError(_l("Give the reason for the extension."))
    current = (
        deadline.due_at
        if deadline.state == DeadlineState.PENDING
        else utcnow() + timedelta(seconds=deadline.remaining_seconds)
    )
    if new_due_at <= current:
        raise DeadlineError(_l("An extension moves the time limit later."))
    if deadline.state == DeadlineState.PAUSED:
        deadline.remaining_seconds += int((new_due_at - current).total_seconds())
    else:
        deadline.due_at = new_due_at
    deadline.extensions += 1
    record(
        "deadline.extended",
        deadline,
        case=_case(deadline),
        actor=actor,
        details={
            "kind": deadline.kind.value,
            "due_at": new_due_at.isoformat(),
            "reason": reason.strip(),
            "agreed_by": sorted(agreed_by),
        },
    )


def pause(deadline: Deadline, *, actor=None, reason=None):
    """Stop the clock (e.g. while the court waits for materials), keeping the time left."""
    if deadline.state != DeadlineState.PENDING:
        raise DeadlineError(_l("Only a running time limit can be paused."))
    deadline.remaining_seconds = max(0, int((deadline.due_at - utcnow()).total_seconds()))
    deadline.state = DeadlineState.PAUSED
    record(
        "deadline.paused",
        deadline,
        case=_case(deadline),
        actor=actor,
        details={
            "kind": deadline.kind.value,
            "remaining_seconds": deadline.remaining_seconds,
            "reason": reason,
        },
    )


def resume(deadline: Deadline, *, actor=None):
    """Start the clock again: it falls due after the time that was left."""
    if deadline.state != DeadlineState.PAUSED:
        raise DeadlineError(_l("Only a paused time limit can be resumed."))
    deadline.due_at = utcnow() + timedelta(seconds=deadline.remaining_seconds)
    deadline.remaining_seconds = None
    deadline.state = DeadlineState.PENDING
    record(
        "deadline.resumed",
        deadline,
        case=_case(deadline),
        actor=actor,
        details={"kind": deadline.kind.value, "due_at": deadline.due_at.isoformat()},
    )


def sweep(now: datetime | None = None, limit: int = 500, batch: int = 50) -> int:
    """Act on every deadline that has fallen due; return how many were acted on.

    Due deadlines are claimed and acted on BATCH at a time, one transaction per batch, committed
    here. If anything in a batch fails, the batch is rolled back and its deadlines are taken one
    at a time, each in its own transaction, so one broken deadline never holds up the others.
    """
    done = 0
    while True:
        now_ = now or utcnow()
        query = (
            sa.select(Deadline.id)
            .where(Deadline.state == DeadlineState.PENDING, Deadline.due_at <= now_)
            .order_by(Deadline.due_at, Deadline.id)
            .limit(limit)
        )
        ids = db.session.scalars(query).all()
        db.session.rollback()
        if not ids:
            return done
        progressed = False
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            acted = _act_on_batch(chunk, now_)
            if acted is None:
                acted = sum(_act_on(deadline_id, now_) for deadline_id in chunk)
            done += acted
            progressed = progressed or acted > 0
        if not progressed:
            return done


def _claim(ids, now):
    """The deadlines among IDS still pending and due, locked for this sweep (PostgreSQL skips the
    ones another sweep holds; SQLite has one writer at a time)."""
    query = (
        sa.select(Deadline)
        .where(Deadline.id.in_(ids), Deadline.state == DeadlineState.PENDING, Deadline.due_at <= now)
        .order_by(Deadline.due_at, Deadline.id)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).all()


def _act_on_batch(ids, now: datetime) -> int | None:
    """Claim and act on the due deadlines among IDS in one transaction; None if any action failed."""
    try:
        claimed = _claim(ids, now)
        for deadline in claimed:
            _act(deadline, now)
        db.session.commit()
        return len(claimed)
    except Exception:
        db.session.rollback()
        logger.warning("A batch of deadlines failed; taking them one at a time", exc_info=True)
        return None


def _act_on(deadline_id: int, now: datetime) -> bool:
    """Claim one due deadline and act on it, in one transaction. False if someone else has it."""
    claimed = _claim([deadline_id], now)
    if not claimed:
        db.session.rollback()
        return False
    try:
        _act(claimed[0], now)
        db.session.commit()
        return True
    except Exception:
        db.session.rollback()
        logger.exception("Deadline %s could not be acted on; the next sweep will try again", deadline_id)
        return False


def _act(deadline: Deadline, now: datetime):
    """Do what the rule of DEADLINE's kind says, tell whom it concerns, and close it on the audit chain."""
    from odr.deadlines.escalation import escalate

    handler = _ACTIONS.get(deadline.kind)
    outcome = handler(deadline) if handler else "no action registered"
    escalate(deadline, outcome)
    deadline.state = DeadlineState.MISSED
    deadline.closed_at = now
    deadline.outcome = (outcome or "done")[:200]
    record(
        "deadline.acted",
        deadline,
        case=_case(deadline),
        actor=None,
        details={"kind": deadline.kind.value, "outcome": deadline.outcome},
    )


def upcoming_for_case(case_id: int) -> list[Deadline]:
    return db.session.scalars(
        sa.select(Deadline)
        .where(Deadline.case_id == case_id, Deadline.state.in_(OPEN))
        .order_by(Deadline.due_at)
    ).all()
