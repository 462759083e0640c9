"""Performance of an effective agreement. A duty to pay or act by a date: the obliged party reports with
proof, the other side confirms or disputes; overdue, it puts a confirmed agreement in default. An
ongoing undertaking (stop infringing, not resume) has no date and is never overdue: the other side
reports a breach with evidence, the obliged party may answer, and a breach of a confirmed agreement
puts it in default. The creditor may then apply to the court for enforcement within 2 years."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.agreements import confirmation, documents, pdf
from odr.agreements import workflow as agreement_workflow
from odr.agreements.clauses import today_in_beijing
from odr.agreements.models import (
    Agreement,
    AgreementState,
    Breach,
    EnforcementApplication,
    Obligation,
    ObligationKind,
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


def due_moment(obligation: Obligation) -> datetime | None:
    """24:00 Beijing time of the due day the agreement fixes, when an unperformed obligation is overdue;
    None for an ongoing undertaking, which has no due day."""
    if obligation.due_on is None:
        return None
    return limits.due(K.OBLIGATION_DUE, obligation.due_on)


def is_overdue(obligation: Obligation, now=None) -> bool:
    due = due_moment(obligation)
    return due is not None and obligation.state != ObligationState.CONFIRMED and (now or utcnow()) >= due


def is_owed_now(obligation: Obligation, now=None) -> bool:
    """What enforcement can be asked for: a dated duty overdue, or an undertaking reported broken."""
    if obligation.kind == ObligationKind.ONGOING:
        return obligation.state == ObligationState.BREACHED
    return is_overdue(obligation, now)


def report(obligation: Obligation, user, *, text: str, filename=None, data: bytes | None = None):
    """The obliged party says it has performed, with proof (a payment record, a screenshot...)."""
    agreement = obligation.agreement
    party = agreement.case.party_of(user)
    if party is None or party.id != obligation.debtor_id:
        raise AgreementError(_l("Only the party that owes this obligation reports its performance."))
    if obligation.kind == ObligationKind.ONGOING:
        raise AgreementError(
            _l(
                "An ongoing undertaking is not reported performed: it binds for as long as the agreement says."
            )
        )
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
    """Performed once every dated duty is confirmed and no undertaking stands broken; an undertaking
    itself binds on after that, and a breach can still be reported."""
    obligations = obligations_of(agreement)
    dated = [o for o in obligations if o.kind == ObligationKind.BY_DATE]
    done = (
        dated
        and all(o.state == ObligationState.CONFIRMED for o in dated)
        and not any(o.state == ObligationState.BREACHED for o in obligations)
    )
    if done and (agreement.state, AgreementAction.ALL_PERFORMED) in agreement_workflow.TRANSITIONS:
        agreement_workflow.apply(
            agreement, AgreementAction.ALL_PERFORMED, actor=None, capacity=Capacity.SYSTEM
        )


BREACH_STATES = (*PERFORMING_STATES, AgreementState.PERFORMED)


def report_breach(
    obligation: Obligation, user, *, text: str, observed_on: date | None, filename=None, data=None
) -> Breach:
    """The party owed an ongoing undertaking reports that it was broken, with evidence. The obliged
    party is told and may answer; a confirmed agreement goes into default, so enforcement can be asked."""
    agreement = obligation.agreement
    party = agreement.case.party_of(user)
    if party is None or party.id != obligation.creditor_id:
        raise AgreementError(_l("Only the party this undertaking is owed to reports a breach of it."))
    if obligation.kind != ObligationKind.ONGOING:
        raise AgreementError(
            _l("A breach is reported of an ongoing undertaking; a dated obligation becomes overdue instead.")
        )
    if agreement.state not in BREACH_STATES:
        raise AgreementError(_l("The agreement is not being performed now."))
    text = (text or "").strip()
    if not text:
        raise AgreementError(_l("Describe the breach: what was done, where and when."))
    if observed_on is None:
        raise AgreementError(_l("Enter the day the breach was found."))
    if observed_on > today_in_beijing():
        raise AgreementError(_l("The day the breach was found cannot be in the future."))
    if observed_on < obligation.starts_on:
        raise AgreementError(
            _l(
                "The undertaking binds from %(day)s: a breach cannot be found before then.",
                day=obligation.starts_on,
            )
        )
    if not data:
        raise AgreementError(_l("Attach the evidence of the breach (PDF, PNG or JPEG)."))
    stored = storage.store(data)
    breach = Breach(
        obligation=obligation,
        reported_by=user,
        observed_on=observed_on,
        description=text[:5000],
        evidence_name=(filename or "evidence")[:200],
        evidence_sha256=stored.sha256,
        evidence_type=stored.content_type,
    )
    db.session.add(breach)
    obligation.state = ObligationState.BREACHED
    db.session.flush()
    record(
        "obligation.breached",
        obligation,
        case=agreement.case,
        actor=user,
        details={
            "breach_id": breach.id,
            "observed_on": observed_on.isoformat(),
            "evidence_sha256": stored.sha256,
        },
    )
    if confirming_application(agreement) is not None and (
        (agreement.state, AgreementAction.BREACH) in agreement_workflow.TRANSITIONS
    ):
        agreement_workflow.apply(
            agreement,
            AgreementAction.BREACH,
            actor=None,
            capacity=Capacity.SYSTEM,
            details={"obligation_id": obligation.id, "breach_id": breach.id},
        )
    return breach


def answer_breach(breach: Breach, user, *, text: str):
    """The obliged party answers a reported breach (denies it, explains, or says it has been put right)."""
    obligation = breach.obligation
    agreement = obligation.agreement
    party = agreement.case.party_of(user)
    if party is None or party.id != obligation.debtor_id:
        raise AgreementError(_l("Only the party that gave the undertaking answers a reported breach."))
    if breach.answered_at is not None:
        raise AgreementError(_l("This breach has already been answered."))
    text = (text or "").strip()
    if not text:
        raise AgreementError(_l("Write your answer; the other side and the mediator will read it."))
    breach.answer = text[:5000]
    breach.answered_at = utcnow()
    breach.answered_by = user
    record(
        "obligation.breach_answered",
        obligation,
        case=agreement.case,
        actor=user,
        details={"breach_id": breach.id},
    )


def obligation_fell_due(obligation: Obligation) -> str:
    """The deadline of OBLIGATION has passed: mark it overdue; a confirmed agreement goes into default."""
    if obligation.state == ObligationState.CONFIRMED:
        return "performed"
    if obligation.due_on is None:
        return "nothing to do"  # an ongoing undertaking: a deadline left from before it had its kind
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
    """The day the 2 years for enforcement run from: the last due day of a dated duty, or, for an
    undertaking not to act, the day its breach was found (the period of an obligation not to do
    something runs from the day it was broken), whichever is later."""
    days = []
    for o in obligations_of(agreement):
        if o.due_on is not None:
            days.append(o.due_on)
        days.extend(b.observed_on for b in o.breaches)
    return max(days, default=None)


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
            _l(
                "Enforcement can be applied for when an obligation of a confirmed agreement is overdue"
                " or an undertaking is reported broken."
            )
        )
    deadlines.check_in_time(K.ENFORCEMENT_WINDOW, agreement, error=AgreementError)
    closes = enforcement_window_closes(agreement)
    if closes is not None and utcnow() >= closes:
        raise AgreementError(
            _l("The two years for applying for enforcement ended %(when)s.", when=lazy_ended(closes))
        )
    now = utcnow()
    owed = [o for o in obligations_of(agreement) if o.creditor_id == party.id and is_owed_now(o, now)]
    if not owed:
        raise AgreementError(_l("No overdue obligation or broken undertaking is owed to your side."))
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
                "due_text": None
                if o.due_on
                else f"自{o.starts_on.year}年{o.starts_on.month}月{o.starts_on.day}日起持续履行",
                "performed_note": _performed_note(o),
            }
            for o in owed
        ],
        "requested_amount": f"{application.amount:,.2f}" if application.amount else None,
        "applied_at": application.applied_at,
        "facts": application.facts,
    }


def _performed_note(obligation):
    if obligation.kind == ObligationKind.ONGOING:
        return "；".join(_breach_note(b) for b in obligation.breaches) or None
    if obligation.state == ObligationState.DISPUTED:
        return f"被执行人称已履行，申请人提出异议：{obligation.dispute_reason}"
    if obligation.state == ObligationState.REPORTED:
        return "被执行人称已履行，尚待申请人确认"
    return None


def _breach_note(breach: Breach) -> str:
    day = breach.observed_on
    note = (
        f"申请人于{day.year}年{day.month}月{day.day}日发现被执行人违反该项承诺：{breach.description}"
        f"（证据：{breach.evidence_name}，SHA-256 {breach.evidence_sha256[:16]}…）"
    )
    if breach.answer:
        return note + f"；被执行人答复：{breach.answer}"
    return note + "；被执行人未作答复"


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
