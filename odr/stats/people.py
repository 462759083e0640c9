"""Figures about the people rather than the cases: the experts' workload and satisfaction, and
training hours against the yearly target. The tables are small (one row per expert, per seat, per
course), so these are read directly."""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from odr.accounts.models import User
from odr.extensions import db
from odr.stats.figures import Filters


@dataclass
class ExpertLine:
    expert_id: int
    name: str
    served: int  # seats taken up in the period: mediation seats and tribunal seats
    open_now: int
    satisfaction: float | None  # None below the survey's minimum of answers
    answers: int


def workload(filters: Filters) -> list[ExpertLine]:
    """Per expert of the organisation (all when none): the seats they took up in the period, their
    open seats now, and the parties' mean overall rating of the cases they served on."""
    from odr.arbitration.models import SeatState, TribunalSeat
    from odr.experts.models import Assignment, AssignmentState, ExpertProfile
    from odr.experts.ranking import open_loads
    from odr.survey.results import expert_scores

    start, end = filters.bounds()
    experts = sa.select(ExpertProfile.user_id, User.name).join(User, User.id == ExpertProfile.user_id)
    if filters.org_id:
        experts = experts.where(User.organisation_id == filters.org_id)
    people = dict(db.session.execute(experts).all())
    served = dict.fromkeys(people, 0)
    mediation = db.session.execute(
        sa.select(Assignment.expert_id, sa.func.count())
        .where(
            Assignment.declaration_signed_at >= start,
            Assignment.declaration_signed_at < end,
            Assignment.state.in_((AssignmentState.ACCEPTED, AssignmentState.RELEASED)),
        )
        .group_by(Assignment.expert_id)
    )
    tribunal = db.session.execute(
        sa.select(TribunalSeat.arbitrator_id, sa.func.count())
        .where(
            TribunalSeat.declaration_signed_at >= start,
            TribunalSeat.declaration_signed_at < end,
            TribunalSeat.state == SeatState.ACCEPTED,
        )
        .group_by(TribunalSeat.arbitrator_id)
    )
    for expert_id, n in [*mediation, *tribunal]:
        if expert_id in served:
            served[expert_id] += n
    # Every expert's open seats and scores are read whole and looked up: binding each expert's id
    # (thousands of them) costs more than the few rows of experts outside the organisation.
    loads = open_loads()
    scores = expert_scores()
    lines = [
        ExpertLine(uid, name, served[uid], loads.get(uid, 0), *scores.get(uid, (None, 0)))
        for uid, name in people.items()
    ]
    return sorted(lines, key=lambda x: (-x.served, -x.open_now, x.name))


@dataclass
class TrainingLine:
    expert_id: int
    name: str
    hours: Decimal

    @property
    def meets_target(self) -> bool:
        from odr.experts.models.profile import TRAINING_TARGET_HOURS

        return self.hours >= TRAINING_TARGET_HOURS


def training(year: int, org_id: int = 0) -> list[TrainingLine]:
    """Each expert's training hours in YEAR (0 for none), most first."""
    from odr.experts.models import ExpertProfile, ExpertStatus, ExpertTraining

    query = (
        sa.select(ExpertProfile.user_id, User.name, sa.func.coalesce(sa.func.sum(ExpertTraining.hours), 0))
        .join(User, User.id == ExpertProfile.user_id)
        .outerjoin(
            ExpertTraining,
            sa.and_(ExpertTraining.profile_id == ExpertProfile.id, ExpertTraining.year == year),
        )
        .where(ExpertProfile.status == ExpertStatus.ACTIVE)
        .group_by(ExpertProfile.user_id, User.name)
    )
    if org_id:
        query = query.where(User.organisation_id == org_id)
    lines = [
        TrainingLine(uid, name, Decimal(hours).quantize(Decimal("0.1")))
        for uid, name, hours in db.session.execute(query)
    ]
    return sorted(lines, key=lambda x: (-x.hours, x.name))


def training_summary(lines: list[TrainingLine]) -> dict:
    from odr.experts.models.profile import TRAINING_TARGET_HOURS

    total = sum((x.hours for x in lines), Decimal(0))
    met = sum(1 for x in lines if x.meets_target)
    return {
        "experts": len(lines),
        "hours": total,
        "average": (total / len(lines)).quantize(Decimal("0.1")) if lines else None,
        "met": met,
        "share_met": round(met / len(lines), 4) if lines else None,
        "target": TRAINING_TARGET_HOURS,
    }
