"""The public list of repeat and willful infringers (DESIGN §9): the decisions it rests on, its
entries, the credit-repair applications and the published changes."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import User
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class EntityKind(LabelledEnum):
    COMPANY = "company", _l("Company or organisation")
    SOLE_TRADER = "sole_trader", _l("Sole trader (individual business)")
    PERSON = "person", _l("Natural person")

    @property
    def masked(self) -> bool:
        """Natural persons and sole traders are shown with a masked name, never their ID number."""
        return self is not EntityKind.COMPANY


class FindingSource(LabelledEnum):
    AWARD = "award", _l("Arbitral award recorded on the platform")
    COURT = "court", _l("Court judgment recorded on the platform by the court's liaison")
    ENFORCEMENT = "enforcement", _l("Enforcement application accepted by the court (platform record)")
    EXTERNAL = "external", _l("Decision recorded by a credit officer")


class DecisionKind(LabelledEnum):
    ARBITRAL_AWARD = "arbitral_award", _l("Arbitral award")
    COURT_JUDGMENT = "court_judgment", _l("Court judgment")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _l("Administrative penalty decision")
    ENFORCEMENT_ACCEPTANCE = "enforcement_acceptance", _l("Acceptance of an enforcement application")


class ListType(LabelledEnum):
    REPEAT = "repeat", _l("Repeat infringement")
    WILLFUL = "willful", _l("Willful infringement")
    NON_PERFORMANCE = "non_performance", _l("Refusal to perform an effective decision")


class EntryState(LabelledEnum):
    CANDIDATE = "candidate", _l("Candidate")
    UNDER_REVIEW = "under_review", _l("Under review")
    NOTIFIED = "notified", _l("Notified: objection period running")
    OBJECTED = "objected", _l("Objection awaiting decision")
    PUBLISHED = "published", _l("Published")
    WITHDRAWN = "withdrawn", _l("Withdrawn (not listed)")
    REMOVED = "removed", _l("Removed from the list")
    ARCHIVED = "archived", _l("Archived")


OPEN_STATES = (
    EntryState.CANDIDATE,
    EntryState.UNDER_REVIEW,
    EntryState.NOTIFIED,
    EntryState.OBJECTED,
    EntryState.PUBLISHED,
)


class RemovalReason(LabelledEnum):
    EXPIRY = "expiry", _l("Publication period ended")
    REPAIR = "repair", _l("Credit repaired")


class Finding(db.Model):
    """One decision about an entity: an award or accepted enforcement on the platform, or an outside
    court judgment or administrative penalty a credit officer recorded (its document kept by SHA-256)."""

    __tablename__ = "registry_findings"
    __table_args__ = (
        sa.CheckConstraint(
            "source != 'external' OR (document_sha256 IS NOT NULL AND recorded_by_id IS NOT NULL)",
            name="external_has_document",
        ),
        sa.CheckConstraint("credit_code IS NOT NULL OR id_number_hash IS NOT NULL", name="entity_identified"),
        sa.UniqueConstraint("source", "source_ref", name="uq_registry_findings_source_ref"),
        sa.Index("ix_registry_findings_entity", "entity_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[FindingSource] = mapped_column(enum_type(FindingSource))
    source_ref: Mapped[str | None] = mapped_column(sa.String(60))  # award:12, enforcement:3: recorded once
    decision_kind: Mapped[DecisionKind] = mapped_column(enum_type(DecisionKind))
    entity_key: Mapped[str] = mapped_column(sa.String(80))
    entity_kind: Mapped[EntityKind] = mapped_column(enum_type(EntityKind))
    entity_name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    id_number_hash: Mapped[str | None] = mapped_column(sa.String(64))  # never the number itself
    legal_representative: Mapped[str | None] = mapped_column(sa.String(100))
    number: Mapped[str] = mapped_column(sa.String(100))
    decided_on: Mapped[date]
    authority: Mapped[str] = mapped_column(sa.String(200))
    infringement: Mapped[bool] = mapped_column(default=False)
    willful: Mapped[bool] = mapped_column(default=False)
    punitive: Mapped[bool] = mapped_column(default=False)
    non_performance: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    document_name: Mapped[str | None] = mapped_column(sa.String(255))
    document_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


entry_findings = sa.Table(
    "registry_entry_findings",
    db.metadata,
    sa.Column("entry_id", sa.ForeignKey("registry_entries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("finding_id", sa.ForeignKey("registry_findings.id", ondelete="CASCADE"), primary_key=True),
)


class Entry(db.Model):
    """An entity's entry on the list, from candidate to archive."""

    __tablename__ = "registry_entries"
    __table_args__ = (
        sa.CheckConstraint(
            "state NOT IN ('notified', 'objected') OR objection_due_at IS NOT NULL", name="notice_has_period"
        ),
        sa.CheckConstraint(
            "state NOT IN ('published', 'removed') OR (published_at IS NOT NULL AND expires_at IS NOT NULL)",
            name="published_has_period",
        ),
        sa.CheckConstraint(
            "objection_decision IS NULL OR objection_reasons IS NOT NULL",
            name="objection_decided_with_reasons",
        ),
        sa.CheckConstraint(
            "state != 'withdrawn' OR withdrawal_reasons IS NOT NULL", name="withdrawn_has_reasons"
        ),
        sa.CheckConstraint(
            "state NOT IN ('removed', 'archived') OR removed_at IS NOT NULL OR published_at IS NULL",
            name="removed_has_time",
        ),
        sa.Index("ix_registry_entries_entity", "entity_key", "list_type"),
        sa.Index("ix_registry_entries_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_key: Mapped[str] = mapped_column(sa.String(80))
    entity_kind: Mapped[EntityKind] = mapped_column(enum_type(EntityKind))
    entity_name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    id_number_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    legal_representative: Mapped[str | None] = mapped_column(sa.String(100))
    list_type: Mapped[ListType] = mapped_column(enum_type(ListType))
    state: Mapped[EntryState] = mapped_column(enum_type(EntryState), default=EntryState.CANDIDATE)
    basis: Mapped[str] = mapped_column(sa.Text)  # the legal basis and the rule as it was applied
    rules: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # the settings in force when proposed
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_channel: Mapped[str | None] = mapped_column(sa.String(20))  # account | service
    service_record: Mapped[str | None] = mapped_column(sa.Text)
    objection_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection_text: Mapped[str | None] = mapped_column(sa.Text)
    objected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection_decision: Mapped[str | None] = mapped_column(
        sa.String(20)
    )  # upheld_withdrawn | upheld_corrected | dismissed
    objection_reasons: Mapped[str | None] = mapped_column(sa.Text)
    objection_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reasons: Mapped[str | None] = mapped_column(sa.Text)
    publishing_authority: Mapped[str | None] = mapped_column(sa.String(200))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removal_reason: Mapped[RemovalReason | None] = mapped_column(enum_type(RemovalReason))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    reviewer: Mapped[User | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(
        secondary=entry_findings, order_by=Finding.decided_on, lazy="selectin"
    )
    repairs: Mapped[list["RepairApplication"]] = relationship(
        back_populates="entry", order_by="RepairApplication.id", cascade="all, delete-orphan"
    )

    @property
    def public_name(self) -> str:
        return mask_name(self.entity_name) if self.entity_kind.masked else self.entity_name

    @property
    def public_representative(self) -> str | None:
        if not self.legal_representative:
            return None
        return mask_name(self.legal_representative) if self.entity_kind.masked else self.legal_representative

    @property
    def pending_repair(self) -> "RepairApplication | None":
        return next((r for r in self.repairs if r.state == RepairState.PENDING), None)


def mask_name(name: str) -> str:
    """A natural person's name as the public list shows it: the first character, the rest starred."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name + "*"
    return name[0] + "*" * (len(name) - 1)


class RepairState(LabelledEnum):
    PENDING = "pending", _l("Awaiting the credit officer's decision")
    GRANTED = "granted", _l("Granted: removed from the list")
    REFUSED = "refused", _l("Credit repair refused")


class RepairApplication(db.Model):
    """信用修复: the listed entity applies with proof of performance and a commitment."""

    __tablename__ = "registry_repairs"
    __table_args__ = (
        sa.CheckConstraint("state = 'pending' OR decision_reasons IS NOT NULL", name="decided_has_reasons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registry_entries.id", ondelete="CASCADE"), index=True
    )
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    performance: Mapped[str] = mapped_column(sa.Text)
    commitment: Mapped[str] = mapped_column(sa.Text)
    proof_name: Mapped[str] = mapped_column(sa.String(255))
    proof_sha256: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[RepairState] = mapped_column(enum_type(RepairState), default=RepairState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reasons: Mapped[str | None] = mapped_column(sa.Text)

    entry: Mapped[Entry] = relationship(back_populates="repairs")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])


class ChangeKind(LabelledEnum):
    PUBLISHED = "published", _l("Published")
    CORRECTED = "corrected", _l("Corrected")
    REMOVED = "removed", _l("Removed")


class Change(db.Model):
    """A change of the public list, as it was published: what the list said after it."""

    __tablename__ = "registry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registry_entries.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ChangeKind] = mapped_column(enum_type(ChangeKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    record: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # the entry's public export row then

    entry: Mapped[Entry] = relationship()
