"""Escalation at expiry: when a time limit runs out and the platform acts, the people who must
know are told. Who they are is data, per kind of deadline; other clocks (the court's) add their
own audiences and rows here."""

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.deadlines.models import Deadline, DeadlineKind
from odr.extensions import db
from odr.notifications.operations import TEXTS, notify

TEXTS.update(
    {
        "deadline.escalated": _l(
            "A time limit ran out in case %(number)s: %(kind)s. The platform acted; the case is now "
            "“%(state)s”. Please see to the next step."
        ),
    }
)


def _clerks_of_the_case(case):
    """The clerks of the organisation that received the case (looked up once per organisation in a
    transaction: a sweep acting on many deadlines of one organisation asks once)."""
    from odr.accounts.models import Role, staff_of

    transaction = db.session().get_transaction()
    held = db.session.info.get(_STAFF)
    if held is None or held[0] is not transaction:
        held = (transaction, {})
        db.session.info[_STAFF] = held
    if case.organisation_id not in held[1]:
        held[1][case.organisation_id] = staff_of(case.organisation_id, Role.CLERK)
    return held[1][case.organisation_id]


_STAFF = "odr.escalation.staff"


def _mediators_of_the_case(case):
    """The mediators serving on the case (their seats may just have been released), in one query."""
    from odr.accounts.models import User
    from odr.experts.models import Assignment, AssignmentState, Seat

    return list(
        db.session.scalars(
            sa.select(User)
            .join(Assignment, Assignment.expert_id == User.id)
            .where(
                Assignment.case_id == case.id,
                Assignment.seat.in_([seat for seat in Seat if seat.is_mediator]),
                Assignment.declaration_signed_at.is_not(None),
                Assignment.state.in_((AssignmentState.ACCEPTED, AssignmentState.RELEASED)),
            )
            .order_by(Assignment.id)
        )
    )


# audience name -> function(case) giving the users to tell
AUDIENCES: dict[str, Callable] = {"clerks": _clerks_of_the_case, "mediators": _mediators_of_the_case}

# kind -> the audiences told when a deadline of that kind runs out and is acted on
ESCALATE: dict[DeadlineKind, tuple[str, ...]] = {
    DeadlineKind.RESPONDENT_ANSWER: ("clerks",),
    DeadlineKind.EXPERT_ANSWER: ("clerks",),
    DeadlineKind.MEDIATION_PERIOD: ("clerks", "mediators"),
    DeadlineKind.INVESTIGATOR_NOTICE: ("clerks",),
}

NOTHING_DONE = "nothing to do"


def escalate(deadline: Deadline, outcome: str | None):
    """Tell the audiences of DEADLINE's kind that it ran out (not when there was nothing to do)."""
    audiences = ESCALATE.get(deadline.kind)
    if not audiences or outcome == NOTHING_DONE or deadline.case_id is None:
        return []
    from odr.cases.models import Case

    case = db.session.get(Case, deadline.case_id)
    if case is None:
        return []
    people = {u.id: u for name in audiences for u in AUDIENCES[name](case)}
    if not people:
        return []
    notify(
        people.values(),
        "deadline.escalated",
        case,
        number=case.number,
        kind=deadline.kind.value,
        state=case.state.value,
    )
    record(
        "deadline.escalated",
        deadline,
        case=case,
        actor=None,
        details={"kind": deadline.kind.value, "audiences": list(audiences), "told": sorted(people)},
    )
    return list(people.values())
