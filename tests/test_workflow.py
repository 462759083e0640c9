"""The case workflow table, walked for every (state, action) pair and every capacity."""

import pytest

from odr.accounts.models import Role
from odr.audit.models import AuditEntry
from odr.cases import workflow
from odr.cases.models import CaseState, Track
from odr.cases.workflow import TRANSITIONS, Action, Capacity, TransitionError
from odr.core.db import utcnow
from odr.experts.models import Assignment, AssignmentState, Seat


@pytest.fixture
def actors(respondent, clerk, make_user):
    return {
        Capacity.CLAIMANT: "claimant",
        Capacity.RESPONDENT: respondent,
        Capacity.CLERK: clerk,
        Capacity.MEDIATOR: make_user(Role.MEDIATOR, organisation=clerk.organisation),
        Capacity.SYSTEM: None,
    }


def put_in_state(case, state):
    case.state = state
    case.mediation_started_at = utcnow() if state == CaseState.MEDIATING else None
    if state not in (CaseState.SUBMITTED, CaseState.REFUSED, CaseState.WITHDRAWN):
        case.number = f"TEST-{case.id:06d}"
        case.track = Track.SIMPLE
    case.refusal_reason = "理由" if state == CaseState.REFUSED else None


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("action", list(Action))
def test_every_state_and_action(db, make_case, respondent, actors, claimant, state, action):
    case = make_case(respondents=[respondent])
    actors[Capacity.CLAIMANT] = claimant
    case.respondents[0].user = respondent
    db.session.add(
        Assignment(
            case=case,
            seat=Seat.MEDIATOR,
            expert=actors[Capacity.MEDIATOR],
            state=AssignmentState.ACCEPTED,
            answer_due_at=utcnow(),
            declaration_signed_at=utcnow(),
        )
    )
    put_in_state(case, state)
    db.session.flush()
    rule = TRANSITIONS.get((state, action))
    for capacity, actor in actors.items():
        expected = rule is not None and capacity in rule[1]
        if expected:
            case_entries = db.session.query(AuditEntry).filter(AuditEntry.action.like("case.%"))
            before = case_entries.count()
            updates = {"refusal_reason": "不属于受理范围"} if rule[0] == CaseState.REFUSED else {}
            if case.number is None and rule[0] not in (CaseState.REFUSED, CaseState.WITHDRAWN):
                updates = {"number": f"TEST-{case.id:06d}", "track": Track.SIMPLE}
            if rule[0] == CaseState.MEDIATING:
                updates = {"mediation_started_at": utcnow()}
            assert workflow.apply(case, action, actor=actor, capacity=capacity, updates=updates) == rule[0]
            assert case.state == rule[0]
            assert case_entries.count() == before + 1
            put_in_state(case, state)
            db.session.flush()
        else:
            with pytest.raises(TransitionError):
                workflow.apply(case, action, actor=actor, capacity=capacity)
            assert case.state == state


def test_a_user_cannot_claim_a_capacity_they_do_not_hold(db, make_case, respondent):
    case = make_case(respondents=[respondent])
    with pytest.raises(TransitionError):
        workflow.apply(case, Action.ACCEPT, actor=respondent, capacity=Capacity.CLERK)
    with pytest.raises(TransitionError):
        workflow.apply(case, Action.ACCEPT, actor=respondent)
    assert case.state == CaseState.SUBMITTED


def test_table_matches_the_design():
    """Every state but the final ones can be left; the final ones cannot."""
    sources = {state for state, _action in TRANSITIONS}
    assert {CaseState.REFUSED, CaseState.REFERRED, CaseState.CLOSED, CaseState.WITHDRAWN}.isdisjoint(sources)
    assert sources | {CaseState.REFUSED, CaseState.REFERRED, CaseState.CLOSED, CaseState.WITHDRAWN} == set(
        CaseState
    )
