"""Experts see the cases they have accepted, and act on them in their seat's capacity."""

import sqlalchemy as sa

from odr.cases import access
from odr.cases.models import Case
from odr.cases.workflow import Capacity
from odr.experts.models import Assignment, AssignmentState, Seat
from odr.extensions import db

SEAT_CAPACITY = {
    Seat.MEDIATOR: Capacity.MEDIATOR,
    Seat.CO_MEDIATOR: Capacity.MEDIATOR,
    Seat.TECHNICAL_INVESTIGATOR: Capacity.TECHNICAL_INVESTIGATOR,
}
# A seat released when the case moved on: the expert reads what they did there and acts on nothing.
RELEASED_CAPACITY = {
    Seat.MEDIATOR: Capacity.FORMER_MEDIATOR,
    Seat.CO_MEDIATOR: Capacity.FORMER_MEDIATOR,
    Seat.TECHNICAL_INVESTIGATOR: Capacity.FORMER_INVESTIGATOR,
}


def _served(assignment) -> bool:
    """Accepted, and still serving or released when the case moved on (it still served on it)."""
    return assignment.state == AssignmentState.ACCEPTED or (
        assignment.state == AssignmentState.RELEASED and assignment.declaration_signed_at is not None
    )


def _clause(user):
    return Case.id.in_(
        sa.select(Assignment.case_id).where(
            Assignment.expert_id == user.id,
            sa.or_(
                Assignment.state == AssignmentState.ACCEPTED,
                sa.and_(
                    Assignment.state == AssignmentState.RELEASED,
                    Assignment.declaration_signed_at.is_not(None),
                ),
            ),
        )
    )


def _capacities(case, user):
    # One small query for this user's seats, rather than loading every assignment of the case.
    rows = db.session.execute(
        sa.select(Assignment.seat, Assignment.state, Assignment.declaration_signed_at).where(
            Assignment.case_id == case.id, Assignment.expert_id == user.id
        )
    ).all()
    held = set()
    for row in rows:
        if row.seat not in SEAT_CAPACITY or not _served(row):
            continue
        serving = row.state == AssignmentState.ACCEPTED
        held.add((SEAT_CAPACITY if serving else RELEASED_CAPACITY)[row.seat])
    return held


RULE = access.AccessRule(clause=_clause, capacities=_capacities)


def init_app(app):
    from odr.experts import labels  # noqa: F401  (registers the timeline labels)

    access.register(RULE)
