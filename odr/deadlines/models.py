"""A deadline: kind, the object it belongs to, when it falls due, and its state."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.core.db import UTCDateTime, partial_index, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class DeadlineKind(LabelledEnum):
    RESPONDENT_ANSWER = "respondent_answer", _l("Respondent's answer to the invitation")
    EXPERT_ANSWER = "expert_answer", _l("Expert's answer to a request")
    INVESTIGATOR_NOTICE = "investigator_notice", _l("Telling the parties of a technical investigator")
    MEDIATION_PERIOD = "mediation_period", _l("Mediation period")
    SESSION_REMINDER_24H = "session_reminder_24h", _l("Session reminder (24 hours)")
    SESSION_REMINDER_1H = "session_reminder_1h", _l("Session reminder (1 hour)")
    CONFIRMATION_WINDOW = "confirmation_window", _l("Application for judicial confirmation (30 days)")
    COURT_ACCEPTANCE = "court_acceptance", _l("Court's acceptance of the application (3 days)")
    COURT_DECISION = "court_decision", _l("Court's decision on confirmation (15 days)")
    OBLIGATION_DUE = "obligation_due", _l("Performance of an obligation")
    ENFORCEMENT_WINDOW = "enforcement_window", _l("Application for enforcement (2 years)")
    ARBITRATION_ANSWER = "arbitration_answer", _l("Respondent's defence in arbitration")
    ARBITRATION_NOMINATION = "arbitration_nomination", _l("Naming the arbitrators")
    ARBITRATOR_ANSWER = "arbitrator_answer", _l("Arbitrator's answer to a request")
    AWARD_PERIOD = "award_period", _l("Period for the award")
    AWARD_PERFORMANCE = "award_performance", _l("Performance of the award")
    SURVEY_REMINDER = "survey_reminder", _l("Reminder of the satisfaction survey (7 days)")
    SURVEY_CLOSE = "survey_close", _l("Close of the satisfaction survey (30 days)")
    REGISTRY_OBJECTION = "registry_objection", _l("Objection to listing as an infringer")
    REGISTRY_PUBLICATION = "registry_publication", _l("Publication period on the list of infringers")


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
        # A case's running limits, soonest first (the dashboards of a court or a party).
        partial_index(
            "ix_deadlines_running_case",
            "case_id",
            "due_at",
            "id",
            where="state = 'pending'",
        ),
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
    # A duty (the court's, the commission's) done after its limit: allowed, and marked so.
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class ExtensionState(LabelledEnum):
    OPEN = "open", _l("Waiting for the parties' consent")
    AGREED = "agreed", _l("Agreed by every party")
    REFUSED = "refused", _l("Refused by a party")
    WITHDRAWN = "withdrawn", _l("Withdrawn by the mediator")
    LAPSED = "lapsed", _l("Lapsed")


class ExtensionProposal(db.Model):
    """The mediator's proposal to extend the mediation period; it takes effect with every party's consent."""

    __tablename__ = "extension_proposals"
    __table_args__ = (
        sa.CheckConstraint("state = 'open' OR decided_at IS NOT NULL", name="decided_has_time"),
        sa.Index("ix_extension_proposals_case_state", "case_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    deadline_id: Mapped[int] = mapped_column(sa.ForeignKey("deadlines.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    current_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[ExtensionState] = mapped_column(enum_type(ExtensionState), default=ExtensionState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposed_by = relationship("User")
    answers: Mapped[list["ExtensionAnswer"]] = relationship(
        cascade="all, delete-orphan", order_by="ExtensionAnswer.at", lazy="selectin"
    )


class ExtensionAnswer(db.Model):
    """One party's consent to, or refusal of, an extension proposal."""

    __tablename__ = "extension_answers"
    __table_args__ = (sa.CheckConstraint("agreed OR reason IS NOT NULL", name="refusal_has_reason"),)

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("extension_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    party_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_parties.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    agreed: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RestDayKind(LabelledEnum):
    HOLIDAY = "holiday", _l("Public holiday (rest day)")
    WORKDAY = "workday", _l("Make-up working day")


class RestDay(db.Model):
    """A day the State Council's holiday schedule makes a rest day, or a weekend day it makes a
    make-up working day (调休上班日). Days not listed follow the week: Saturday and Sunday rest."""

    __tablename__ = "rest_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[RestDayKind] = mapped_column(enum_type(RestDayKind))
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    source: Mapped[str] = mapped_column(sa.String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
