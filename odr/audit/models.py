"""Audit entries: an append-only, hash-chained log."""

import hashlib
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.core.db import UTCDateTime, utcnow
from odr.extensions import db

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))
    details: Mapped[str] = mapped_column(sa.Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    actor = relationship("User", lazy="joined")

    @property
    def data(self) -> dict:
        return json.loads(self.details or "{}")

    def compute_hash(self) -> str:
        return entry_hash(self)


HASHED_FIELDS = (
    "position",
    "created_at",
    "actor_id",
    "object_type",
    "object_id",
    "case_id",
    "action",
    "details",
    "prev_hash",
)


def entry_hash(entry) -> str:
    """The SHA-256 of an entry's content and the hash before it (ENTRY: a model or a row)."""
    content = {name: getattr(entry, name) for name in HASHED_FIELDS}
    content["created_at"] = entry.created_at.isoformat(timespec="microseconds")
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


class AuditCheckpoint(db.Model):
    """A copy, for display, of a signed checkpoint; what counts is the anchors' copy (odr.audit.anchors)."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(index=True)
    head_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(sa.String(16))
    signature: Mapped[str] = mapped_column(sa.String(86))
    reason: Mapped[str] = mapped_column(sa.String(60), default="")
