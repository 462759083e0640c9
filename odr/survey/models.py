"""Survey invitations (who was asked, by case and party), answers (kept apart from the party, so no
figure or page can tie an answer to whoever gave it) and the experts each case's answers rate."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db

MIN_RATING, MAX_RATING = 1, 5
# The questions rated 1-5, in the order they are asked.
QUESTIONS = ("overall", "fairness", "professionalism", "speed", "cost", "would_use_again")


class Ending(LabelledEnum):
    """How the case ended when its parties were asked."""

    PERFORMED = "performed", _l("Settlement performed")
    FAILED = "failed", _l("Mediation failed")
    HANDED_OVER = "handed_over", _l("Handed over to a court or the arbitration commission")
    AWARDED = "awarded", _l("Arbitral award issued")
    WITHDRAWN = "withdrawn", _l("Withdrawn after mediation began")


class SurveyInvitation(db.Model):
    """One party of one case asked once: answered, or closed 30 days after asking."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "party_id", name="uq_survey_invitations_case_party"),
        sa.CheckConstraint("answered_at IS NULL OR closed_at IS NULL", name="answered_or_closed"),
        sa.Index("ix_survey_invitations_user_open", "user_id", "answered_at", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("case_parties.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    ended_as: Mapped[Ending] = mapped_column(enum_type(Ending))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case")

    def is_open(self, now: datetime) -> bool:
        return self.answered_at is None and self.closed_at is None and now < self.closes_at


def _rating(name):
    return sa.CheckConstraint(f"{name} BETWEEN {MIN_RATING} AND {MAX_RATING}", name=f"{name}_range")


class SurveyAnswer(db.Model):
    """An answer: the ratings and comment only. It names neither the party nor the invitation."""

    __tablename__ = "survey_answers"
    __table_args__ = (*(_rating(q) for q in QUESTIONS), sa.Index("ix_survey_answers_answered", "answered_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    ended_as: Mapped[Ending] = mapped_column(enum_type(Ending))
    # The day only (in Beijing): the time of the invitation's answer would tie the two together.
    answered_on: Mapped[date]
    overall: Mapped[int] = mapped_column(sa.SmallInteger)
    fairness: Mapped[int] = mapped_column(sa.SmallInteger)
    professionalism: Mapped[int] = mapped_column(sa.SmallInteger)
    speed: Mapped[int] = mapped_column(sa.SmallInteger)
    cost: Mapped[int] = mapped_column(sa.SmallInteger)
    would_use_again: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str | None] = mapped_column(sa.Text)


class SurveyExpert(db.Model):
    """An expert who served on a case whose parties were asked: the answers on the case rate them."""

    __tablename__ = "survey_experts"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ExpertScore(db.Model):
    """Running totals of the overall ratings given on the cases an expert served on: what the
    ranking reads, kept in step with each answer (tests compare it with the answers themselves)."""

    __tablename__ = "survey_expert_scores"

    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    overall_total: Mapped[int] = mapped_column(default=0)
