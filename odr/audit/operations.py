"""Appending to the audit chain and verifying it."""

from dataclasses import dataclass

import sqlalchemy as sa
from blinker import Namespace
from flask_login import current_user

from odr.audit.models import GENESIS_HASH, AuditEntry, canonical_json
from odr.core.db import utcnow
from odr.extensions import db

# Any fixed number; all writers of the chain take this PostgreSQL advisory lock in turn.
CHAIN_LOCK_KEY = 72_0423_2026


def _default_actor():
    try:
        return current_user if current_user and current_user.is_authenticated else None
    except Exception:  # outside a request (CLI, scheduler): no signed-in user
        return None


# Sent for every entry, so other parts of the platform can react to acts (e.g. a notice in a room).
recorded = Namespace().signal("audit-recorded")
CURRENT_USER = object()  # the default actor: whoever is signed in (nobody outside a request)
_HEAD = "odr.audit.head"  # session.info: (transaction, the chain's head as this transaction left it)
KEEP_HEAD = "odr.audit.keep_head"  # session.info: set while the session's transactions are its own


@dataclass(frozen=True)
class _Head:
    position: int
    hash: str


def record(
    action, obj=None, *, case=None, actor=CURRENT_USER, details=None, object_type=None, object_id=None
):
    """Append an entry for ACTION on OBJ and return it.

    ACTOR is the user who acted, None for the platform itself, or by default the signed-in user.
    """
    session = db.session
    # Write what the operation changed first: on SQLite that takes the write lock, so the chain's
    # head read below cannot move under us; on PostgreSQL an advisory lock serialises writers.
    session.flush()
    # Once this transaction holds the chain (the lock, or SQLite's write lock), nobody else can
    # append until it ends: the head is the entry it wrote last. A writer of many entries in
    # transactions of its own (the deadline sweep, which sets KEEP_HEAD) keeps it, and asks for the
    # lock and the head once per transaction; after a savepoint ends it is read again.
    keep = session.info.get(KEEP_HEAD)
    if keep:
        session.connection()  # begun, so the transaction below is this one
    transaction = (session().get_nested_transaction() or session().get_transaction()) if keep else None
    held = session.info.get(_HEAD) if keep else None
    if held is not None and held[0] is transaction:
        head = held[1]
    else:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))
        head = session.execute(
            sa.select(AuditEntry.position, AuditEntry.hash).order_by(AuditEntry.position.desc()).limit(1)
        ).first()
    actor = _default_actor() if actor is CURRENT_USER else actor
    if case is None and obj is not None and obj.__class__.__name__ == "Case":
        case = obj
    entry = AuditEntry(
        position=(head.position + 1) if head else 1,
        created_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        object_type=object_type or (obj.__tablename__ if obj is not None else "platform"),
        object_id=object_id if object_id is not None else (obj.id if obj is not None else None),
        case_id=case.id if case is not None else None,
        action=action,
        details=canonical_json(details or {}),
        prev_hash=head.hash if head else GENESIS_HASH,
    )
    entry.hash = entry.compute_hash()
    session.add(entry)
    session.flush()
    if keep:
        session.info[_HEAD] = (transaction, _Head(entry.position, entry.hash))
    recorded.send(entry, obj=obj, case=case)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    position: int | None = None
    problem: str | None = None

    def describe(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.checked} entries verified."
        return f"Audit chain BROKEN at position {self.position}: {self.problem}"


def verify_chain(batch_size=5000) -> VerifyResult:
    """Walk the whole chain in order; report the first entry altered, removed or reordered.

    (`odr.audit.verify.verify` also checks the chain against the signed checkpoints.)"""
    from odr.audit.verify import Problem, walk

    checked = 0
    for item in walk(batch_size=batch_size):
        if isinstance(item, Problem):
            return VerifyResult(False, checked, item.position, item.message)
        checked = item
    return VerifyResult(True, checked)


def case_timeline(case_id):
    """A case's audit entries, oldest first."""
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.position)
    ).all()
