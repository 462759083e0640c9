"""Cases, their parties, respondent invitations and the case-number counter."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import Organisation, PartyKind, User
from odr.core.db import UTCDateTime, partial_index, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class IPType(LabelledEnum):
    INVENTION_PATENT = "invention_patent", _l("Invention patent")
    UTILITY_MODEL = "utility_model", _l("Utility model patent")
    DESIGN_PATENT = "design_patent", _l("Design patent")
    TRADEMARK = "trademark", _l("Trademark")
    COPYRIGHT = "copyright", _l("Copyright")
    SOFTWARE_COPYRIGHT = "software_copyright", _l("Software copyright")
    TRADE_SECRET = "trade_secret", _l("Trade secret")
    GEOGRAPHICAL_INDICATION = "geographical_indication", _l("Geographical indication")
    PLANT_VARIETY = "plant_variety", _l("Plant variety")
    IC_LAYOUT = "ic_layout", _l("Integrated-circuit layout design")
    UNFAIR_COMPETITION = "unfair_competition", _l("Unfair competition")


class DisputeKind(LabelledEnum):
    INFRINGEMENT = "infringement", _l("Infringement")
    OWNERSHIP = "ownership", _l("Ownership")
    LICENCE_CONTRACT = "licence_contract", _l("Licence or contract")
    UNFAIR_COMPETITION = "unfair_competition", _l("Unfair competition")


class Industry(LabelledEnum):
    LIUBAO_TEA = "liubao_tea", _l("Liubao tea")
    ECOMMERCE = "ecommerce", _l("E-commerce")
    PHARMACEUTICALS = "pharmaceuticals", _l("Pharmaceuticals")
    METALLURGY_MACHINERY = "metallurgy_machinery", _l("Metallurgy and machinery")
    BUILDING_MATERIALS = "building_materials", _l("Building materials")
    ELECTRONICS = "electronics", _l("Electronics")
    TOURISM = "tourism", _l("Tourism")
    AGRICULTURE = "agriculture", _l("Agriculture and food")
    CULTURE = "culture", _l("Culture and creative industries")
    LYCHEE = "lychee", _l("Lychee")
    HONEY = "honey", _l("Honey")
    KUDZU = "kudzu", _l("Kudzu")
    CITY_BRAND = "city_brand", _l("Wuzhou regional brands")
    OTHER = "other", _l("Other")


class InfringementPlace(LabelledEnum):
    ECOMMERCE_PLATFORM = "ecommerce_platform", _l("E-commerce platform")
    EXHIBITION = "exhibition", _l("Exhibition or trade fair")
    MARKET = "market", _l("Market")
    IMPORT_EXPORT = "import_export", _l("Import or export")
    OFFLINE = "offline", _l("Offline (shops, factories)")


class Channel(LabelledEnum):
    SELF_FILED = "self_filed", _l("Filed by the party")
    COURT_DELEGATED = "court_delegated", _l("Delegated by a court")
    MARKET_REGULATOR = "market_regulator", _l("Referred by the market regulator")
    HOTLINE_12315 = "hotline_12315", _l("Referred by the 12315 hotline")
    ECOMMERCE_PLATFORM = "ecommerce_platform", _l("Referred by an e-commerce platform")
    PARK_STATION = "park_station", _l("Park service station")
    ARBITRATION = "arbitration", _l("Direct application for arbitration")


class CaseState(LabelledEnum):
    SUBMITTED = "submitted", _l("Submitted")
    REFUSED = "refused", _l("Refused")
    AWAITING_RESPONDENT = "awaiting_respondent", _l("Awaiting respondent")
    NOT_MEDIATED = "not_mediated", _l("Not mediated")
    AWAITING_MEDIATOR = "awaiting_mediator", _l("Awaiting mediator")
    MEDIATING = "mediating", _l("Mediating")
    SETTLED = "settled", _l("Settled")
    FAILED = "failed", _l("Mediation failed")
    REFERRED = "referred", _l("Referred")
    CLOSED = "closed", _l("Closed")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class Track(LabelledEnum):
    SIMPLE = "simple", _l("Simple track")
    COMPLEX = "complex", _l("Complex track")


class Side(LabelledEnum):
    CLAIMANT = "claimant", _l("Claimant")
    RESPONDENT = "respondent", _l("Respondent")


class RepresentativeTitle(LabelledEnum):
    """Who acts for an organisation (Civil Procedure Law art. 51): a legal person through its legal
    representative, another organisation through its principal person in charge."""

    LEGAL_REPRESENTATIVE = "legal_representative", _l("Legal representative")
    PRINCIPAL = "principal", _l("Principal person in charge")

    @property
    def zh(self) -> str:
        return {"legal_representative": "法定代表人", "principal": "主要负责人"}[self.value]


class Answer(LabelledEnum):
    PENDING = "pending", _l("No answer yet")
    CONSENTED = "consented", _l("Consented to mediation")
    DECLINED = "declined", _l("Declined mediation")


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint("claim_amount >= 0", name="claim_amount_not_negative"),
        sa.CheckConstraint("(state = 'refused') = (refusal_reason IS NOT NULL)", name="refused_has_reason"),
        sa.CheckConstraint(
            "number IS NOT NULL OR state IN ('submitted', 'refused', 'withdrawn')", name="accepted_has_number"
        ),
        sa.CheckConstraint("track IS NOT NULL OR number IS NULL", name="accepted_has_track"),
        sa.CheckConstraint(
            "track_overridden = false OR track_override_reason IS NOT NULL", name="override_has_reason"
        ),
        # The clerk's lists and counts: the organisation's cases by recency, by state, by filing.
        sa.Index("ix_cases_organisation_updated", "organisation_id", "updated_at", "id"),
        sa.Index("ix_cases_organisation_state", "organisation_id", "state", "updated_at", "id"),
        sa.Index("ix_cases_organisation_state_submitted", "organisation_id", "state", "submitted_at", "id"),
        # A user's own set of cases (a party's, a court's) by state and recency, read from the index
        # alone: the dashboards' counts and newest cases touch no table row.
        sa.Index("ix_cases_id_state_updated", "id", "state", "updated_at"),
        # The clerk's assignments overview: the organisation's cases that may wait for experts, oldest first.
        partial_index(
            "ix_cases_awaiting_experts",
            "organisation_id",
            "id",
            where="state IN ('awaiting_mediator', 'mediating')",
        ),
        # Search: trigram indexes on PostgreSQL (pg_trgm) serve ILIKE '%term%'.
        sa.Index(
            "ix_cases_title_trgm", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}
        ),
        sa.Index(
            "ix_cases_number_trgm",
            "number",
            postgresql_using="gin",
            postgresql_ops={"number": "gin_trgm_ops"},
        ),
        sa.CheckConstraint(
            "state != 'mediating' OR mediation_started_at IS NOT NULL", name="mediating_has_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    ip_type: Mapped[IPType] = mapped_column(enum_type(IPType))
    dispute_kind: Mapped[DisputeKind] = mapped_column(enum_type(DisputeKind))
    industry: Mapped[Industry] = mapped_column(enum_type(Industry))
    place: Mapped[InfringementPlace] = mapped_column(enum_type(InfringementPlace))
    # 标的物所在地: where the subject matter is (the goods, the tools, the premises); it connects a court.
    subject_matter_place: Mapped[str | None] = mapped_column(sa.String(200))
    right_number: Mapped[str | None] = mapped_column(sa.String(100))
    claim_amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    remedies: Mapped[str] = mapped_column(sa.Text)
    facts: Mapped[str] = mapped_column(sa.Text)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    online_consent: Mapped[bool] = mapped_column(default=False)
    state: Mapped[CaseState] = mapped_column(enum_type(CaseState), default=CaseState.SUBMITTED, index=True)
    track: Mapped[Track | None] = mapped_column(enum_type(Track))
    triage_reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    track_overridden: Mapped[bool] = mapped_column(default=False)
    track_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    closing_reason: Mapped[str | None] = mapped_column(sa.Text)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    delegating_court_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    # When no court on file is connected to the dispute, the clerk names the competent one, with a reason.
    named_court_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    named_court_reason: Mapped[str | None] = mapped_column(sa.Text)
    referred_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respondent_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mediation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mediation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opinion_visibility: Mapped[str] = mapped_column(
        sa.String(20), default="neutrals", server_default="neutrals"
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    delegating_court: Mapped[Organisation | None] = relationship(foreign_keys=[delegating_court_id])
    named_court: Mapped[Organisation | None] = relationship(foreign_keys=[named_court_id])
    referred_to: Mapped[Organisation | None] = relationship(foreign_keys=[referred_to_id])
    filed_by: Mapped[User] = relationship()
    parties: Mapped[list["CaseParty"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParty.id", lazy="selectin"
    )

    @property
    def claimants(self):
        return [p for p in self.parties if p.side == Side.CLAIMANT]

    @property
    def respondents(self):
        return [p for p in self.parties if p.side == Side.RESPONDENT]

    def party_of(self, user) -> "CaseParty | None":
        """The party USER acts for in this case: their own, or one whose power of attorney the clerk
        approved for them (``power_of(user)`` tells which)."""
        if user is None or not user.is_authenticated:
            return None
        own = next((p for p in self.parties if p.user_id == user.id), None)
        if own is not None:
            return own
        power = self.power_of(user)
        return power.party if power is not None else None

    def power_of(self, user) -> "PowerOfAttorney | None":
        """The approved power of attorney under which USER acts for a party of this case, if any."""
        if user is None or not user.is_authenticated:
            return None
        return next(
            (
                a
                for p in self.parties
                for a in p.powers
                if a.agent_id == user.id and a.state == PowerState.APPROVED
            ),
            None,
        )

    def is_clerk_of(self, user) -> bool:
        from odr.accounts.models import Role

        return (
            user is not None
            and user.is_authenticated
            and user.has_role(Role.CLERK)
            and user.organisation_id == self.organisation_id
        )

    def can_view(self, user) -> bool:
        """Whether USER may see this case: its parties, clerks of the receiving organisation, and
        whoever another part of the platform admits (e.g. experts assigned to it)."""
        from odr.cases import access

        return self.party_of(user) is not None or self.is_clerk_of(user) or access.admitted(self, user)

    def __repr__(self):
        return f"<Case {self.number or self.id} {self.state}>"


class CaseParty(db.Model):
    __tablename__ = "case_parties"
    __table_args__ = (
        sa.CheckConstraint(
            "(answer = 'declined') = (decline_reason IS NOT NULL)", name="declined_has_reason"
        ),
        sa.UniqueConstraint("case_id", "user_id", name="uq_case_parties_case_user"),
        # A party's cases, read from the index alone.
        sa.Index("ix_case_parties_user_case", "user_id", "case_id"),
        # Only an organisation has a legal representative (or principal person in charge).
        sa.CheckConstraint("kind = 'company' OR representative IS NULL", name="representative_of_company"),
        sa.CheckConstraint(
            "(representative IS NULL) = (representative_title IS NULL)", name="representative_has_title"
        ),
        # Search by a party's name or credit code (pg_trgm on PostgreSQL).
        sa.Index(
            "ix_case_parties_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        sa.Index(
            "ix_case_parties_credit_code_trgm",
            "credit_code",
            postgresql_using="gin",
            postgresql_ops={"credit_code": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_type(Side))
    kind: Mapped[PartyKind] = mapped_column(enum_type(PartyKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    id_number: Mapped[str | None] = mapped_column(sa.String(30))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    is_foreign: Mapped[bool] = mapped_column(default=False)
    agent_name: Mapped[str | None] = mapped_column(sa.String(100))
    agent_firm: Mapped[str | None] = mapped_column(sa.String(200))
    # The natural person through whom an organisation acts (法定代表人 or 主要负责人).
    representative: Mapped[str | None] = mapped_column(sa.String(100))
    representative_title: Mapped[RepresentativeTitle | None] = mapped_column(enum_type(RepresentativeTitle))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    answer: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.PENDING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship(back_populates="parties")
    user: Mapped[User | None] = relationship()
    powers: Mapped[list["PowerOfAttorney"]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="PowerOfAttorney.id", lazy="selectin"
    )

    @property
    def identity_number(self):
        return self.credit_code if self.kind == PartyKind.COMPANY else self.id_number


class AttorneyScope(LabelledEnum):
    GENERAL = "general", _l("General authority")
    SPECIAL = "special", _l("Special authority")


class PowerState(LabelledEnum):
    PENDING = "pending", _l("Waiting for the clerk")
    APPROVED = "approved", _l("Approved")
    REJECTED = "rejected", _l("Rejected")
    REVOKED = "revoked", _l("Revoked")


class PowerOfAttorney(db.Model):
    """An agent (lawyer, employee) acting for a party under a power of attorney the clerk approved.

    Special authority is needed to settle: to sign an agreement, to apply for or join an application
    for judicial confirmation (Civil Procedure Law art. 62)."""

    __tablename__ = "powers_of_attorney"
    __table_args__ = (
        sa.CheckConstraint("state = 'pending' OR reason IS NOT NULL", name="decision_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    scope: Mapped[AttorneyScope] = mapped_column(enum_type(AttorneyScope))
    state: Mapped[PowerState] = mapped_column(enum_type(PowerState), default=PowerState.PENDING)
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(sa.String(100))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    party: Mapped[CaseParty] = relationship(back_populates="powers")
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Invitation(db.Model):
    """A single-use, expiring link that lets a respondent without an account register and see the case."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    party: Mapped[CaseParty] = relationship()


