"""A deadline: kind, the object it belongs to, when it falls due, and its state."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class DeadlineKind(LabelledEnum):
    RESPONDENT_ANSWER = "respondent_answer", _l("Respondent's answer to the invitation")
    EXPERT_ANSWER = "expert_answer", _l("Expert's answer to a request")
    MEDIATION_PERIOD = "mediation_period", _l("Mediation period")
    SESSION_REMINDER_24H = "session_reminder_24h", _l("Session reminder (24 hours)")
    SESSION_REMINDER_1H = "session_reminder_1h", _l("Session reminder (1 hour)")
    CONFIRMATION_WINDOW = "confirmation_window", _l("Application for judicial confirmation (30 days)")
    COURT_ACCEPTANCE = "court_acceptance", _l("Court's acceptance of the application (3 days)")
    COURT_DECISION = "court_decision", _l("Court's decision on confirmation (15 days)")
    OBLIGATION_DUE = "obligation_due", _l("Performance of an obligation")
    ENFORCEMENT_WINDOW = "enforcement_window", _l("Application for enforcement (2 years)")


class DeadlineState(LabelledEnum):
    PENDING = "pending", _l("Running")
    MET = "met", _l("Met")
    MISSED = "missed", _l("Passed, acted on")
    PAUSED = "paused", _l("Paused")
    CANCELLED = "cancelled", _l("Cancelled")


class Deadline(db.Model):
    __tablename__ = "deadlines"
    __table_args__ = (
        sa.Index("ix_deadlines_state_due", "state", "due_at"),
        sa.Index("ix_deadlines_object", "object_type", "object_id", "kind"),
        sa.CheckConstraint(
            "state != 'paused' OR remaining_seconds IS NOT NULL", name="paused_keeps_remaining"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DeadlineKind] = mapped_column(enum_type(DeadlineKind))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int]
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[DeadlineState] = mapped_column(enum_type(DeadlineState), default=DeadlineState.PENDING)
    remaining_seconds: Mapped[int | None]
    extensions: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(sa.String(200))
