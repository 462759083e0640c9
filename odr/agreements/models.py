"""Settlement agreements, their versions and signatures, clause templates, judicial confirmation,
obligations and enforcement applications (DESIGN §5)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import Organisation, User
from odr.cases.models import Case, CaseParty
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class AgreementState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    UNDER_REVIEW = "under_review", _l("Shared with the parties for review")
    AWAITING_SIGNATURES = "awaiting_signatures", _l("Final: awaiting signatures")
    EFFECTIVE = "effective", _l("Effective")
    CONFIRMATION_REQUESTED = "confirmation_requested", _l("Judicial confirmation requested")
    UNDER_COURT_REVIEW = "under_court_review", _l("Under review by the court")
    MATERIALS_REQUESTED = "materials_requested", _l("Court asked for materials")
    ENFORCEABLE = "enforceable", _l("Confirmed by the court: enforceable")
    REJECTED = "rejected", _l("Confirmation rejected by the court")
    PERFORMED = "performed", _l("Performed")
    IN_DEFAULT = "in_default", _l("In default")
    ENFORCEMENT_REQUESTED = "enforcement_requested", _l("Enforcement requested")
    ABANDONED = "abandoned", _l("Abandoned")


class ClauseTemplate(db.Model):
    """A kind of clause with typed fields, written in Chinese and English; admins manage them."""

    __tablename__ = "clause_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(100))
    title_en: Mapped[str] = mapped_column(sa.String(100))
    body_zh: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text)
    # [{"name": ..., "type": money|date|party|text|longtext|integer|instalments, "label_zh", "label_en",
    #   "required": bool}]
    fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    obligation: Mapped[str | None] = mapped_column(sa.String(20))  # how the clause binds a party, if it does
    position: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def title(self, locale="zh_CN"):
        return self.title_en if locale == "en" else self.title_zh


class Agreement(db.Model):
    __tablename__ = "agreements"
    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('draft', 'under_review', 'awaiting_signatures', 'abandoned') OR effective_at IS NOT NULL",
            name="effective_has_time",
        ),
        sa.CheckConstraint(
            "state NOT IN ('awaiting_signatures', 'effective') OR final_version_id IS NOT NULL",
            name="final_has_version",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    state: Mapped[AgreementState] = mapped_column(enum_type(AgreementState), default=AgreementState.DRAFT)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    final_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement_versions.id", use_alter=True, name="fk_agreements_final_version")
    )
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship()
    versions: Mapped[list["AgreementVersion"]] = relationship(
        back_populates="agreement",
        order_by="AgreementVersion.number",
        foreign_keys="AgreementVersion.agreement_id",
        cascade="all, delete-orphan",
    )
    final_version: Mapped["AgreementVersion | None"] = relationship(
        foreign_keys=[final_version_id], post_update=True
    )

    @property
    def latest(self) -> "AgreementVersion | None":
        return self.versions[-1] if self.versions else None

    def version(self, number) -> "AgreementVersion | None":
        return next((v for v in self.versions if v.number == number), None)


class AgreementVersion(db.Model):
    """One state of the text; never changed once written, so any two can be compared and a signature
    binds to exactly one."""

    __tablename__ = "agreement_versions"
    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "number", name="uq_agreement_versions_number"),
        sa.CheckConstraint("(finalised_at IS NULL) = (pdf_sha256 IS NULL)", name="finalised_has_pdf"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    # {"facts": str, "clauses": [{"key": str, "values": {name: str}}]}
    content: Mapped[dict] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.String(300))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_size: Mapped[int | None]

    agreement: Mapped[Agreement] = relationship(back_populates="versions", foreign_keys=[agreement_id])
    created_by: Mapped[User] = relationship()
    signatures: Mapped[list["Signature"]] = relationship(
        back_populates="version", order_by="Signature.signed_at", cascade="all, delete-orphan"
    )


class SignerCapacity(LabelledEnum):
    PARTY = "party", _l("The party itself (or its legal representative)")
    AGENT = "agent", _l("The party's authorised agent")
    MEDIATOR = "mediator", _l("Mediator")


class Signature(db.Model):
    __tablename__ = "agreement_signatures"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "signer_id", name="uq_agreement_signatures_signer"),
        sa.CheckConstraint("(capacity = 'mediator') = (party_id IS NULL)", name="party_or_mediator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement_versions.id", ondelete="CASCADE"), index=True
    )
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_parties.id"))
    capacity: Mapped[SignerCapacity] = mapped_column(enum_type(SignerCapacity))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    hash_signed: Mapped[str] = mapped_column(sa.String(64))
    # The natural person who signed and in what capacity, as the document prints it: the person
    # themself (本人), an organisation's 法定代表人 or 主要负责人, or a 委托代理人 with special authority.
    signatory_name: Mapped[str | None] = mapped_column(sa.String(100))
    signatory_title: Mapped[str | None] = mapped_column(sa.String(40))

    version: Mapped[AgreementVersion] = relationship(back_populates="signatures")
    signer: Mapped[User] = relationship()

    @property
    def signatory_label(self):
        """Who signed, in what capacity, in the user's language (older signatures: the account)."""
        from odr.cases.representatives import title_label

        if not self.signatory_name:
            return f"{self.signer.name} · {self.capacity.label}"
        return f"{self.signatory_name} · {title_label(self.signatory_title)}"

    party: Mapped[CaseParty | None] = relationship()


