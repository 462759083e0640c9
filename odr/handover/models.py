"""Undisputed facts the parties confirm, and the hand-over package sent to a court or commission."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import Organisation, User
from odr.cases.models import Case
from odr.core.db import UTCDateTime, partial_index, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class UndisputedFact(db.Model):
    """A fact the mediator records as not in dispute; it counts once every party has confirmed it."""

    __tablename__ = "undisputed_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User] = relationship()
    answers: Mapped[list["FactAnswer"]] = relationship(
        cascade="all, delete-orphan", order_by="FactAnswer.at", lazy="selectin"
    )


class FactAnswer(db.Model):
    """A party confirms a recorded fact, or disputes it (with what it says instead)."""

    __tablename__ = "fact_answers"
    __table_args__ = (sa.CheckConstraint("confirmed OR comment IS NOT NULL", name="dispute_has_comment"),)

    fact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("undisputed_facts.id", ondelete="CASCADE"), primary_key=True
    )
    party_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_parties.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    confirmed: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HandoverState(LabelledEnum):
    AWAITING_REFERRAL = "awaiting_referral", _l("Waiting for the clerk to refer the case")
    SENT = "sent", _l("Sent, not yet filed")
    FILED = "filed", _l("Filed by the receiving organisation")


class Handover(db.Model):
    """移交材料: the summary PDF (stored by its SHA-256), the evidence list frozen with it, and
    the receiving organisation's filing."""

    __tablename__ = "handovers"
    __table_args__ = (
        sa.CheckConstraint(
            "state = 'awaiting_referral' OR organisation_id IS NOT NULL", name="sent_has_organisation"
        ),
        sa.CheckConstraint(
            "(state = 'filed') = (filed_number IS NOT NULL AND filed_on IS NOT NULL)", name="filed_has_number"
        ),
        sa.Index("ix_handovers_organisation_state", "organisation_id", "state"),
        partial_index(
            "ix_handovers_unrendered",
            "id",
            where="pdf_sha256 IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    state: Mapped[HandoverState] = mapped_column(enum_type(HandoverState))
    ended_as: Mapped[str] = mapped_column(sa.String(40))  # the case state that ended mediation
    ended_reason: Mapped[str] = mapped_column(sa.Text)
    # None for the moment between a sweep ending the mediation and rendering the summary
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_size: Mapped[int | None]
    evidence: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_number: Mapped[str | None] = mapped_column(sa.String(64))
    filed_on: Mapped[date | None] = mapped_column(sa.Date)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    filed_by: Mapped[User | None] = relationship()

    @property
    def ended_label(self):
        """How mediation ended (failed or not mediated), as a translated label."""
        from odr.cases.models import CaseState

        return CaseState(self.ended_as).label
