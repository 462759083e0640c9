"""Seats on a case and the experts asked to fill them; recusal requests; the parties' choice."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import Role, User
from odr.cases.models import Case, CaseParty
from odr.core.db import UTCDateTime, partial_index, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class Seat(LabelledEnum):
    MEDIATOR = "mediator", _l("Mediator")
    CO_MEDIATOR = "co_mediator", _l("Co-mediator")
    TECHNICAL_INVESTIGATOR = "technical_investigator", _l("Technical investigator")
    ARBITRATOR = "arbitrator", _l("Arbitrator")

    @property
    def role(self) -> Role:
        return {
            Seat.MEDIATOR: Role.MEDIATOR,
            Seat.CO_MEDIATOR: Role.MEDIATOR,
            Seat.TECHNICAL_INVESTIGATOR: Role.TECHNICAL_INVESTIGATOR,
            Seat.ARBITRATOR: Role.ARBITRATOR,
        }[self]

    @property
    def is_mediator(self) -> bool:
        return self in (Seat.MEDIATOR, Seat.CO_MEDIATOR)


class AssignmentState(LabelledEnum):
    PROPOSED = "proposed", _l("Asked, awaiting answer")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    EXPIRED = "expired", _l("No answer in time")
    RECUSED = "recused", _l("Recused")
    RELEASED = "released", _l("Released")


OPEN_ASSIGNMENT_STATES = (AssignmentState.PROPOSED, AssignmentState.ACCEPTED)


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        sa.CheckConstraint("(state = 'declined') = (decline_reason IS NOT NULL)", name="declined_has_reason"),
        sa.CheckConstraint(
            "state != 'accepted' OR declaration_signed_at IS NOT NULL", name="accepted_signed"
        ),
        sa.Index("ix_assignments_expert_state", "expert_id", "state"),
        sa.Index("ix_assignments_case_seat", "case_id", "seat"),
        # The caseload count reads only open seats.
        partial_index(
            "ix_assignments_open_expert",
            "expert_id",
            where="state IN ('proposed', 'accepted')",
        ),
        # The statistics count the seats taken up in a period, per expert.
        partial_index(
            "ix_assignments_served",
            "declaration_signed_at",
            "expert_id",
            where="state IN ('accepted', 'released')",
        ),
        # The clerk's overview: requests awaiting an answer, investigators' notices (soonest due first).
        partial_index(
            "ix_assignments_proposed_due",
            "answer_due_at",
            "id",
            where="state = 'proposed'",
        ),
        partial_index(
            "ix_assignments_investigator_accepted",
            "answered_at",
            "id",
            where="seat = 'technical_investigator' AND state = 'accepted'",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    seat: Mapped[Seat] = mapped_column(enum_type(Seat))
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    state: Mapped[AssignmentState] = mapped_column(
        enum_type(AssignmentState), default=AssignmentState.PROPOSED
    )
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    chosen_by_parties: Mapped[bool] = mapped_column(default=False)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    declaration_text: Mapped[str | None] = mapped_column(sa.Text)
    declaration_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declaration_ip: Mapped[str | None] = mapped_column(sa.String(45))
    ranking: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    parties_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(backref="assignments")
    expert: Mapped[User] = relationship(foreign_keys=[expert_id], lazy="joined")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ASSIGNMENT_STATES

    @property
    def notice_due_at(self) -> datetime:
        """3 days from the assignment taking effect (the expert's acceptance), on the legal calendar."""
        from odr.deadlines import limits
        from odr.deadlines.models import DeadlineKind

        return limits.due(DeadlineKind.INVESTIGATOR_NOTICE, self.answered_at or self.proposed_at)

    @property
    def notice_late(self) -> bool:
        """Parties must hear of a technical investigator within 3 days of the assignment."""
        if self.seat != Seat.TECHNICAL_INVESTIGATOR or self.state in (
            AssignmentState.DECLINED,
            AssignmentState.EXPIRED,
        ):
            return False
        if self.state == AssignmentState.PROPOSED and self.parties_notified_at is None:
            return False
        return (self.parties_notified_at or utcnow()) >= self.notice_due_at


class RecusalState(LabelledEnum):
    PENDING = "pending", _l("Awaiting decision")
    GRANTED = "granted", _l("Granted")
    REFUSED = "refused", _l("Request refused")


class RecusalRequest(db.Model):
    """A party's request that an assigned expert step aside (回避)."""

    __tablename__ = "recusal_requests"
    __table_args__ = (
        sa.CheckConstraint(
            "state = 'pending' OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
            name="decided_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id"))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    grounds: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[RecusalState] = mapped_column(
        enum_type(RecusalState), default=RecusalState.PENDING, index=True
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)

    assignment: Mapped[Assignment] = relationship(backref="recusal_requests")
    party: Mapped[CaseParty] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class MediatorChoice(db.Model):
    """The mediator one party would like; when all parties name the same one, it is proposed."""

    __tablename__ = "mediator_choices"
    __table_args__ = (sa.UniqueConstraint("case_id", "party_id", name="uq_mediator_choices_case_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    expert: Mapped[User] = relationship()
