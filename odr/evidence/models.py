"""Exhibits of a case's docket, the other side's responses, claim charts and preservation requests."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import Organisation, User
from odr.cases.models import Case, Side
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class Source(LabelledEnum):
    NOTARISED_PURCHASE = "notarised_purchase", _l("Notarised purchase")
    WEB_CAPTURE = "web_capture", _l("Web page capture")
    ECOMMERCE_ORDER = "ecommerce_order", _l("E-commerce order")
    CUSTOMS_RECORD = "customs_record", _l("Customs record")
    EXPERT_REPORT = "expert_report", _l("Expert or test report")
    REGISTRATION = "registration", _l("Certificate of registration or grant")
    CONTRACT = "contract", _l("Contract, invoice or correspondence")
    WITNESS = "witness", _l("Witness statement")
    OTHER = "other", _l("Other")


class Visibility(LabelledEnum):
    PRIVATE = "private", _l("Only you and the neutrals (not yet shared)")
    SHARED = "shared", _l("Shared with the other side")
    CONFIDENTIAL = "confidential", _l("Confidential: the neutrals only")


class Stance(LabelledEnum):
    ADMIT = "admit", _l("Admitted")
    DISPUTE_AUTHENTICITY = "dispute_authenticity", _l("Authenticity disputed")
    DISPUTE_RELEVANCE = "dispute_relevance", _l("Relevance disputed")


class Exhibit(db.Model):
    """One piece of evidence a party deposited: the file kept by SHA-256, described, numbered per side."""

    __tablename__ = "exhibits"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "side", "seq", name="uq_exhibits_case_side_seq"),
        sa.CheckConstraint("(visibility = 'shared') = (shared_at IS NOT NULL)", name="shared_has_time"),
        sa.CheckConstraint(
            "source != 'web_capture' OR (captured_url IS NOT NULL AND captured_at IS NOT NULL)",
            name="capture_has_url_and_time",
        ),
        sa.CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))
    seq: Mapped[int]
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    proves: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[Source] = mapped_column(enum_type(Source))
    obtained_on: Mapped[date]
    captured_url: Mapped[str | None] = mapped_column(sa.String(2000))
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    visibility: Mapped[Visibility] = mapped_column(enum_type(Visibility), default=Visibility.PRIVATE)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deposit_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audit_entries.id"))
    receipt_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    submitted_by: Mapped[User] = relationship()
    deposit_entry = relationship("AuditEntry")
    responses: Mapped[list["ExhibitResponse"]] = relationship(
        back_populates="exhibit", cascade="all, delete-orphan", order_by="ExhibitResponse.id"
    )

    @property
    def number(self) -> str:
        """The exhibit's number in the docket: C-1 for the claimant's first, R-2 for the respondent's second."""
        return f"{'C' if self.side == Side.CLAIMANT else 'R'}-{self.seq}"

    @property
    def number_zh(self) -> str:
        return f"{'申请人' if self.side == Side.CLAIMANT else '被申请人'}证据{self.seq}"

    def can_view(self, user) -> bool:
        from odr.evidence.access import can_view_exhibit

        return can_view_exhibit(self, user)


class ExhibitResponse(db.Model):
    """质证意见: a party of the other side admits an exhibit or disputes it, with a comment."""

    __tablename__ = "exhibit_responses"
    __table_args__ = (
        sa.UniqueConstraint("exhibit_id", "responded_by_id", name="uq_exhibit_responses_exhibit_user"),
        sa.CheckConstraint("stance = 'admit' OR comment IS NOT NULL", name="dispute_has_comment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibits.id", ondelete="CASCADE"), index=True)
    responded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    side: Mapped[Side] = mapped_column(enum_type(Side))
    stance: Mapped[Stance] = mapped_column(enum_type(Stance))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exhibit: Mapped[Exhibit] = relationship(back_populates="responses")
    responded_by: Mapped[User] = relationship()


