"""Performance of an effective agreement: the obliged party reports with proof, the other side confirms
or disputes; overdue duties of a confirmed agreement put it in default, and the creditor may apply to
the court for enforcement within 2 years of the last performance date."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.agreements import confirmation, documents, pdf
from odr.agreements import workflow as agreement_workflow
from odr.agreements.models import (
    Agreement,
    AgreementState,
    EnforcementApplication,
    Obligation,
    ObligationState,
)
from odr.agreements.operations import AgreementError
from odr.agreements.workflow import AgreementAction
from odr.audit.operations import record
from odr.cases.workflow import Capacity
from odr.core import storage
from odr.core.db import utcnow
from odr.deadlines import limits
from odr.deadlines import operations as deadlines
from odr.deadlines.display import lazy_ended
from odr.deadlines.models import DeadlineKind as K
from odr.extensions import db

PERFORMING_STATES = (
    AgreementState.EFFECTIVE,
    AgreementState.CONFIRMATION_REQUESTED,
    AgreementState.UNDER_COURT_REVIEW,
    AgreementState.MATERIALS_REQUESTED,
    AgreementState.ENFORCEABLE,
    AgreementState.IN_DEFAULT,
    AgreementState.ENFORCEMENT_REQUESTED,
)


def obligations_of(agreement: Agreement) -> list[Obligation]:
    return list(
        db.session.scalars(
            sa.select(Obligation).where(Obligation.agreement_id == agreement.id).order_by(Obligation.position)
        )
    )


def due_moment(obligation: Obligation) -> datetime:
    """24:00 Beijing time of the due day the agreement fixes, when an unperformed obligation is overdue."""
    return limits.due(K.OBLIGATION_DUE, obligation.due_on)


def is_overdue(obligation: Obligation, now=None) -> bool:
    return obligation.state != ObligationState.CONFIRMED and (now or utcnow()) >= due_moment(obligation)


def report(obligation: Obligation, user, *, text: str, filename=None, data: bytes | None = None):
    """The obliged party says it has performed, with proof (a payment record, a screenshot...)."""
    agreement = obligation.agreement
    party = agreement.case.party_of(user)
    if party is None or party.id != obligation.debtor_id:
        raise AgreementError(_l("Only the party that owes this obligation reports its performance."))
    if agreement.state not in PERFORMING_STATES:
        raise AgreementError(_l("The agreement is not being performed now."))
    if obligation.state in (ObligationState.REPORTED, ObligationState.CONFIRMED):
        raise AgreementError(_l("This obligation has already been reported performed."))
    text = (text or "").strip()
    if not text:
        raise AgreementError(_l("Describe how the obligation was performed."))
    if data:
        stored = storage.store(data)
        obligation.proof_name = (filename or "proof")[:200]
        obligation.proof_sha256 = stored.sha256
        obligation.proof_type = stored.content_type
    obligation.report = text[:5000]
    obligation.reported_at = utcnow()
    obligation.state = ObligationState.REPORTED
    obligation.dispute_reason = None
    record(
        "obligation.reported",
        obligation,
        case=agreement.case,
        actor=user,
        details={"proof_sha256": obligation.proof_sha256},
    )


def answer_report(obligation: Obligation, user, *, accept: bool, reason: str = ""):
    """The other side confirms the performance, or disputes it with a reason."""
    agreement = obligation.agreement
    party = agreement.case.party_of(user)
    if party is None or party.id != obligation.creditor_id:
        raise AgreementError(_l("Only the party owed this obligation confirms or disputes its performance."))
    if obligation.state != ObligationState.REPORTED:
        raise AgreementError(_l("There is no report of performance to answer."))
    if accept:
        obligation.state = ObligationState.CONFIRMED
        obligation.confirmed_at = utcnow()
        record("obligation.confirmed", obligation, case=agreement.case, actor=user)
        _check_all_performed(agreement)
        return
    reason = (reason or "").strip()
    if not reason:
        raise AgreementError(_l("Say why you dispute the performance; the other side will read it."))
    obligation.state = ObligationState.DISPUTED
    obligation.dispute_reason = reason[:5000]
    record(
        "obligation.disputed",
        obligation,
        case=agreement.case,
        actor=user,
        details={"reason": obligation.dispute_reason},
    )


def _check_all_performed(agreement: Agreement):
    obligations = obligations_of(agreement)
    done = obligations and all(o.state == ObligationState.CONFIRMED for o in obligations)
    if done and (agreement.state, AgreementAction.ALL_PERFORMED) in agreement_workflow.TRANSITIONS:
        agreement_workflow.apply(
            agreement, AgreementAction.ALL_PERFORMED, actor=None, capacity=Capacity.SYSTEM
        )


def obligation_fell_due(obligation: Obligation) -> str:
    """The deadline of OBLIGATION has passed: mark it overdue; a confirmed agreement goes into default."""
    if obligation.state == ObligationState.CONFIRMED:
        return "performed"
    obligation.overdue_at = obligation.overdue_at or utcnow()
    agreement = obligation.agreement
    record(
        "obligation.overdue",
        obligation,
        case=agreement.case,
        actor=None,
        details={"due_on": obligation.due_on.isoformat()},
    )
    if agreement.state == AgreementState.ENFORCEABLE:
        agreement_workflow.apply(
            agreement,
            AgreementAction.DEFAULT,
            actor=None,
            capacity=Capacity.SYSTEM,
            details={"obligation_id": obligation.id},
        )
        return "overdue: agreement in default"
    return "overdue"


def last_performance_date(agreement: Agreement):
    obligations = obligations_of(agreement)
    return max((o.due_on for o in obligations), default=None)


def enforcement_window_closes(agreement: Agreement) -> datetime | None:
    last = last_performance_date(agreement)
    if last is None:
        return None
    # Civil Procedure Law art. 250: two years from the last day of the performance period, ending on
    # the corresponding date (2026-12-21 → 2028-12-21, whatever the leap years between).
    return limits.due(K.ENFORCEMENT_WINDOW, last)


def confirming_application(agreement: Agreement):
    application = confirmation.latest_application(agreement)
    return application if application is not None and application.decision == "confirmed" else None


def apply_for_enforcement(
    agreement: Agreement, user, *, facts: str, ip_address=None
) -> EnforcementApplication:
    """The creditor of overdue obligations applies to the confirming court for enforcement; the
    platform drafts the application from the file."""
    party = agreement.case.party_of(user)
    if party is None:
        raise AgreementError(_l("Only a party applies for enforcement."))
    if agreement.state != AgreementState.IN_DEFAULT:
        raise AgreementError(
            _l("Enforcement can be applied for when an obligation of a confirmed agreement is overdue.")
        )
    deadlines.check_in_time(K.ENFORCEMENT_WINDOW, agreement, error=AgreementError)
    closes = enforcement_window_closes(agreement)
    if closes is not None and utcnow() >= closes:
        raise AgreementError(
            _l("The two years for applying for enforcement ended %(when)s.", when=lazy_ended(closes))
        )
    now = utcnow()
    owed = [o for o in obligations_of(agreement) if o.creditor_id == party.id and is_overdue(o, now)]
    if not owed:
        raise AgreementError(_l("No overdue obligation is owed to your side."))
    facts = (facts or "").strip()
    if not facts:
        raise AgreementError(_l("Describe what was not performed."))
    ruling = confirming_application(agreement)
    debtor = owed[0].debtor
    amount = sum((o.amount for o in owed if o.amount), Decimal("0")) or None
    application = EnforcementApplication(
        agreement=agreement,
        case=agreement.case,
        court=ruling.court,
        applicant=user,
        applicant_party=party,
        respondent_party=debtor,
        obligation_ids=[o.id for o in owed],
        amount=amount,
        facts=facts[:10000],
        applied_at=now,
        pdf_sha256="0" * 64,
    )
    data = pdf.render_enforcement_application(enforcement_data(application, owed, ruling))
    application.pdf_sha256 = storage.store(data, allowed={"application/pdf"}, max_size=len(data) + 1).sha256
    db.session.add(application)
    db.session.flush()
    agreement_workflow.apply(
        agreement,
        AgreementAction.APPLY_ENFORCEMENT,
        actor=user,
        details={
            "enforcement_id": application.id,
            "court_id": ruling.court_id,
            "pdf_sha256": application.pdf_sha256,
        },
    )
    return application


def enforcement_data(application: EnforcementApplication, owed, ruling) -> dict:
    return {
        "court_name": ruling.court.name,
        "applicant": documents.party_data(application.applicant_party),
        "respondent": documents.party_data(application.respondent_party),
        "basis": {
            "ruling_number": ruling.ruling_number,
            "court_name": ruling.court.name,
            "decided_at": ruling.decided_at,
            "case_number": application.case.number,
        },
        "obligations": [
            {
                "description": o.description,
                "amount": f"{o.amount:,.2f}" if o.amount else None,
                "due_date": o.due_on,
                "performed_note": _performed_note(o),
            }
            for o in owed
        ],
        "requested_amount": f"{application.amount:,.2f}" if application.amount else None,
        "applied_at": application.applied_at,
        "facts": application.facts,
    }


def _performed_note(obligation):
    if obligation.state == ObligationState.DISPUTED:
        return f"被执行人称已履行，申请人提出异议：{obligation.dispute_reason}"
    if obligation.state == ObligationState.REPORTED:
        return "被执行人称已履行，尚待申请人确认"
    return None


def court_records_enforcement(application: EnforcementApplication, officer, court_case_number: str):
    """The court's liaison records that the enforcement application was accepted (立案)."""
    if not confirmation.is_liaison_of(officer, application.court):
        raise AgreementError(
            _l("Only a liaison officer of %(court)s acts on this application.", court=application.court.name)
        )
    if application.accepted_at is not None:
        raise AgreementError(_l("The acceptance of this application is already recorded."))
    number = (court_case_number or "").strip()
    if not number or len(number) > 60:
        raise AgreementError(_l("Enter the court's enforcement case number (at most 60 characters)."))
    application.accepted_at = utcnow()
    application.accepted_by = officer
    application.court_case_number = number
    record(
        "enforcement.accepted",
        application,
        case=application.case,
        actor=officer,
        details={"court_case_number": number},
    )


def enforcement_queue_for(officer) -> list[EnforcementApplication]:
    if officer.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(EnforcementApplication)
            .where(EnforcementApplication.court_id == officer.organisation_id)
            .order_by(EnforcementApplication.accepted_at.is_not(None), EnforcementApplication.applied_at)
        )
    )
