"""What changes an arbitration case itself: entry (from a failed mediation or a direct application),
acceptance and service, the defence, withdrawal. The tribunal is formed in tribunal.py and the award
made in awards.py."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import Organisation, OrgKind
from odr.arbitration import workflow as arb_workflow
from odr.arbitration.models import (
    ArbitrationCase,
    ArbitrationState,
)
from odr.arbitration.workflow import ArbitrationAction
from odr.audit.operations import record
from odr.cases import numbering, triage
from odr.cases import operations as case_ops
from odr.cases import workflow as case_workflow
from odr.cases.models import CaseState, Side
from odr.cases.workflow import Action, Capacity, TransitionError
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.labels import LabelledEnum
from odr.core.timeutil import year_in_shanghai
from odr.deadlines import limits
from odr.deadlines import operations as deadlines
from odr.deadlines.display import lazy_ended
from odr.deadlines.models import DeadlineKind as K
from odr.extensions import db

ENDED_MEDIATION = (CaseState.FAILED, CaseState.NOT_MEDIATED, CaseState.SETTLED)
OPEN_STATES = (
    ArbitrationState.SUBMITTED,
    ArbitrationState.FORMING_TRIBUNAL,
    ArbitrationState.HEARING,
    ArbitrationState.AWARD_REVIEW,
    ArbitrationState.AWARD_PENDING,
)


class ArbitrationError(UserError):
    """A refusal in an arbitration; the message is shown to the user."""


def arbitration_of(case) -> ArbitrationCase | None:
    """The case's current arbitration (the newest that was not refused or withdrawn), if any."""
    rows = db.session.scalars(
        sa.select(ArbitrationCase)
        .where(ArbitrationCase.case_id == case.id)
        .order_by(ArbitrationCase.id.desc())
    ).all()
    return next(
        (a for a in rows if a.state not in (ArbitrationState.REFUSED, ArbitrationState.WITHDRAWN)), None
    )


def _commission(commission_id) -> Organisation:
    commission = db.session.get(Organisation, commission_id or 0)
    if commission is None or commission.kind != OrgKind.ARBITRATION_COMMISSION or not commission.active:
        raise ArbitrationError(_l("Choose an arbitration commission."))
    return commission


def _basis(text) -> str:
    text = (text or "").strip()
    if not text:
        raise ArbitrationError(
            _l(
                "Quote the arbitration agreement (the clause or the separate agreement) the application rests on."
            )
        )
    return text[:5000]


def can_go_to_arbitration(case) -> bool:
    """Whether the dispute's mediation has ended in a way that lets it go to arbitration."""
    if case.state not in ENDED_MEDIATION or arbitration_of(case) is not None:
        return False
    if case.state == CaseState.SETTLED:
        from odr.agreements.models import AgreementState
        from odr.agreements.operations import current_agreement

        agreement = current_agreement(case)
        return agreement is not None and agreement.state == AgreementState.REJECTED
    return True


def start_from_mediation(case, user, *, commission_id, basis, claims) -> ArbitrationCase:
    """A party (or the mediation clerk) carries a case whose mediation ended into an arbitration case,
    with its file: parties, claims, evidence shared in the rooms, minutes and opinions."""
    party = case.party_of(user)
    if (party is None or party.side != Side.CLAIMANT) and not case.is_clerk_of(user):
        raise ArbitrationError(_l("The claimant or the mediation centre's clerk applies for arbitration."))
    if not can_go_to_arbitration(case):
        raise ArbitrationError(
            _l(
                "This case can go to arbitration only after its mediation has ended without an agreement in force."
            )
        )
    commission = _commission(commission_id)
    claims = (claims or "").strip() or case.remedies
    arbitration = ArbitrationCase(
        case=case,
        commission=commission,
        from_mediation=True,
        arbitration_basis=_basis(basis),
        claims=claims[:10000],
        filed_by=user,
        expedited=(case.track is None or case.track.value == "simple"),
        state=ArbitrationState.SUBMITTED,
    )
    db.session.add(arbitration)
    db.session.flush()
    record(
        "arbitration.applied",
        arbitration,
        case=case,
        actor=user,
        details={"commission_id": commission.id, "from_mediation": True},
    )
    return arbitration


