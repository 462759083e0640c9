"""Who may see a dispute because of its arbitration: the commission's clerks and the tribunal; and
the hearing room's rules for the rooms package."""

import sqlalchemy as sa

from odr.accounts.models import Role
from odr.arbitration.models import ArbitrationCase, ArbitrationState, SeatState, TribunalSeat
from odr.cases import access
from odr.cases.models import Case
from odr.cases.workflow import Capacity
from odr.extensions import db

ROLE_CAPACITIES = {Capacity.ARBITRATION_CLERK, Capacity.ARBITRATOR, Capacity.PRESIDING_ARBITRATOR}


def _clause(user):
    conditions = [
        Case.id.in_(
            sa.select(ArbitrationCase.case_id)
            .join(TribunalSeat, TribunalSeat.arbitration_id == ArbitrationCase.id)
            .where(
                TribunalSeat.arbitrator_id == user.id,
                TribunalSeat.state.in_((SeatState.PROPOSED, SeatState.ACCEPTED)),
            )
        )
    ]
    if user.has_role(Role.CLERK) and user.organisation_id is not None:
        conditions.append(
            Case.id.in_(
                sa.select(ArbitrationCase.case_id).where(
                    ArbitrationCase.commission_id == user.organisation_id
                )
            )
        )
    return conditions


def _capacities(case, user):
    from odr.arbitration import workflow

    held = set()
    for arbitration in db.session.scalars(
        sa.select(ArbitrationCase).where(ArbitrationCase.case_id == case.id)
    ):
        held |= workflow.capacities(arbitration, user) & ROLE_CAPACITIES
        if any(s.arbitrator_id == user.id and s.state == SeatState.PROPOSED for s in arbitration.seats):
            held.add(Capacity.ARBITRATOR_ASKED)
    return held


def _hearing_active(case) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ArbitrationCase)
            .where(
                ArbitrationCase.case_id == case.id,
                ArbitrationCase.state.in_(
                    (ArbitrationState.HEARING, ArbitrationState.AWARD_REVIEW, ArbitrationState.AWARD_PENDING)
                ),
            )
        )
        > 0
    )


def _tribunal_members(case):
    return [
        seat.arbitrator
        for arbitration in db.session.scalars(
            sa.select(ArbitrationCase).where(ArbitrationCase.case_id == case.id)
        )
        for seat in arbitration.serving
    ]


RULE = access.AccessRule(clause=_clause, capacities=_capacities)


def init_app(app):
    from odr.arbitration import clocks, notices  # noqa: F401  (deadlines and notices follow the chain)
    from odr.rooms import operations as rooms

    access.register(RULE)
    if _hearing_active not in rooms.HEARING_ACTIVE:
        rooms.HEARING_ACTIVE.append(_hearing_active)
    if _tribunal_members not in rooms.PARTICIPANT_SOURCES:
        rooms.PARTICIPANT_SOURCES.append(_tribunal_members)
    from odr.arbitration.documents import hearing_record
    from odr.rooms import views as room_views
    from odr.rooms.models import RoomKind

    room_views.RECORD_LAYOUTS[RoomKind.HEARING] = hearing_record
