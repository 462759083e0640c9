"""The case workflow as data: which action moves a case from which state, and who may take it.

DESIGN §2. Anything not in TRANSITIONS is refused by ``apply``.
"""

from blinker import Namespace
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.cases.models import CaseState as S
from odr.core.failures import UserError
from odr.core.labels import LabelledEnum


class Capacity(LabelledEnum):
    """In what capacity someone acts on a case."""

    CLAIMANT = "claimant", _l("Claimant")
    RESPONDENT = "respondent", _l("Respondent")
    CLERK = "clerk", _l("Clerk")
    MEDIATOR = "mediator", _l("Mediator")
    TECHNICAL_INVESTIGATOR = "technical_investigator", _l("Technical investigator")
    COURT_LIAISON = "court_liaison", _l("Court liaison officer")
    ARBITRATION_CLERK = "arbitration_clerk", _l("Clerk of the arbitration commission")
    ARBITRATOR = "arbitrator", _l("Arbitrator")
    PRESIDING_ARBITRATOR = "presiding_arbitrator", _l("Presiding or sole arbitrator")
    ARBITRATOR_ASKED = "arbitrator_asked", _l("Arbitrator asked to serve")
    # An expert whose seat was released when the case moved on: reads what they did, acts on nothing.
    FORMER_MEDIATOR = "former_mediator", _l("Mediator (released from the case)")
    FORMER_INVESTIGATOR = "former_investigator", _l("Technical investigator (released from the case)")
    SYSTEM = "system", _l("The platform")


class Action(LabelledEnum):
    ACCEPT = "accept", _l("Accepted and triaged")
    REFUSE = "refuse", _l("Refused")
    RESPONDENT_CONSENTS = "respondent_consents", _l("Respondent consented to mediation")
    RESPONDENT_DECLINES = "respondent_declines", _l("Respondent declined mediation")
    RESPONDENT_SILENT = "respondent_silent", _l("Respondent did not answer in time")
    MEDIATOR_ACCEPTS = "mediator_accepts", _l("Mediator accepted the case")
    AGREEMENT_EFFECTIVE = "agreement_effective", _l("Settlement agreement took effect")
    TERMINATE = "terminate", _l("Mediation terminated without agreement")
    REFER = "refer", _l("Referred to the court or arbitration")
    CLOSE = "close", _l("Closed")
    RESUME_MEDIATION = "resume_mediation", _l("Mediation resumed for a new agreement")
    WITHDRAW = "withdraw", _l("Withdrawn by the claimant")


C = Capacity
OPEN_STATES = (S.SUBMITTED, S.AWAITING_RESPONDENT, S.AWAITING_MEDIATOR, S.MEDIATING)

TRANSITIONS: dict[tuple[S, Action], tuple[S, frozenset[Capacity]]] = {
    (S.SUBMITTED, Action.ACCEPT): (S.AWAITING_RESPONDENT, frozenset({C.CLERK})),
    (S.SUBMITTED, Action.REFUSE): (S.REFUSED, frozenset({C.CLERK})),
    (S.AWAITING_RESPONDENT, Action.RESPONDENT_CONSENTS): (S.AWAITING_MEDIATOR, frozenset({C.RESPONDENT})),
    (S.AWAITING_RESPONDENT, Action.RESPONDENT_DECLINES): (S.NOT_MEDIATED, frozenset({C.RESPONDENT})),
    (S.AWAITING_RESPONDENT, Action.RESPONDENT_SILENT): (S.NOT_MEDIATED, frozenset({C.SYSTEM})),
    (S.AWAITING_MEDIATOR, Action.MEDIATOR_ACCEPTS): (S.MEDIATING, frozenset({C.MEDIATOR})),
    (S.MEDIATING, Action.AGREEMENT_EFFECTIVE): (S.SETTLED, frozenset({C.SYSTEM})),
    (S.MEDIATING, Action.TERMINATE): (S.FAILED, frozenset({C.MEDIATOR, C.SYSTEM})),
    (S.SETTLED, Action.CLOSE): (S.CLOSED, frozenset({C.CLERK, C.SYSTEM})),
    # After the court refuses to confirm the agreement (the agreements package checks that).
    (S.SETTLED, Action.RESUME_MEDIATION): (S.MEDIATING, frozenset({C.MEDIATOR, C.CLERK})),
    (S.SETTLED, Action.REFER): (S.REFERRED, frozenset({C.CLERK, C.SYSTEM})),
    # A dispute filed directly for arbitration goes to the commission when it accepts it.
    (S.SUBMITTED, Action.REFER): (S.REFERRED, frozenset({C.SYSTEM})),
    # A clerk refers a case; the platform does when the arbitration commission accepts it.
    (S.NOT_MEDIATED, Action.REFER): (S.REFERRED, frozenset({C.CLERK, C.SYSTEM})),
    (S.NOT_MEDIATED, Action.CLOSE): (S.CLOSED, frozenset({C.CLERK})),
    (S.FAILED, Action.REFER): (S.REFERRED, frozenset({C.CLERK, C.SYSTEM})),
    (S.FAILED, Action.CLOSE): (S.CLOSED, frozenset({C.CLERK})),
    **{(state, Action.WITHDRAW): (S.WITHDRAWN, frozenset({C.CLAIMANT})) for state in OPEN_STATES},
}


