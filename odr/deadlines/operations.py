"""Creating, meeting, extending, pausing and resuming deadlines; the sweep that acts on the due ones.

The sweep is idempotent: due deadlines are claimed and acted on in transactions of a batch each
(a failed batch is redone one deadline per transaction), so each is acted on once even if two
sweeps overlap (PostgreSQL skips rows another sweep has locked; SQLite takes one writer at a time)
or a process dies half-way (the transaction rolls back and the next sweep takes the deadlines
again). Work missed while the platform was down is simply overdue and
is done by the first sweep after the start.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.audit.operations import KEEP_HEAD, record
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
    """The thing the deadline waited for happened. In time, unless it is a duty of the court or the
    commission done late: then it is recorded as late (it was escalated when the limit passed)."""
    from odr.deadlines.limits import limit

    now = utcnow()
    found = list(find(kind, obj))
    if limit(kind).duty:
        found += [d for d in _latest(kind, obj, states=(DeadlineState.MISSED,)) if d not in found]
    for deadline in found:
        late = deadline.state == DeadlineState.MISSED or (
            deadline.state == DeadlineState.PENDING and now >= deadline.due_at
        )
        deadline.state = DeadlineState.MET
        deadline.closed_at = now
        deadline.late = late
        deadline.outcome = f"{outcome} (late)" if late else outcome
        record(
            "deadline.met",
            deadline,
            case=_case(deadline),
            actor=None,
            details={"kind": deadline.kind.value, "late": late},
        )


def _latest(kind, obj, states=None, lock=False) -> list[Deadline]:
    """The most recent deadline of KIND for OBJ (in STATES), read afresh from the database and,
    with LOCK, locked until the transaction ends (PostgreSQL; SQLite's transactions are serial)."""
    query = (
        sa.select(Deadline)
        .where(
            Deadline.kind == DeadlineKind(kind),
            Deadline.object_type == obj.__tablename__,
            Deadline.object_id == obj.id,
            Deadline.state != DeadlineState.CANCELLED,
        )
        .order_by(Deadline.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if states:
        query = query.where(Deadline.state.in_(states))
    if lock and db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.scalars(query).all()


def check_in_time(kind, obj, *, now: datetime | None = None, error=None) -> Deadline | None:
    """Refuse an act that comes after its time limit, in the act's own transaction.

    The deadline row is locked, so an act and the sweep racing on it are served one after the
    other: the act sees the sweep's MISSED and is refused, or the sweep finds the deadline met.
    Limits that are duties (the court's, the commission's) never refuse: the act is recorded as
    late when it meets the deadline. ERROR is the refusal's class (the calling package's own, so
    its pages show the message); DeadlineError by default.
    """
    from odr.deadlines.display import lazy_ended
    from odr.deadlines.limits import limit

    lim = limit(kind)
    found = _latest(kind, obj, lock=True)
    if not found or lim.duty:
        return found[0] if found else None
    deadline = found[0]
    now = now or utcnow()
    if deadline.state == DeadlineState.MISSED or (
        deadline.state == DeadlineState.PENDING and now >= deadline.due_at
    ):
        raise (error or DeadlineError)(
            _l(
                "Too late: the time limit (%(kind)s) ended %(when)s.",
                kind=deadline.kind.label,
                when=lazy_ended(deadline.due_at),
            )
        )
    return deadline


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
    from odr.deadlines.calendar import Count, local_day, period_end
    from odr.deadlines.limits import limit

    now = utcnow()
    if limit(deadline.kind).count == Count.HOURS:
        deadline.due_at = now + timedelta(seconds=deadline.remaining_seconds)
    else:
        # The whole days that were left run on from today, and end as periods in days do.
        days = deadline.remaining_seconds // 86400
        deadline.due_at = period_end(Count.DAYS, local_day(now), days)
    deadline.remaining_seconds = None
    deadline.state = DeadlineState.PENDING
    record(
        "deadline.resumed",
        deadline,
        case=_case(deadline),
        actor=actor,
        details={"kind": deadline.kind.value, "due_at": deadline.due_at.isoformat()},
    )


def sweep(now: datetime | None = None, limit: int = 500, batch: int = 50, documents: bool = True) -> int:
    """Act on every deadline that has fallen due; return how many were acted on.

    Due deadlines are claimed and acted on BATCH at a time, one transaction per batch, committed
    here. If anything in a batch fails, the batch is rolled back and its deadlines are taken one
    at a time, each in its own transaction, so one broken deadline never holds up the others.

    The documents the acts produce (a failed mediation's hand-over summary) are rendered after all
    the acts are committed, each in a transaction of its own (with DOCUMENTS False, by the next
    sweep or whoever opens one first): the limits' legal effects do not wait for PDFs.
    """
    from odr.handover.operations import DEFER_DOCUMENTS, complete_pending

    _warn_of_uncovered_years(now or utcnow())
    # The sweep's transactions write many audit entries each: the chain's head is kept between them.
    db.session.info.update({DEFER_DOCUMENTS: True, KEEP_HEAD: True})
    try:
        done = _sweep(now, limit, batch)
    finally:
        db.session.info.pop(DEFER_DOCUMENTS, None)
        db.session.info.pop(KEEP_HEAD, None)
    if documents:
        complete_pending()
    return done


def _sweep(now, limit, batch) -> int:
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    # SQLite has one writer at a time: a batch's transaction holds the write lock, so batches there
    # start small and shrink or grow to stay within about half a second, and a page's write waits
    # for at most one of them.
    size = min(batch, SQLITE_BATCH) if sqlite else batch
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
        start = 0
        while start < len(ids):
            chunk = ids[start : start + size]
            start += len(chunk)
            began = time.monotonic()
            acted = _act_on_batch(chunk, now_)
            if acted is None:
                acted = sum(_act_on(deadline_id, now_) for deadline_id in chunk)
            done += acted
            progressed = progressed or acted > 0
            if sqlite:
                took = time.monotonic() - began
                if took > SQLITE_LOCK_BUDGET:
                    size = max(1, size // 2)
                elif took < SQLITE_LOCK_BUDGET / 4:
                    size = min(batch, size * 2)
                if took > SQLITE_LOCK_BUDGET / 4:
                    # A waiting writer polls for the lock (SQLite's busy handler sleeps up to 100 ms
                    # between tries): let it in before taking the lock again, or it starves.
                    time.sleep(SQLITE_YIELD)
        if not progressed:
            return done


SQLITE_BATCH = 5
SQLITE_LOCK_BUDGET = 0.5  # seconds a sweep's transaction may hold SQLite's write lock, about
SQLITE_YIELD = 0.11  # seconds the sweep pauses after a long batch, for the writers waiting
_warned: dict[int, datetime] = {}


def _warn_of_uncovered_years(now: datetime):
    """Log, at most once an hour per year, that running deadlines end in a year with no holiday schedule."""
    from odr.core.timeutil import local
    from odr.deadlines.restdays import uncovered_years, years_in_use

    try:
        missing = uncovered_years(years_in_use(local(now)))
    finally:
        db.session.rollback()
    for year in missing:
        if year not in _warned or now - _warned[year] >= timedelta(hours=1):
            _warned[year] = now
            logger.warning(
                "The rest-day table has no holiday schedule for %s: time limits ending then count "
                "weekends only. Enter it at /admin/rest-days or with `flask odr rest-days import`.",
                year,
            )


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
        cases = _cases_of(claimed)  # noqa: F841  (held while the batch is acted on)
        for deadline in claimed:
            _act(deadline, now)
        db.session.commit()
        return len(claimed)
    except Exception:
        db.session.rollback()
        logger.warning("A batch of deadlines failed; taking them one at a time", exc_info=True)
        return None


def _cases_of(deadlines) -> list:
    """The cases of DEADLINES with their parties and the parties' accounts, read together for a
    batch (the acts and the notices read them for each case)."""
    from sqlalchemy.orm import selectinload

    from odr.cases.models import Case, CaseParty

    ids = {d.case_id for d in deadlines if d.case_id is not None}
    if len(ids) < 2:
        return []
    return db.session.scalars(
        sa.select(Case)
        .where(Case.id.in_(ids))
        .options(selectinload(Case.parties).selectinload(CaseParty.user))
    ).all()


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
    from odr.cases.models import Case
    from odr.deadlines.escalation import ESCALATE, escalate

    # The case stays loaded from the action to the escalation (the session holds objects weakly).
    case = db.session.get(Case, deadline.case_id) if deadline.case_id and deadline.kind in ESCALATE else None  # noqa: F841
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
