"""Experts see the cases they have accepted, and act on them in their seat's capacity."""

import sqlalchemy as sa

from odr.cases import access
from odr.cases.models import Case
from odr.cases.workflow import Capacity
from odr.experts.models import Assignment, AssignmentState, Seat

SEAT_CAPACITY = {
    Seat.MEDIATOR: Capacity.MEDIATOR,
    Seat.CO_MEDIATOR: Capacity.MEDIATOR,
    Seat.TECHNICAL_INVESTIGATOR: Capacity.TECHNICAL_INVESTIGATOR,
}


def _clause(user):
    return Case.id.in_(
        sa.select(Assignment.case_id).where(
            Assignment.expert_id == user.id, Assignment.state == AssignmentState.ACCEPTED
        )
    )


def _capacities(case, user):
    return {
        SEAT_CAPACITY[a.seat]
        for a in case.assignments
        if a.expert_id == user.id and a.state == AssignmentState.ACCEPTED and a.seat in SEAT_CAPACITY
    }


RULE = access.AccessRule(clause=_clause, capacities=_capacities)


def init_app(app):
    from odr.experts import labels  # noqa: F401  (registers the timeline labels)

    access.register(RULE)