# Sent after every transition, so other parts of the platform can follow a case without the
# cases package knowing them: transitioned.send(case, action=..., source=..., target=..., actor=...).
transitioned = Namespace().signal("case-transitioned")


class TransitionError(UserError):
    """An action the workflow does not allow; the message is shown to the user."""


def capacities(case, user) -> set[Capacity]:
    """The capacities in which USER may act on CASE."""
    held = set()
    party = case.party_of(user)
    if party is not None:
        held.add(Capacity(party.side.value))
    if case.is_clerk_of(user) and not _arbitration_only(case):
        # A dispute filed directly for arbitration has no mediation clerk: the commission's clerk
        # acts on it as the commission (ARBITRATION_CLERK), never on the mediation side.
        held.add(Capacity.CLERK)
    if user is not None and user.is_authenticated:
        from odr.cases import access

        held |= access.capacities(case, user)
    return held


def _arbitration_only(case) -> bool:
    from odr.cases.models import Channel

    return case.channel == Channel.ARBITRATION


def _for_arbitration_only(case, action) -> bool:
    """A dispute filed directly for arbitration takes no mediation action: the commission accepts it,
    and the platform refers it there."""
    return _arbitration_only(case) and action != Action.REFER


def allowed(case, action: Action, held: set[Capacity]) -> bool:
    rule = TRANSITIONS.get((case.state, action))
    return rule is not None and bool(rule[1] & held) and not _for_arbitration_only(case, action)


def check(case, action: Action, *, actor=None, capacity: Capacity | None = None) -> S:
    """The state ACTION leads CASE to, if ACTOR may take it now; TransitionError otherwise."""
    action = Action(action)
    rule = TRANSITIONS.get((case.state, action))
    if rule is None:
        raise TransitionError(
            _l(
                "This case is %(state)s; “%(action)s” is not possible now.",
                state=case.state.label,
                action=action.label,
            )
        )
    if _for_arbitration_only(case, action):
        raise TransitionError(
            _l("This dispute was filed for arbitration: the arbitration commission takes it.")
        )
    target, who = rule
    held = {capacity} if capacity is Capacity.SYSTEM and actor is None else capacities(case, actor)
    if capacity is not None and capacity is not Capacity.SYSTEM:
        held &= {capacity}
    if not (held & who):
        raise TransitionError(_l("You are not allowed to do this on this case."))
    return target


def apply(case, action: Action, *, actor=None, capacity: Capacity | None = None, details=None, updates=None):
    """Move CASE by ACTION, taken by ACTOR (a user; None with capacity SYSTEM for the platform).

    Refuses anything not in TRANSITIONS or not open to the actor. UPDATES (attribute: value) are
    set together with the new state, and the change is recorded on the audit chain.
    """
    action = Action(action)
    target = check(case, action, actor=actor, capacity=capacity)
    source = case.state
    case.state = target
    for name, value in (updates or {}).items():
        setattr(case, name, value)
    record(
        f"case.{action.value}",
        case,
        actor=actor,
        details={"from": source.value, "to": target.value, **(details or {})},
    )
    transitioned.send(case, action=action, source=source, target=target, actor=actor)
    return target
