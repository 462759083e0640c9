"""Signed checkpoints of the audit chain, anchored outside the database.

A checkpoint (position, head hash, time) is signed with the platform's Ed25519 key at every
signature, award issued and court ruling (when their audit entry is written), at intervals (the
scheduler), and when a document that prints one is made. It is kept in the database for display
and, once the transaction has committed, handed to the anchors (odr.audit.anchors): so a checkpoint
is anchored only if the chain it names was really written.
"""

from urllib.parse import urlencode

import sqlalchemy as sa
from blinker import ANY
from flask import current_app
from sqlalchemy.orm import Session

from odr.audit import anchors
from odr.audit.anchors import Checkpoint
from odr.audit.models import AuditCheckpoint, AuditEntry
from odr.audit.operations import recorded
from odr.audit.signing import format_time, platform_key
from odr.core.db import utcnow
from odr.extensions import db

PENDING = "odr_audit_pending_checkpoints"
# Acts after which the chain is anchored: court rulings and issued awards. Every signature is too
# (an action named *.signed, *_signed or *_signature).
CHECKPOINT_ACTIONS = frozenset({"agreement.confirm", "agreement.reject", "arbitration.issue"})


def is_checkpoint_action(action: str) -> bool:
    return action in CHECKPOINT_ACTIONS or action.endswith((".signed", "_signed", "_signature"))


def _as_checkpoint(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(row.position, row.head_hash, row.created_at, row.key_id, row.signature, row.reason)


def latest() -> Checkpoint | None:
    """The newest checkpoint this database knows of (its own display copy)."""
    row = db.session.scalar(
        sa.select(AuditCheckpoint)
        .order_by(AuditCheckpoint.position.desc(), AuditCheckpoint.id.desc())
        .limit(1)
    )
    return _as_checkpoint(row) if row else None


def make_checkpoint(reason: str) -> Checkpoint | None:
    """Sign the chain's head as this transaction sees it; None while the chain is empty.

    The newest checkpoint is reused when it already names the head. The caller commits.
    """
    session = db.session
    session.flush()
    head = session.execute(
        sa.select(AuditEntry.position, AuditEntry.hash).order_by(AuditEntry.position.desc()).limit(1)
    ).first()
    if head is None:
        return None
    newest = latest()
    if newest is not None and (newest.position, newest.head_hash) == (head.position, head.hash):
        return newest
    key = platform_key(current_app)
    now = utcnow().replace(microsecond=0)  # the signed time is written to the second
    checkpoint = Checkpoint(
        position=head.position,
        head_hash=head.hash,
        created_at=now,
        key_id=key.id,
        signature=key.sign(head.position, head.hash, now),
        reason=reason[:60],
    )
    session.add(
        AuditCheckpoint(
            position=checkpoint.position,
            head_hash=checkpoint.head_hash,
            created_at=now,
            key_id=checkpoint.key_id,
            signature=checkpoint.signature,
            reason=checkpoint.reason,
        )
    )
    session.info.setdefault(PENDING, []).append((anchors.configured(current_app.config), checkpoint))
    return checkpoint


@sa.event.listens_for(Session, "after_commit")
def _anchor_committed(session):
    for targets, checkpoint in session.info.pop(PENDING, ()):
        anchors.deliver(targets, checkpoint)


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction):
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint within it
        session.info.pop(PENDING, None)


@recorded.connect_via(ANY, weak=False)
def checkpoint_after_signatures(entry, **_):
    """Anchor the chain right after each signature, award issued and court ruling."""
    if is_checkpoint_action(entry.action):
        make_checkpoint(entry.action)


def check_url(checkpoint: Checkpoint) -> str:
    """The public page that checks CHECKPOINT, with its values filled in (for a document's QR code)."""
    values = {
        "position": checkpoint.position,
        "hash": checkpoint.head_hash,
        "time": format_time(checkpoint.created_at),
        "signature": checkpoint.signature,
    }
    # Always the configured address: a document lasts, and a request's Host header is the client's word.
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/audit/checkpoint?" + urlencode(values)


def document_data(checkpoint: Checkpoint | None) -> dict | None:
    """What a PDF prints of CHECKPOINT (plain data)."""
    if checkpoint is None:
        return None
    return {
        "position": checkpoint.position,
        "head_hash": checkpoint.head_hash,
        "created_at": checkpoint.created_at,
        "signature": checkpoint.signature,
        "key_id": checkpoint.key_id,
        "url": check_url(checkpoint),
    }


def for_document() -> dict | None:
    """The checkpoint a document made now prints: the chain's head, signed (reusing the newest)."""
    return document_data(make_checkpoint("document"))