# Judicial confirmation ---------------------------------------------------------------------------


class RejectionGround(LabelledEnum):
    """The grounds on which a court rejects an application for confirmation, each with its basis: the
    SPC's Interpretation of the Civil Procedure Law (2022) art. 358."""

    VIOLATES_LAW = "violates_law", _l("Breaks mandatory provisions of law or public order and good customs")
    HARMS_INTERESTS = "harms_interests", _l("Harms the interests of the state, the public or a third party")
    INVOLUNTARY = "involuntary", _l("Violates the principle of voluntariness")
    UNCLEAR = "unclear", _l("Its content is unclear and cannot be confirmed")
    NOT_SUITABLE = (
        "not_suitable",
        _l("Not suitable for confirmation (e.g. it decides the validity of a patent or trademark)"),
    )

    @property
    def zh(self) -> str:
        return {
            "harms_interests": "损害国家利益、社会公共利益或者他人合法权益",
            "violates_law": "违反法律强制性规定或者违背公序良俗",
            "involuntary": "违反自愿原则",
            "unclear": "调解协议内容不明确",
            "not_suitable": "其他不能进行司法确认的情形（如涉及专利权、商标权等知识产权确权）",
        }[self.value]

    @property
    def basis_zh(self) -> str:
        """The provision, as a ruling cites it."""
        items = {
            "violates_law": "第一项、第三项",
            "harms_interests": "第二项",
            "involuntary": "第四项",
            "unclear": "第五项",
            "not_suitable": "第六项",
        }[self.value]
        return f"《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十八条{items}"

    @property
    def basis(self):
        return {
            "violates_law": _l("SPC Interpretation of the Civil Procedure Law art. 358 (1) and (3)"),
            "harms_interests": _l("SPC Interpretation of the Civil Procedure Law art. 358 (2)"),
            "involuntary": _l("SPC Interpretation of the Civil Procedure Law art. 358 (4)"),
            "unclear": _l("SPC Interpretation of the Civil Procedure Law art. 358 (5)"),
            "not_suitable": _l("SPC Interpretation of the Civil Procedure Law art. 358 (6)"),
        }[self.value]


