"""An expert's profile: what they know, when they are free, whom they are tied to."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from odr.accounts.models import Organisation, User
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db

TRAINING_TARGET_HOURS = Decimal(10)


class TechnicalField(LabelledEnum):
    MECHANICAL = "mechanical", _l("Mechanical engineering")
    CHEMISTRY_PHARMA = "chemistry_pharma", _l("Chemistry and pharmaceuticals")
    ELECTRONICS_COMMS = "electronics_comms", _l("Electronics and communications")
    SOFTWARE = "software", _l("Software")
    BIOLOGY_AGRICULTURE = "biology_agriculture", _l("Biology and agriculture")
    MATERIALS = "materials", _l("Materials")
    FOOD_PROCESSING = "food_processing", _l("Food and tea processing")


class Language(LabelledEnum):
    ZH = "zh", _l("Mandarin Chinese")
    YUE = "yue", _l("Cantonese")
    ZHUANG = "za", _l("Zhuang")
    EN = "en", _l("English")
    VI = "vi", _l("Vietnamese")


class ExpertStatus(LabelledEnum):
    ACTIVE = "active", _l("Active")
    SUSPENDED = "suspended", _l("Suspended")


class AffiliationKind(LabelledEnum):
    EMPLOYER = "employer", _l("Works or worked for")
    CLIENT = "client", _l("Represented or advised")
    LAW_FIRM = "law_firm", _l("Law or agency firm")
    MEMBER = "member", _l("Member or shareholder")
    OTHER = "other", _l("Other tie")


class ExpertProfile(db.Model):
    __tablename__ = "expert_profiles"
    __table_args__ = (
        sa.CheckConstraint("max_open_cases > 0", name="cap_positive"),
        sa.CheckConstraint(
            "(status = 'suspended') = (suspension_reason IS NOT NULL)", name="suspended_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ExpertStatus] = mapped_column(
        enum_type(ExpertStatus), default=ExpertStatus.ACTIVE, index=True
    )
    suspension_reason: Mapped[str | None] = mapped_column(sa.Text)
    title: Mapped[str | None] = mapped_column(sa.String(100))
    bio: Mapped[str | None] = mapped_column(sa.Text)
    specialties: Mapped[list] = mapped_column(sa.JSON, default=list)
    industries: Mapped[list] = mapped_column(sa.JSON, default=list)
    technical_fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list] = mapped_column(sa.JSON, default=lambda: ["zh"])
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    max_open_cases: Mapped[int] = mapped_column(default=8)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(lazy="joined", backref=backref("expert_profile", uselist=False))
    station: Mapped[Organisation | None] = relationship()
    affiliations: Mapped[list["ExpertAffiliation"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ExpertAffiliation.id"
    )
    unavailability: Mapped[list["ExpertUnavailability"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ExpertUnavailability.starts_on"
    )
    training: Mapped[list["ExpertTraining"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ExpertTraining.completed_on.desc()"
    )

    @property
    def active(self) -> bool:
        return self.status == ExpertStatus.ACTIVE and self.user.active

    def training_hours(self, year: int) -> Decimal:
        return sum((t.hours for t in self.training if t.year == year), Decimal(0))

    def meets_training_target(self, year: int) -> bool:
        return self.training_hours(year) >= TRAINING_TARGET_HOURS


class ExpertAffiliation(db.Model):
    """A company, firm or organisation the expert works for or has represented: a source of conflicts."""

    __tablename__ = "expert_affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AffiliationKind] = mapped_column(enum_type(AffiliationKind))
    entity_name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(sa.String(300))

    profile: Mapped[ExpertProfile] = relationship(back_populates="affiliations")


class ExpertUnavailability(db.Model):
    __tablename__ = "expert_unavailability"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(sa.String(200))

    profile: Mapped[ExpertProfile] = relationship(back_populates="unavailability")


class ExpertTraining(db.Model):
    __tablename__ = "expert_training"
    __table_args__ = (sa.CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1))
    course: Mapped[str] = mapped_column(sa.String(200))
    completed_on: Mapped[date]

    profile: Mapped[ExpertProfile] = relationship(back_populates="training")


def name_key(name: str | None) -> str:
    """A company or person name reduced for matching: no spaces, brackets unified, lower case."""
    if not name:
        return ""
    table = str.maketrans({"（": "(", "）": ")", " ": None, "\u3000": None, "\t": None})
    return name.translate(table).strip().lower()
