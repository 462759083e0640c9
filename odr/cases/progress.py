"""Where a case stands: the steps of its path, which one it is at, what is awaited, from whom, and by when.

The path is mediation by default (filed → accepted → respondent agreed → mediator → mediation →
agreement signed → judicial confirmation → enforceable → performed); a case that fails or is not
mediated continues on the arbitration path or the hand-over path once one is taken.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.cases.models import CaseState
from odr.extensions import db

DONE, CURRENT, AHEAD, STOPPED = "done", "current", "todo", "stopped"


@dataclass
class Step:
    key: str
    label: object
    status: str = AHEAD
    awaited: object = None  # what is awaited, from whom (current step only)
    due_at: datetime | None = None
    limit: object = None  # the name of the time limit running


MEDIATION_STEPS = [
    ("filed", _l("Dispute filed")),
    ("accepted", _l("Accepted")),
    ("respondent", _l("Respondent agreed")),
    ("mediator", _l("Mediator")),
    ("mediation", _l("Mediation")),
    ("signed", _l("Agreement signed")),
    ("confirmation", _l("Judicial confirmation")),
    ("enforceable", _l("Enforceable")),
    ("performed", _l("Performed in full")),
]
ARBITRATION_STEPS = [
    ("arb_applied", _l("Arbitration applied for")),
    ("arb_accepted", _l("Accepted by the commission")),
    ("tribunal", _l("Tribunal formed")),
    ("hearing", _l("Hearing")),
    ("award", _l("Award issued")),
    ("award_performed", _l("Award performed")),
]
HANDOVER_STEPS = [
    ("package", _l("Hand-over package")),
    ("sent", _l("Sent to the court or commission")),
    ("handover_filed", _l("Filed by the receiver")),
]

# Deadlines not worth showing as "the" limit of a step.
_MINOR = {"session_reminder_24h", "session_reminder_1h", "survey_reminder", "survey_close"}


def _next_deadline(case):
    from odr.deadlines.models import Deadline, DeadlineState

    rows = db.session.scalars(
        sa.select(Deadline)
        .where(Deadline.case_id == case.id, Deadline.state.in_((DeadlineState.PENDING, DeadlineState.PAUSED)))
        .order_by(Deadline.due_at)
    ).all()
    return next((d for d in rows if d.kind.value not in _MINOR), None)


def _mediation_position(case):
    """(index of the current step, what is awaited) on the mediation path, or None when it left it."""
    from odr.agreements import confirmation
    from odr.agreements import operations as agreements
    from odr.agreements.models import AgreementState as A

    state = case.state
    if state == CaseState.SUBMITTED:
        return 1, _l("The mediation centre's clerk accepts or refuses the filing.")
    if state == CaseState.AWAITING_RESPONDENT:
        return 2, _l("The respondent answers the invitation to mediate.")
    if state == CaseState.AWAITING_MEDIATOR:
        return 3, _l("A mediator accepts the case (the clerk assigns one, or the parties choose).")
    if state == CaseState.MEDIATING:
        agreement = agreements.current_agreement(case)
        if agreement is not None and agreement.state == A.AWAITING_SIGNATURES:
            return 5, _l("The parties and the mediator sign the final agreement.")
        return 4, _l("The parties negotiate with the mediator in the rooms.")
    if state not in (CaseState.SETTLED, CaseState.CLOSED):
        return None
    agreement = agreements.current_agreement(case)
    if agreement is None:
        return None
    s = agreement.state
    if s == A.EFFECTIVE:
        pending = confirmation.open_application(agreement)
        if pending is not None:
            return 6, _l("The other party joins the application for judicial confirmation.")
        return 6, _l("Either party applies to the court for judicial confirmation (both must join).")
    if s == A.CONFIRMATION_REQUESTED:
        return 6, _l("The court accepts the application.")
    if s == A.UNDER_COURT_REVIEW:
        return 6, _l("The court reviews the agreement and rules.")
    if s == A.MATERIALS_REQUESTED:
        return 6, _l("The parties supply the materials the court asked for.")
    if s == A.REJECTED:
        return 6, _l(
            "The court refused confirmation: the parties may mediate again, or go to court or arbitration."
        )
    if s == A.ENFORCEABLE:
        return 8, _l("The obliged party performs and reports; the other side confirms.")
    if s == A.IN_DEFAULT:
        return 8, _l(
            "An obligation is overdue or an undertaking was broken: the other side may apply to the court"
            " for enforcement."
        )
    if s == A.ENFORCEMENT_REQUESTED:
        return 8, _l("The court handles the application for enforcement.")
    if s == A.PERFORMED:
        return len(MEDIATION_STEPS), None
    return None


def steps_for(case) -> list[Step]:
    """The steps of CASE's path with their status; the current one says what is awaited and by when."""
    steps = [Step(key, label) for key, label in MEDIATION_STEPS]
    position = _mediation_position(case)
    if position is None:
        # The case left the mediation path: mark how far it went, then follow arbitration or hand-over.
        reached = {
            CaseState.REFUSED: 1,
            CaseState.WITHDRAWN: None,
            CaseState.NOT_MEDIATED: 2,
            CaseState.FAILED: 4,
            CaseState.REFERRED: None,
            CaseState.CLOSED: None,
        }.get(case.state)
        if reached is None:
            reached = 4 if case.mediation_started_at else (2 if case.number else 1)
        steps = steps[: reached + 1]
        for step in steps[:reached]:
            step.status = DONE
        steps[reached].status = STOPPED
        steps[reached].awaited = case.state.label
        steps += _other_path(case)
    else:
        _mark(steps, *position)
    current = next((s for s in steps if s.status == CURRENT), None)
    if current is not None:
        deadline = _next_deadline(case)
        if deadline is not None:
            current.due_at, current.limit = deadline.due_at, deadline.kind.label
    return steps