class ExhibitAccess(db.Model):
    """Who opened an exhibit's file or receipt, and when (shown to its submitter and the neutrals)."""

    __tablename__ = "exhibit_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibits.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    what: Mapped[str] = mapped_column(sa.String(20))  # 'file' or 'receipt'
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class ChartState(LabelledEnum):
    DRAFT = "draft", _l("Draft (claimant)")
    SUBMITTED = "submitted", _l("With the respondent")
    ANSWERED = "answered", _l("Answered")


class RowPosition(LabelledEnum):
    AGREED = "agreed", _l("Agreed")
    DISPUTED = "disputed", _l("Disputed")


class ClaimChart(db.Model):
    """技术特征比对表: the asserted claim's features against the accused product, row by row."""

    __tablename__ = "claim_charts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    claim: Mapped[str] = mapped_column(sa.String(100))
    accused_product: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[ChartState] = mapped_column(enum_type(ChartState), default=ChartState.DRAFT)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship()
    rows: Mapped[list["ClaimChartRow"]] = relationship(
        back_populates="chart", cascade="all, delete-orphan", order_by="ClaimChartRow.position"
    )

    def can_view(self, user) -> bool:
        from odr.evidence.access import can_view_chart

        return can_view_chart(self, user)


class ClaimChartRow(db.Model):
    __tablename__ = "claim_chart_rows"
    __table_args__ = (
        sa.UniqueConstraint("chart_id", "position", name="uq_claim_chart_rows_chart_position"),
        sa.CheckConstraint(
            "respondent_position IS NULL OR respondent_position = 'agreed' OR respondent_reason IS NOT NULL",
            name="dispute_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chart_id: Mapped[int] = mapped_column(sa.ForeignKey("claim_charts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    claim_feature: Mapped[str] = mapped_column(sa.Text)
    accused_feature: Mapped[str] = mapped_column(sa.Text)
    exhibit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exhibits.id"))
    respondent_position: Mapped[RowPosition | None] = mapped_column(enum_type(RowPosition))
    respondent_reason: Mapped[str | None] = mapped_column(sa.Text)
    investigator_comment: Mapped[str | None] = mapped_column(sa.Text)
    investigator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    chart: Mapped[ClaimChart] = relationship(back_populates="rows")
    exhibit: Mapped[Exhibit | None] = relationship()
    investigator: Mapped[User | None] = relationship()


class PreservationState(LabelledEnum):
    PENDING = "pending", _l("Awaiting the court")
    GRANTED = "granted", _l("Preservation ordered")
    REFUSED = "refused", _l("Refused by the court")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


preservation_exhibits = sa.Table(
    "preservation_exhibits",
    db.metadata,
    sa.Column("request_id", sa.ForeignKey("preservation_requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("exhibit_id", sa.ForeignKey("exhibits.id", ondelete="CASCADE"), primary_key=True),
)


class PreservationRequest(db.Model):
    """证据保全申请: a party asks the competent court to preserve evidence before it is lost."""

    __tablename__ = "preservation_requests"
    __table_args__ = (
        sa.CheckConstraint(
            "(state IN ('granted', 'refused')) = (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
            name="decision_has_officer",
        ),
        sa.CheckConstraint("state != 'refused' OR decision_note IS NOT NULL", name="refusal_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    court_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    side: Mapped[Side] = mapped_column(enum_type(Side))
    target: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[PreservationState] = mapped_column(
        enum_type(PreservationState), default=PreservationState.PENDING, index=True
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    ruling_number: Mapped[str | None] = mapped_column(sa.String(100))

    case: Mapped[Case] = relationship()
    court: Mapped[Organisation] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    exhibits: Mapped[list[Exhibit]] = relationship(secondary=preservation_exhibits, order_by="Exhibit.id")

    def can_view(self, user) -> bool:
        from odr.evidence.access import can_view_preservation

        return can_view_preservation(self, user)