def apply_directly(filer, *, commission_id, basis, respondents, **fields) -> ArbitrationCase:
    """A claimant with an arbitration agreement applies to the commission without mediation first."""
    commission = _commission(commission_id)
    basis = _basis(basis)
    fields.setdefault("channel", "arbitration")
    case = case_ops.file_case(filer, organisation=commission, respondents=respondents, **fields)
    arbitration = ArbitrationCase(
        case=case,
        commission=commission,
        from_mediation=False,
        arbitration_basis=basis,
        claims=case.remedies,
        filed_by=filer,
        expedited=triage.propose_track(case)[0].value == "simple",
        state=ArbitrationState.SUBMITTED,
    )
    db.session.add(arbitration)
    db.session.flush()
    record(
        "arbitration.applied",
        arbitration,
        case=case,
        actor=filer,
        details={"commission_id": commission.id, "from_mediation": False},
    )
    return arbitration


def accept(arbitration: ArbitrationCase, clerk, *, expedited: bool | None = None):
    """The commission accepts the application: it is numbered, the case is referred to the commission,
    the respondent is served, and the time limits for the defence and the nominations start.

    Returns invitation tokens as (party, token) for respondents without an account."""
    arb_workflow.check(arbitration, ArbitrationAction.ACCEPT, actor=clerk)
    now = utcnow()
    year = year_in_shanghai(now)
    prefix = current_app.config["ARBITRATION_NUMBER_PREFIX"]
    sequence = numbering.next_sequence(prefix, year)
    if expedited is not None:
        arbitration.expedited = bool(expedited)
    arbitration.number = f"（{year}）{prefix}字第{sequence}号"
    arbitration.accepted_at = now
    case = arbitration.case
    # A respondent with an account is served through the platform at once; one without is served by
    # the commission (post, in person...), and the periods start when that service is recorded.
    if all(p.user_id is not None or case_ops.matching_account(p) is not None for p in case.respondents):
        _served(arbitration, now, ServiceMethod.ELECTRONIC)
    updates = {"referred_to": arbitration.commission}
    if case.number is None:  # a direct application: the dispute gets its platform number now
        track, reasons = triage.propose_track(case)
        platform_prefix = current_app.config["CASE_NUMBER_PREFIX"]
        updates.update(
            number=numbering.format_number(
                platform_prefix, year, numbering.next_sequence(platform_prefix, year)
            ),
            track=track,
            triage_reasons=[r.value for r in reasons],
            accepted_at=now,
        )
    case_workflow.apply(
        case,
        Action.REFER,
        actor=None,
        capacity=Capacity.SYSTEM,
        details={"organisation_id": arbitration.commission_id, "arbitration_id": arbitration.id},
        updates=updates,
    )
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.ACCEPT,
        actor=clerk,
        capacity=Capacity.ARBITRATION_CLERK,
        details={"number": arbitration.number, "expedited": arbitration.expedited},
    )
    invitations = []
    for party in case.respondents:
        if party.user_id is None:
            account = case_ops.matching_account(party)
            if account is not None and case.party_of(account) is None:
                party.user = account
            else:
                invitations.append((party, case_ops.issue_invitation(party, clerk)))
    return invitations


class ServiceMethod(LabelledEnum):
    ELECTRONIC = "electronic", _l("Electronic service through the platform")
    POST = "post", _l("By post (EMS), with the receipt")
    IN_PERSON = "in_person", _l("In person, with the receipt signed")
    ANNOUNCEMENT = "announcement", _l("By public announcement")


def _served(arbitration: ArbitrationCase, served_at, method: "ServiceMethod"):
    """Service on the respondent recorded: the defence and nomination periods run from its day."""
    arbitration.served_at = served_at
    arbitration.service_method = ServiceMethod(method).value
    arbitration.answer_due_at = limits.due(K.ARBITRATION_ANSWER, served_at)
    arbitration.nomination_due_at = limits.due(K.ARBITRATION_NOMINATION, served_at)


