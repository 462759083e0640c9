"""Identity verification requests, the documents that support them, and powers of attorney."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import User
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class VerificationState(LabelledEnum):
    PENDING = "pending", _l("Waiting for the clerk")
    VERIFIED = "verified", _l("Verified")
    REJECTED = "rejected", _l("Rejected")
    REVOKED = "revoked", _l("Revoked")


class DocumentKind(LabelledEnum):
    BUSINESS_LICENCE = "business_licence", _l("Business licence")
    IDENTITY_DOCUMENT = "identity_document", _l("Identity document")
    REPRESENTATIVE_IDENTITY = "representative_identity", _l("Legal representative's identity document")
    AUTHORISATION_LETTER = "authorisation_letter", _l("Authorisation letter")


class IdentityVerification(db.Model):
    """A request by USER to be verified as the holder of NUMBER (credit code or ID number)."""

    __tablename__ = "identity_verifications"
    __table_args__ = (
        sa.CheckConstraint(
            "state = 'pending' OR (decided_at IS NOT NULL AND reason IS NOT NULL)", name="decision_has_reason"
        ),
        sa.Index("ix_identity_verifications_number_state", "number", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(sa.String(40))
    number: Mapped[str] = mapped_column(sa.String(18))
    state: Mapped[VerificationState] = mapped_column(
        enum_type(VerificationState), default=VerificationState.PENDING
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    documents: Mapped[list["IdentityDocument"]] = relationship(
        back_populates="verification", cascade="all, delete-orphan", order_by="IdentityDocument.id"
    )


class IdentityDocument(db.Model):
    """A document kept like evidence: by SHA-256, its upload on the audit chain, seen by clerks only."""

    __tablename__ = "identity_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("identity_verifications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(sa.String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    verification: Mapped[IdentityVerification] = relationship(back_populates="documents")
