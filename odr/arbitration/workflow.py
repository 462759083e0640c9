"""The arbitration case's lifecycle as data, and in what capacity someone acts on it."""

from flask_babel import lazy_gettext as _l

from odr.accounts.models import Role
from odr.arbitration.models import ArbitrationState as S
from odr.arbitration.models import SeatState
from odr.audit.operations import record
from odr.cases.models import Side
from odr.cases.workflow import Capacity, TransitionError
from odr.core.labels import LabelledEnum


class ArbitrationAction(LabelledEnum):
    ACCEPT = "accept", _l("The commission accepted the application and served the respondent")
    REFUSE = "refuse", _l("The commission did not accept the application")
    TRIBUNAL_FORMED = "tribunal_formed", _l("The tribunal was formed")
    SEAT_VACATED = "seat_vacated", _l("A seat of the tribunal fell vacant")
    DRAFT_AWARD = "draft_award", _l("The presiding arbitrator drafted the award")
    RECORD_SETTLEMENT = "record_settlement", _l("The tribunal recorded the parties' settlement")
    REVIEW_AWARD = "review_award", _l("The commission reviewed the draft award")
    WITHDRAW_DRAFT = "withdraw_draft", _l("The draft award was withdrawn for changes")
    ISSUE = "issue", _l("The award was issued and served on the parties")
    WITHDRAW = "withdraw", _l("The claimant withdrew the application")
    PERFORMED = "performed", _l("The award was performed")
    APPLY_ENFORCEMENT = "apply_enforcement", _l("A party applied for enforcement of the award")


A = ArbitrationAction
C = Capacity
CLERK = frozenset({C.ARBITRATION_CLERK})
CHAIR = frozenset({C.PRESIDING_ARBITRATOR})
PLATFORM = frozenset({C.SYSTEM})

TRANSITIONS: dict[tuple[S, ArbitrationAction], tuple[S, frozenset[Capacity]]] = {
    (S.SUBMITTED, A.ACCEPT): (S.FORMING_TRIBUNAL, CLERK),
    (S.SUBMITTED, A.REFUSE): (S.REFUSED, CLERK),
    (S.FORMING_TRIBUNAL, A.TRIBUNAL_FORMED): (S.HEARING, PLATFORM),
    (S.HEARING, A.SEAT_VACATED): (S.FORMING_TRIBUNAL, PLATFORM),
    # A draft goes to the commission for review (核阅), then to the arbitrators for signature.
    (S.HEARING, A.DRAFT_AWARD): (S.AWARD_REVIEW, CHAIR),
    (S.HEARING, A.RECORD_SETTLEMENT): (S.AWARD_REVIEW, CHAIR),
    (S.AWARD_REVIEW, A.REVIEW_AWARD): (S.AWARD_PENDING, CLERK),
    (S.AWARD_REVIEW, A.WITHDRAW_DRAFT): (S.HEARING, CHAIR),
    (S.AWARD_PENDING, A.WITHDRAW_DRAFT): (S.HEARING, CHAIR),
    (S.AWARD_PENDING, A.ISSUE): (S.AWARDED, PLATFORM),
    (S.AWARDED, A.PERFORMED): (S.PERFORMED, PLATFORM),
    (S.ENFORCEMENT_REQUESTED, A.PERFORMED): (S.PERFORMED, PLATFORM),
    (S.AWARDED, A.APPLY_ENFORCEMENT): (S.ENFORCEMENT_REQUESTED, frozenset({C.CLAIMANT})),
    **{
        (state, A.WITHDRAW): (S.WITHDRAWN, frozenset({C.CLAIMANT}))
        for state in (S.SUBMITTED, S.FORMING_TRIBUNAL, S.HEARING)
    },
}


def capacities(arbitration, user) -> set[Capacity]:
    """The capacities in which USER acts on ARBITRATION."""
    held = set()
    if user is None or not user.is_authenticated:
        return held
    party = arbitration.case.party_of(user)
    if party is not None:
        held.add(C.CLAIMANT if party.side == Side.CLAIMANT else C.RESPONDENT)
    if user.has_role(Role.CLERK) and user.organisation_id == arbitration.commission_id:
        held.add(C.ARBITRATION_CLERK)
    for seat in arbitration.seats:
        if seat.arbitrator_id == user.id and seat.state == SeatState.ACCEPTED:
            held.add(C.ARBITRATOR)
            if arbitration.chair is seat:
                held.add(C.PRESIDING_ARBITRATOR)
    return held


def allowed(arbitration, action, held: set[Capacity]) -> bool:
    """Whether the table lets someone holding HELD take ACTION at the arbitration's stage (to offer
    the button; the act itself is checked again by ``check``)."""
    rule = TRANSITIONS.get((arbitration.state, ArbitrationAction(action)))
    return rule is not None and bool(rule[1] & held)


def check(arbitration, action, *, actor=None, capacity: Capacity | None = None) -> S:
    action = ArbitrationAction(action)
    rule = TRANSITIONS.get((arbitration.state, action))
    if rule is None:
        raise TransitionError(
            _l(
                "The arbitration is at the stage “%(state)s”; “%(action)s” is not possible now.",
                state=arbitration.state.label,
                action=action.label,
            )
        )
    target, who = rule
    if capacity is Capacity.SYSTEM and actor is None:
        held = {Capacity.SYSTEM}
    else:
        held = capacities(arbitration, actor)
        if capacity is not None:
            held &= {capacity}
    if not (held & who):
        raise TransitionError(_l("You are not allowed to do this in this arbitration."))
    return target


def apply(arbitration, action, *, actor=None, capacity: Capacity | None = None, details=None):
    """Move ARBITRATION by ACTION, recorded on the audit chain; refuses what the table does not allow."""
    action = ArbitrationAction(action)
    target = check(arbitration, action, actor=actor, capacity=capacity)
    source = arbitration.state
    arbitration.state = target
    record(
        f"arbitration.{action.value}",
        arbitration,
        case=arbitration.case,
        actor=actor,
        details={"from": source.value, "to": target.value, **(details or {})},
    )
    return target
