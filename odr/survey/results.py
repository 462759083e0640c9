"""What the answers add up to. Every figure is an aggregate over answers that name no party; a
mean is shown only when it rests on at least MIN_ANSWERS answers, so no single answer can be read
back out of it (an expert's own figures, the ranking, the staff's filtered tables alike)."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from odr.extensions import db
from odr.survey.models import QUESTIONS, ExpertScore, SurveyAnswer, SurveyExpert

MIN_ANSWERS = 5


@dataclass
class Summary:
    """Answers counted, the mean of each question, and how the overall ratings spread over 1-5."""

    answers: int
    means: dict = field(default_factory=dict)
    spread: dict = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.answers >= MIN_ANSWERS


def summarise(where=()) -> Summary:
    """The answers matching the WHERE clauses (on SurveyAnswer), summed up."""
    columns = [sa.func.count(SurveyAnswer.id)] + [sa.func.sum(getattr(SurveyAnswer, q)) for q in QUESTIONS]
    row = db.session.execute(sa.select(*columns).where(*where)).one()
    count = row[0] or 0
    spread = dict.fromkeys(range(1, 6), 0)
    spread.update(
        db.session.execute(
            sa.select(SurveyAnswer.overall, sa.func.count()).where(*where).group_by(SurveyAnswer.overall)
        ).all()
    )
    if count < MIN_ANSWERS:
        return Summary(count, {}, {})
    return Summary(
        count,
        {q: round(float(total) / count, 2) for q, total in zip(QUESTIONS, row[1:], strict=True)},
        spread,
    )


def for_expert(expert_id: int) -> Summary:
    """The answers on the cases EXPERT served on (shown to the expert from MIN_ANSWERS up)."""
    return summarise(
        [SurveyAnswer.case_id.in_(sa.select(SurveyExpert.case_id).where(SurveyExpert.expert_id == expert_id))]
    )


def expert_scores(user_ids=None, connection=None) -> dict[int, tuple[float | None, int]]:
    """Per expert (user id): the mean overall rating on the cases they served on, and the number of
    answers it rests on; the mean is None below MIN_ANSWERS."""
    query = sa.select(ExpertScore.expert_id, ExpertScore.answers, ExpertScore.overall_total)
    if user_ids is not None:
        query = query.where(ExpertScore.expert_id.in_(user_ids))
    return {
        expert_id: ((total / answers) if answers >= MIN_ANSWERS else None, answers)
        for expert_id, answers, total in (connection or db.session).execute(query)
    }


def comments(where=(), limit=200) -> list[tuple]:
    """The comments (newest first) with the month they were written and how the case ended: no
    case, no party."""
    return db.session.execute(
        sa.select(SurveyAnswer.answered_on, SurveyAnswer.ended_as, SurveyAnswer.overall, SurveyAnswer.comment)
        .where(SurveyAnswer.comment.is_not(None), *where)
        .order_by(SurveyAnswer.answered_on.desc(), SurveyAnswer.id.desc())
        .limit(limit)
    ).all()


def case_sums(case_ids) -> dict[int, tuple[int, ...]]:
    """Per case: the number of answers and the sum of each question's ratings (for the statistics,
    which add them up further and never show fewer than MIN_ANSWERS)."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            SurveyAnswer.case_id,
            sa.func.count(),
            *(sa.func.sum(getattr(SurveyAnswer, q)) for q in QUESTIONS),
        )
        .where(SurveyAnswer.case_id.in_(case_ids))
        .group_by(SurveyAnswer.case_id)
    ).all()
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in rows}