class CaseNumberCounter(db.Model):
    """The last sequence number given to a case in a year."""

    __tablename__ = "case_number_counters"

    prefix: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


def access_conditions(user) -> list:
    """Each way USER may see a case, as a condition on Case that one index serves; [] for nobody.

    Lists ask them one by one and join the answers (odr.cases.visibility)."""
    from odr.accounts.models import Role
    from odr.cases import access

    if user is None or not user.is_authenticated:
        return []
    conditions = [
        Case.id.in_(sa.select(CaseParty.case_id).where(CaseParty.user_id == user.id)),
        Case.id.in_(
            sa.select(CaseParty.case_id)
            .join(PowerOfAttorney, PowerOfAttorney.party_id == CaseParty.id)
            .where(PowerOfAttorney.agent_id == user.id, PowerOfAttorney.state == PowerState.APPROVED)
        ),
    ]
    if user.has_role(Role.CLERK) and user.organisation_id is not None:
        conditions.append(Case.organisation_id == user.organisation_id)
    conditions.extend(access.clauses(user))
    return conditions


def visible_to(user):
    """A WHERE clause selecting the cases USER may see; the query twin of ``Case.can_view``.

    Fine for a few known cases; lists of all a user may see go through odr.cases.visibility."""
    conditions = access_conditions(user)
    return sa.or_(*conditions) if conditions else sa.false()
