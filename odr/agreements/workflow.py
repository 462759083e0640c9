"""The agreement's lifecycle as data (DESIGN §5): which action moves it from which state, and who
may take it. Anything not in TRANSITIONS is refused by ``apply``."""

from flask_babel import lazy_gettext as _l

from odr.agreements.models import AgreementState as S
from odr.audit.operations import record
from odr.cases.workflow import Capacity, TransitionError, capacities
from odr.core.labels import LabelledEnum


class AgreementAction(LabelledEnum):
    REVISE = "revise", _l("A new version was drafted")
    SHARE = "share", _l("A version was shared with the parties")
    FINALISE = "finalise", _l("The agreement was finalised for signing")
    REOPEN = "reopen", _l("The final version was withdrawn for changes")
    ABANDON = "abandon", _l("The draft agreement was abandoned")
    LAST_SIGNATURE = "last_signature", _l("The last signature made the agreement effective")
    APPLY = "apply", _l("The parties applied for judicial confirmation")
    COURT_ACCEPTS = "court_accepts", _l("The court accepted the application")
    REQUEST_MATERIALS = "request_materials", _l("The court asked for supplementary materials")
    SUPPLY_MATERIALS = "supply_materials", _l("Supplementary materials were supplied")
    CONFIRM = "confirm", _l("The court confirmed the agreement by ruling")
    REJECT = "reject", _l("The court refused to confirm the agreement")
    ALL_PERFORMED = "all_performed", _l("Every obligation was performed")
    DEFAULT = "default", _l("An obligation is overdue: the agreement is in default")
    BREACH = "breach", _l("An undertaking was reported broken: the agreement is in default")
    APPLY_ENFORCEMENT = "apply_enforcement", _l("A party applied for enforcement")


A = AgreementAction
C = Capacity
PARTIES = frozenset({C.CLAIMANT, C.RESPONDENT})
MEDIATOR = frozenset({C.MEDIATOR})
COURT = frozenset({C.COURT_LIAISON})
PLATFORM = frozenset({C.SYSTEM})

TRANSITIONS: dict[tuple[S, AgreementAction], tuple[S, frozenset[Capacity]]] = {
    (S.DRAFT, A.REVISE): (S.DRAFT, MEDIATOR),
    (S.UNDER_REVIEW, A.REVISE): (S.DRAFT, MEDIATOR),
    (S.DRAFT, A.SHARE): (S.UNDER_REVIEW, MEDIATOR),
    (S.UNDER_REVIEW, A.FINALISE): (S.AWAITING_SIGNATURES, MEDIATOR),
    (S.AWAITING_SIGNATURES, A.REOPEN): (S.DRAFT, MEDIATOR),
    (S.AWAITING_SIGNATURES, A.LAST_SIGNATURE): (S.EFFECTIVE, PLATFORM),
    **{
        (state, A.ABANDON): (S.ABANDONED, MEDIATOR | PLATFORM)
        for state in (S.DRAFT, S.UNDER_REVIEW, S.AWAITING_SIGNATURES)
    },
    (S.EFFECTIVE, A.APPLY): (S.CONFIRMATION_REQUESTED, PARTIES),
    (S.CONFIRMATION_REQUESTED, A.COURT_ACCEPTS): (S.UNDER_COURT_REVIEW, COURT),
    (S.UNDER_COURT_REVIEW, A.REQUEST_MATERIALS): (S.MATERIALS_REQUESTED, COURT),
    (S.MATERIALS_REQUESTED, A.SUPPLY_MATERIALS): (S.UNDER_COURT_REVIEW, PARTIES),
    (S.UNDER_COURT_REVIEW, A.CONFIRM): (S.ENFORCEABLE, COURT),
    (S.UNDER_COURT_REVIEW, A.REJECT): (S.REJECTED, COURT),
    **{
        (state, A.ALL_PERFORMED): (S.PERFORMED, PLATFORM)
        for state in (S.EFFECTIVE, S.ENFORCEABLE, S.IN_DEFAULT, S.ENFORCEMENT_REQUESTED)
    },
    (S.ENFORCEABLE, A.DEFAULT): (S.IN_DEFAULT, PLATFORM),
    # An undertaking binds for good: it can be broken after every dated duty was performed.
    (S.ENFORCEABLE, A.BREACH): (S.IN_DEFAULT, PLATFORM),
    (S.PERFORMED, A.BREACH): (S.IN_DEFAULT, PLATFORM),
    (S.IN_DEFAULT, A.APPLY_ENFORCEMENT): (S.ENFORCEMENT_REQUESTED, PARTIES),
}

# States in which the agreement is still being written: a case has at most one such agreement.
OPEN_DRAFT_STATES = (S.DRAFT, S.UNDER_REVIEW, S.AWAITING_SIGNATURES)


def check(agreement, action, *, actor=None, capacity: Capacity | None = None) -> S:
    """The state ACTION leads AGREEMENT to, if ACTOR may take it now; TransitionError otherwise."""
    action = AgreementAction(action)
    rule = TRANSITIONS.get((agreement.state, action))
    if rule is None:
        raise TransitionError(
            _l(
                "The agreement is %(state)s; “%(action)s” is not possible now.",
                state=agreement.state.label,
                action=action.label,
            )
        )
    target, who = rule
    if capacity is Capacity.SYSTEM and actor is None:
        held = {Capacity.SYSTEM}
    else:
        held = capacities(agreement.case, actor)
        if capacity is not None:
            held &= {capacity}
    if not (held & who):
        raise TransitionError(_l("You are not allowed to do this on this agreement."))
    return target


def apply(agreement, action, *, actor=None, capacity: Capacity | None = None, details=None):
    """Move AGREEMENT by ACTION and record it on the audit chain; refuses what the table does not allow."""
    action = AgreementAction(action)
    target = check(agreement, action, actor=actor, capacity=capacity)
    source = agreement.state
    agreement.state = target
    record(
        f"agreement.{action.value}",
        agreement,
        case=agreement.case,
        actor=actor,
        details={"from": source.value, "to": target.value, **(details or {})},
    )
    return target