def _mark(steps, index, awaited):
    """Mark STEPS done before INDEX, current at it (awaiting AWAITED) and ahead after it."""
    for i, step in enumerate(steps):
        step.status = DONE if i < index else (CURRENT if i == index else AHEAD)
    if index < len(steps):
        steps[index].awaited = awaited
    return steps


def _other_path(case) -> list[Step]:
    from odr.arbitration.models import ArbitrationState as S
    from odr.arbitration.operations import arbitration_of
    from odr.handover.models import HandoverState
    from odr.handover.operations import handover_of

    arbitration = arbitration_of(case)
    if arbitration is not None:
        steps = [Step(key, label) for key, label in ARBITRATION_STEPS]
        index, awaited = {
            S.SUBMITTED: (1, _l("The arbitration commission accepts or refuses the application.")),
            S.FORMING_TRIBUNAL: (
                2,
                _l("The parties name their arbitrators; the commission appoints the rest."),
            ),
            S.HEARING: (3, _l("The tribunal hears the parties and drafts the award.")),
            S.AWARD_REVIEW: (4, _l("The commission reviews the draft award.")),
            S.AWARD_PENDING: (4, _l("The arbitrators sign the award.")),
            S.AWARDED: (5, _l("The respondent performs the award; the claimant confirms.")),
            S.ENFORCEMENT_REQUESTED: (5, _l("The court handles the application for enforcement.")),
            S.PERFORMED: (6, None),
        }.get(arbitration.state, (0, None))
        return _mark(steps, index, awaited)
    handover = handover_of(case)
    if handover is not None:
        steps = [Step(key, label) for key, label in HANDOVER_STEPS]
        index, awaited = {
            HandoverState.AWAITING_REFERRAL: (
                1,
                _l("The clerk refers the case to a court or the arbitration commission."),
            ),
            HandoverState.SENT: (2, _l("The receiving court or commission files the case.")),
            HandoverState.FILED: (3, None),
        }[handover.state]
        return _mark(steps, index, awaited)
    return []