class ConfirmationApplication(db.Model):
    """The parties' joint application to a court to confirm an effective agreement (司法确认)."""

    __tablename__ = "confirmation_applications"
    __table_args__ = (
        sa.CheckConstraint("decision IS NULL OR decided_at IS NOT NULL", name="decision_has_time"),
        sa.CheckConstraint(
            "decision != 'rejected' OR rejection_explanation IS NOT NULL", name="rejection_explained"
        ),
        sa.Index("ix_confirmation_applications_court", "court_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    court_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    court_basis: Mapped[str] = mapped_column(sa.String(40))
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    facts_and_reasons: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when every party had joined
    form_pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    acceptance_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    court_case_number: Mapped[str | None] = mapped_column(sa.String(60))
    decision_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    decision: Mapped[str | None] = mapped_column(sa.String(20))  # confirmed | rejected
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    judge_name: Mapped[str | None] = mapped_column(sa.String(100))  # the judge who ruled (审判员)
    clerk_name: Mapped[str | None] = mapped_column(sa.String(100))  # the court clerk (书记员)
    ruling_number: Mapped[str | None] = mapped_column(sa.String(60))
    rejection_grounds: Mapped[list] = mapped_column(sa.JSON, default=list)
    rejection_explanation: Mapped[str | None] = mapped_column(sa.Text)
    ruling_pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    agreement: Mapped[Agreement | None] = relationship()
    case: Mapped[Case] = relationship()
    court: Mapped[Organisation] = relationship(foreign_keys=[court_id])
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    joins: Mapped[list["ConfirmationJoin"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ConfirmationJoin.id"
    )
    material_requests: Mapped[list["MaterialsRequest"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="MaterialsRequest.id"
    )

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None and self.decision is None

    def joined_party_ids(self) -> set[int]:
        return {j.party_id for j in self.joins}


class ConfirmationJoin(db.Model):
    """A party's joining the application: the applicant's own, and each other party's consent."""

    __tablename__ = "confirmation_joins"
    __table_args__ = (sa.UniqueConstraint("application_id", "party_id", name="uq_confirmation_joins_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("confirmation_applications.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))

    application: Mapped[ConfirmationApplication] = relationship(back_populates="joins")
    party: Mapped[CaseParty] = relationship()
    user: Mapped[User] = relationship()


class MaterialsRequest(db.Model):
    """The court asks the parties for supplementary materials; its decision clock is paused meanwhile."""

    __tablename__ = "materials_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("confirmation_applications.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    what: Mapped[str] = mapped_column(sa.Text)
    supplied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supplied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reply: Mapped[str | None] = mapped_column(sa.Text)
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    file_type: Mapped[str | None] = mapped_column(sa.String(60))

    application: Mapped[ConfirmationApplication] = relationship(back_populates="material_requests")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    supplied_by: Mapped[User | None] = relationship(foreign_keys=[supplied_by_id])


# Performance and enforcement ---------------------------------------------------------------------


class ObligationKind(LabelledEnum):
    """How a clause binds a party: to pay or act by a date, or to keep an undertaking (stop infringing
    and not resume) from a day on, with no date by which it is done."""

    BY_DATE = "by_date", _l("To pay or act by a date")
    ONGOING = "ongoing", _l("Ongoing undertaking")


class ObligationState(LabelledEnum):
    PENDING = "pending", _l("To be performed")
    REPORTED = "reported", _l("Reported performed, awaiting confirmation")
    CONFIRMED = "confirmed", _l("Performance confirmed")
    DISPUTED = "disputed", _l("Performance disputed")
    BREACHED = "breached", _l("Breach reported")


class Obligation(db.Model):
    """Something a party must do under an effective agreement: by a date (pay, take listings down), or
    from a day on for good (stop infringing and not resume)."""

    __tablename__ = "obligations"
    __table_args__ = (
        sa.CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        sa.CheckConstraint("state != 'disputed' OR dispute_reason IS NOT NULL", name="disputed_has_reason"),
        sa.CheckConstraint(
            "(kind = 'by_date' AND due_on IS NOT NULL AND starts_on IS NULL)"
            " OR (kind = 'ongoing' AND due_on IS NULL AND starts_on IS NOT NULL)",
            name="kind_dates",
        ),
        sa.Index("ix_obligations_agreement_state", "agreement_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"))
    position: Mapped[int]
    clause_key: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.Text)
    debtor_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id"))
    creditor_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id"))
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    kind: Mapped[ObligationKind] = mapped_column(
        enum_type(ObligationKind, length=20), default=ObligationKind.BY_DATE, server_default="by_date"
    )
    due_on: Mapped[date | None]  # by_date: the last day to perform
    starts_on: Mapped[date | None]  # ongoing: the day the undertaking binds from
    state: Mapped[ObligationState] = mapped_column(
        enum_type(ObligationState), default=ObligationState.PENDING
    )
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report: Mapped[str | None] = mapped_column(sa.Text)
    proof_name: Mapped[str | None] = mapped_column(sa.String(200))
    proof_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    proof_type: Mapped[str | None] = mapped_column(sa.String(60))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispute_reason: Mapped[str | None] = mapped_column(sa.Text)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship()
    debtor: Mapped[CaseParty] = relationship(foreign_keys=[debtor_id])
    creditor: Mapped[CaseParty] = relationship(foreign_keys=[creditor_id])
    breaches: Mapped[list["Breach"]] = relationship(
        back_populates="obligation", cascade="all, delete-orphan", order_by="Breach.id"
    )

    @property
    def ongoing(self) -> bool:
        return self.kind == ObligationKind.ONGOING


class Breach(db.Model):
    """The other side's report that an ongoing undertaking was broken, with its evidence, and the
    obliged party's answer."""

    __tablename__ = "obligation_breaches"
    __table_args__ = (sa.CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answer_has_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("obligations.id", ondelete="CASCADE"), index=True
    )
    reported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    observed_on: Mapped[date]  # the day the breach was found
    description: Mapped[str] = mapped_column(sa.Text)
    evidence_name: Mapped[str] = mapped_column(sa.String(200))
    evidence_sha256: Mapped[str] = mapped_column(sa.String(64))
    evidence_type: Mapped[str] = mapped_column(sa.String(60))
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    obligation: Mapped[Obligation] = relationship(back_populates="breaches")
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class EnforcementApplication(db.Model):
    """The creditor's application to the court to enforce a confirmed agreement or an arbitral award
    (申请强制执行)."""

    __tablename__ = "enforcement_applications"
    __table_args__ = (
        sa.CheckConstraint("(agreement_id IS NULL) != (award_id IS NULL)", name="agreement_or_award"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    award_id: Mapped[int | None] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    court_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    applicant_party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id"))
    respondent_party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id"))
    obligation_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    facts: Mapped[str] = mapped_column(sa.Text)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    court_case_number: Mapped[str | None] = mapped_column(sa.String(60))

    agreement: Mapped[Agreement | None] = relationship()
    case: Mapped[Case] = relationship()
    court: Mapped[Organisation] = relationship(foreign_keys=[court_id])
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    applicant_party: Mapped[CaseParty] = relationship(foreign_keys=[applicant_party_id])
    respondent_party: Mapped[CaseParty] = relationship(foreign_keys=[respondent_party_id])
