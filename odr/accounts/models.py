"""Users, their roles, and the organisations they belong to."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class Role(LabelledEnum):
    PARTY = "party", _l("Party")
    CLERK = "clerk", _l("Clerk")
    MEDIATOR = "mediator", _l("Mediator")
    ARBITRATOR = "arbitrator", _l("Arbitrator")
    TECHNICAL_INVESTIGATOR = "technical_investigator", _l("Technical investigator")
    COURT_LIAISON = "court_liaison", _l("Court liaison officer")
    ADMIN = "admin", _l("Administrator")
    CREDIT_OFFICER = "credit_officer", _l("Credit officer (market regulator)")


STAFF_ROLES = [r for r in Role if r is not Role.PARTY]


class PartyKind(LabelledEnum):
    PERSON = "person", _l("Natural person")
    COMPANY = "company", _l("Company or organisation")


class OrgKind(LabelledEnum):
    MEDIATION_COMMITTEE = "mediation_committee", _l("Mediation committee")
    ARBITRATION_COMMISSION = "arbitration_commission", _l("Arbitration commission")
    BASIC_COURT = "basic_court", _l("Basic people's court")
    INTERMEDIATE_COURT = "intermediate_court", _l("Intermediate people's court")
    PARK_STATION = "park_station", _l("Park service station")
    NOTARY = "notary", _l("Notary office")


# Organisations that take in filings and whose clerks triage them.
INTAKE_KINDS = (OrgKind.MEDIATION_COMMITTEE, OrgKind.PARK_STATION)
COURT_KINDS = (OrgKind.BASIC_COURT, OrgKind.INTERMEDIATE_COURT)


class Locale(LabelledEnum):
    ZH_CN = "zh_CN", "中文"
    EN = "en", "English"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind))
    region: Mapped[str | None] = mapped_column(sa.String(100))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def takes_filings(self) -> bool:
        return self.kind in INTAKE_KINDS

    def display_name(self, locale="zh_CN"):
        return self.name_en if locale == "en" and self.name_en else self.name

    def __repr__(self):
        return f"<Organisation {self.name}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    # "the organisation's clerks": who holds a role, without reading every user's roles
    __table_args__ = (sa.Index("ix_user_roles_role_user", "role", "user_id"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_type(Role), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "party_kind IS NULL"
            " OR (party_kind = 'person' AND id_number IS NOT NULL)"
            " OR (party_kind = 'company' AND credit_code IS NOT NULL)",
            name="party_identity",
        ),
        sa.Index("ix_users_organisation_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    locale: Mapped[str] = mapped_column(sa.String(10), default="zh_CN")
    party_kind: Mapped[PartyKind | None] = mapped_column(enum_type(PartyKind))
    id_number: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(100))
    # An organisation's legal representative as its account gives it; a new case of the account starts
    # with it (odr.cases.representatives).
    legal_representative: Mapped[str | None] = mapped_column(sa.String(100))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The credit code or ID number this account was verified to hold (odr.identity): one account
    # per number, so a second claim on it is a conflict for the clerk.
    verified_number: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set at sign-in when the password no longer passes the policy: the user is asked to change it.
    password_change_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Two-factor sign-in (odr.accounts.twofactor): the TOTP secret, and the last time step used.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_counter: Mapped[int | None] = mapped_column(sa.BigInteger)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    @property
    def roles(self) -> set[Role]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def add_role(self, role: Role):
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        return any(r in STAFF_ROLES for r in self.roles)

    @property
    def identity_number(self) -> str | None:
        return self.credit_code if self.party_kind == PartyKind.COMPANY else self.id_number

    @property
    def identity_verified(self) -> bool:
        """Whether this account has been verified to hold the number it registered with."""
        return self.verified_number is not None and self.verified_number == self.identity_number

    def __repr__(self):
        return f"<User {self.email}>"


def staff_of(organisation_id, role) -> list["User"]:
    """The active accounts holding ROLE in the organisation (its clerks, its liaison officers...)."""
    if organisation_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.organisation_id == organisation_id,
                User.active.is_(True),
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == Role(role))),
            )
        )
    )
