"""Which version of the terms and of the personal information notice a user accepted, and when."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from odr.core.db import UTCDateTime, utcnow
from odr.extensions import db


class PolicyAcceptance(db.Model):
    __tablename__ = "policy_acceptances"
    __table_args__ = (
        sa.CheckConstraint("document IN ('terms', 'privacy')", name="known_document"),
        sa.UniqueConstraint("user_id", "document", "version", name="uq_policy_acceptances_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(sa.String(20))
    version: Mapped[str] = mapped_column(sa.String(20))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
