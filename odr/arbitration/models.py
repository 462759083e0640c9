"""Arbitration (DESIGN §6): the arbitration case of a dispute, its tribunal, challenges and award."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import Organisation, User
from odr.cases.models import Case, CaseParty
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class ArbitrationState(LabelledEnum):
    SUBMITTED = "submitted", _l("Application for arbitration submitted")
    REFUSED = "refused", _l("Not accepted by the commission")
    FORMING_TRIBUNAL = "forming_tribunal", _l("Forming the tribunal")
    HEARING = "hearing", _l("Before the tribunal")
    AWARD_REVIEW = "award_review", _l("Award drafted: with the commission for review")
    AWARD_PENDING = "award_pending", _l("Award reviewed: awaiting the arbitrators' signatures")
    AWARDED = "awarded", _l("Award issued: enforceable")
    PERFORMED = "performed", _l("Award performed")
    ENFORCEMENT_REQUESTED = "enforcement_requested", _l("Enforcement of the award requested")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class SeatRole(LabelledEnum):
    SOLE = "sole", _l("Sole arbitrator")
    PRESIDING = "presiding", _l("Presiding arbitrator")
    CLAIMANT_NOMINEE = "claimant_nominee", _l("Arbitrator named by the claimant")
    RESPONDENT_NOMINEE = "respondent_nominee", _l("Arbitrator named by the respondent")

    @property
    def zh(self) -> str:
        return {"sole": "独任仲裁员", "presiding": "首席仲裁员"}.get(self.value, "仲裁员")


class SeatState(LabelledEnum):
    PROPOSED = "proposed", _l("Asked, awaiting the arbitrator's answer")
    ACCEPTED = "accepted", _l("Serving")
    DECLINED = "declined", _l("Declined")
    REMOVED = "removed", _l("Removed after a challenge")


class ArbitrationCase(db.Model):
    __tablename__ = "arbitration_cases"
    __table_args__ = (
        sa.CheckConstraint("(state = 'refused') = (refusal_reason IS NOT NULL)", name="refused_has_reason"),
        sa.CheckConstraint(
            "number IS NOT NULL OR state IN ('submitted', 'refused', 'withdrawn')", name="accepted_has_number"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    commission_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    from_mediation: Mapped[bool] = mapped_column(default=False)
    state: Mapped[ArbitrationState] = mapped_column(
        enum_type(ArbitrationState), default=ArbitrationState.SUBMITTED
    )
    expedited: Mapped[bool] = mapped_column(default=True)  # the simple track: a sole arbitrator
    arbitration_basis: Mapped[str] = mapped_column(sa.Text)
    claims: Mapped[str] = mapped_column(sa.Text)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Service of the application on the respondent: the defence and nomination periods run from it.
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    service_method: Mapped[str | None] = mapped_column(sa.String(40))
    answer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    defence: Mapped[str | None] = mapped_column(sa.Text)
    counterclaims: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nomination_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    formed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    award_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_reason: Mapped[str | None] = mapped_column(sa.Text)
    # What the presiding (or sole) arbitrator proposed as the joint choice, per side.
    presiding_choices: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship()
    commission: Mapped[Organisation] = relationship()
    filed_by: Mapped[User] = relationship()
    seats: Mapped[list["TribunalSeat"]] = relationship(
        back_populates="arbitration", order_by="TribunalSeat.id", cascade="all, delete-orphan"
    )

    @property
    def serving(self) -> list["TribunalSeat"]:
        return [s for s in self.seats if s.state == SeatState.ACCEPTED]

    def seat(self, role) -> "TribunalSeat | None":
        """The open (asked or serving) seat of ROLE."""
        role = SeatRole(role)
        return next(
            (s for s in self.seats if s.role == role and s.state in (SeatState.PROPOSED, SeatState.ACCEPTED)),
            None,
        )

    @property
    def roles(self) -> list[SeatRole]:
        if self.expedited:
            return [SeatRole.SOLE]
        return [SeatRole.CLAIMANT_NOMINEE, SeatRole.RESPONDENT_NOMINEE, SeatRole.PRESIDING]

    @property
    def chair(self) -> "TribunalSeat | None":
        seat = self.seat(SeatRole.SOLE if self.expedited else SeatRole.PRESIDING)
        return seat if seat is not None and seat.state == SeatState.ACCEPTED else None


class TribunalSeat(db.Model):
    __tablename__ = "tribunal_seats"
    __table_args__ = (
        sa.CheckConstraint(
            "state != 'accepted' OR declaration_signed_at IS NOT NULL", name="serving_declared"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    arbitration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("arbitration_cases.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[SeatRole] = mapped_column(enum_type(SeatRole))
    arbitrator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    appointed_by: Mapped[str] = mapped_column(sa.String(20))  # claimant | respondent | parties | commission
    state: Mapped[SeatState] = mapped_column(enum_type(SeatState), default=SeatState.PROPOSED)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disclosure: Mapped[str | None] = mapped_column(sa.Text)
    declaration_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declaration_ip: Mapped[str | None] = mapped_column(sa.String(45))
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)

    arbitration: Mapped[ArbitrationCase] = relationship(back_populates="seats")
    arbitrator: Mapped[User] = relationship()


class ChallengeState(LabelledEnum):
    PENDING = "pending", _l("Awaiting the commission's decision")
    UPHELD = "upheld", _l("Upheld: the arbitrator is replaced")
    DISMISSED = "dismissed", _l("Dismissed")


class Challenge(db.Model):
    """A party's challenge (回避申请) of an arbitrator, decided by the commission."""

    __tablename__ = "arbitrator_challenges"
    __table_args__ = (
        sa.CheckConstraint("state = 'pending' OR decision_reason IS NOT NULL", name="decided_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("tribunal_seats.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id"))
    grounds: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[ChallengeState] = mapped_column(enum_type(ChallengeState), default=ChallengeState.PENDING)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)

    seat: Mapped[TribunalSeat] = relationship()
    party: Mapped[CaseParty] = relationship()


class AwardKind(LabelledEnum):
    AWARD = "award", _l("Award")
    CONSENT = "consent_award", _l("Consent award (on the parties' settlement)")


class Award(db.Model):
    __tablename__ = "awards"
    __table_args__ = (
        sa.CheckConstraint("(issued_at IS NULL) = (pdf_sha256 IS NULL)", name="issued_has_pdf"),
        sa.CheckConstraint("(reviewed_at IS NULL) = (reviewed_by_id IS NULL)", name="reviewed_has_reviewer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    arbitration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("arbitration_cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AwardKind] = mapped_column(enum_type(AwardKind))
    number: Mapped[str | None] = mapped_column(sa.String(60))
    facts_found: Mapped[str] = mapped_column(sa.Text, default="")
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    decisions: Mapped[list] = mapped_column(sa.JSON, default=list)
    settlement_terms: Mapped[str] = mapped_column(sa.Text, default="")
    costs: Mapped[str] = mapped_column(sa.Text, default="")
    drafted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The commission's review (核阅) of the draft: it may draw the tribunal's attention to points of
    # form or substance without deciding for it; the tribunal signs once the review is done.
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    review_remarks: Mapped[str | None] = mapped_column(sa.Text)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # Performance: the respondent side performs by this day (Beijing); the claimant side confirms.
    performance_due_on: Mapped[date | None]
    performance_report: Mapped[str | None] = mapped_column(sa.Text)
    performance_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    performance_proof_name: Mapped[str | None] = mapped_column(sa.String(200))
    performance_proof_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    performance_proof_type: Mapped[str | None] = mapped_column(sa.String(100))
    performance_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    performance_dispute: Mapped[str | None] = mapped_column(sa.Text)

    arbitration: Mapped[ArbitrationCase] = relationship()
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    signatures: Mapped[list["AwardSignature"]] = relationship(
        back_populates="award", order_by="AwardSignature.id", cascade="all, delete-orphan"
    )


class AwardSignature(db.Model):
    """An arbitrator signs the draft award, or records a dissent (and still signs)."""

    __tablename__ = "award_signatures"
    __table_args__ = (
        sa.UniqueConstraint("award_id", "arbitrator_id", name="uq_award_signatures_arbitrator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    arbitrator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dissent: Mapped[str | None] = mapped_column(sa.Text)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))

    award: Mapped[Award] = relationship(back_populates="signatures")
    arbitrator: Mapped[User] = relationship()


class DeliberationNote(db.Model):
    """The tribunal's own notes: never shown to a party."""

    __tablename__ = "deliberation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    arbitration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("arbitration_cases.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(sa.Text)

    author: Mapped[User] = relationship()