def record_service(arbitration: ArbitrationCase, clerk, *, served_on, method: str):
    """The commission's clerk records when and how the respondent was served (a respondent without
    an account on the platform); the defence and the nominations run from that day."""
    from datetime import datetime, time

    from odr.core.timeutil import SHANGHAI, local

    if Capacity.ARBITRATION_CLERK not in arb_workflow.capacities(arbitration, clerk):
        raise ArbitrationError(_l("Only the commission's clerk records the service."))
    if arbitration.accepted_at is None or arbitration.state not in OPEN_STATES:
        raise ArbitrationError(_l("The application is not waiting to be served."))
    if arbitration.served_at is not None:
        raise ArbitrationError(_l("The service on the respondent is already recorded."))
    try:
        method = ServiceMethod(method)
    except ValueError as error:
        raise ArbitrationError(_l("Choose how the respondent was served.")) from error
    if (
        served_on is None
        or served_on > local(utcnow()).date()
        or served_on < local(arbitration.accepted_at).date()
    ):
        raise ArbitrationError(_l("The day of service lies between the acceptance and today."))
    served_at = datetime.combine(served_on, time(12, 0), tzinfo=SHANGHAI)
    _served(arbitration, served_at, method)
    record(
        "arbitration.served",
        arbitration,
        case=arbitration.case,
        actor=clerk,
        details={"served_on": served_on.isoformat(), "method": method.value},
    )


def refuse(arbitration: ArbitrationCase, clerk, reason: str):
    reason = (reason or "").strip()
    if not reason:
        raise ArbitrationError(
            _l("Give the reason for not accepting the application; the claimant will see it.")
        )
    arb_workflow.check(arbitration, ArbitrationAction.REFUSE, actor=clerk)
    arbitration.refusal_reason = reason[:4000]
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.REFUSE,
        actor=clerk,
        capacity=Capacity.ARBITRATION_CLERK,
        details={"reason": reason},
    )


def withdraw(arbitration: ArbitrationCase, user, reason: str = ""):
    """The claimant withdraws the application; nothing is touched unless it may."""
    arb_workflow.check(arbitration, ArbitrationAction.WITHDRAW, actor=user, capacity=Capacity.CLAIMANT)
    arbitration.closing_reason = (reason or "").strip()[:4000] or None
    arbitration.closed_at = utcnow()
    arb_workflow.apply(arbitration, ArbitrationAction.WITHDRAW, actor=user, capacity=Capacity.CLAIMANT)


def answer(arbitration: ArbitrationCase, user, *, defence: str, counterclaims: str = ""):
    """The respondent's defence, and its counterclaims if any, within the time limit."""
    party = arbitration.case.party_of(user)
    if party is None or party.side != Side.RESPONDENT:
        raise ArbitrationError(_l("Only a respondent files a defence."))
    if arbitration.accepted_at is None or arbitration.state not in OPEN_STATES:
        raise ArbitrationError(_l("The arbitration is not waiting for a defence."))
    if arbitration.answered_at is not None:
        raise ArbitrationError(_l("The defence has already been filed."))
    if arbitration.answer_due_at is not None and utcnow() >= arbitration.answer_due_at:
        raise ArbitrationError(
            _l(
                "The time for the defence ended %(when)s; the tribunal may still hear you at the hearing.",
                when=lazy_ended(arbitration.answer_due_at),
            )
        )
    deadlines.check_in_time(K.ARBITRATION_ANSWER, arbitration, error=ArbitrationError)
    defence = (defence or "").strip()
    if not defence:
        raise ArbitrationError(_l("Write your defence."))
    arbitration.defence = defence[:20000]
    arbitration.counterclaims = (counterclaims or "").strip()[:10000] or None
    arbitration.answered_at = utcnow()
    record(
        "arbitration.answered",
        arbitration,
        case=arbitration.case,
        actor=user,
        details={"counterclaims": bool(arbitration.counterclaims)},
    )


__all__ = ["ArbitrationError", "TransitionError"]
