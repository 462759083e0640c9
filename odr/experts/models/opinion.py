"""Technical questions put to an investigator, and the written opinion that answers them."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import User
from odr.cases.models import Case
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum
from odr.extensions import db


class OpinionVisibility(LabelledEnum):
    NEUTRALS = "neutrals", _l("Mediators and tribunal only")
    PARTIES = "parties", _l("Also the parties")


class TechnicalQuestion(db.Model):
    __tablename__ = "technical_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opinion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("technical_opinions.id"))

    asked_by: Mapped[User] = relationship()


class TechnicalOpinion(db.Model):
    """技术审查意见: filed once, rendered to a PDF whose SHA-256 is kept."""

    __tablename__ = "technical_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    investigator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    analysis: Mapped[str] = mapped_column(sa.Text)
    conclusion: Mapped[str] = mapped_column(sa.Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    case: Mapped[Case] = relationship()
    investigator: Mapped[User] = relationship()
    questions: Mapped[list[TechnicalQuestion]] = relationship(
        primaryjoin="TechnicalQuestion.opinion_id == TechnicalOpinion.id", order_by="TechnicalQuestion.id"
    )
    attachments: Mapped[list["OpinionAttachment"]] = relationship(
        cascade="all, delete-orphan", order_by="OpinionAttachment.id"
    )


class OpinionAttachment(db.Model):
    __tablename__ = "opinion_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("technical_opinions.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
