"""Performing an issued award, as for a confirmed agreement: the respondent side reports performance
with proof, the claimant side confirms or disputes it; once the time to perform has passed the
claimant may apply to the court for enforcement (within 2 years), with the application drafted from
the file. An award is enforceable as it stands: no judicial confirmation is needed."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from odr.accounts.models import Organisation, OrgKind
from odr.agreements import documents
from odr.agreements.competence import in_area
from odr.agreements.models import EnforcementApplication
from odr.agreements.pdf import render_enforcement_application
from odr.arbitration import workflow as arb_workflow
from odr.arbitration.models import ArbitrationState, Award
from odr.arbitration.operations import ArbitrationError
from odr.arbitration.workflow import ArbitrationAction
from odr.audit.operations import record
from odr.cases.models import Side
from odr.cases.workflow import Capacity
from odr.core import storage
from odr.core.db import utcnow
from odr.deadlines import limits
from odr.deadlines.calendar import end_of_day, last_day_of
from odr.deadlines.display import lazy_ended, lazy_until
from odr.deadlines.models import DeadlineKind as K
from odr.extensions import db


def set_due_date(award: Award):
    """The award is to be performed within the set number of days of its service (its issue here),
    counted as periods in days are (a last rest day moves to the next working day)."""
    award.performance_due_on = last_day_of(limits.due(K.AWARD_PERFORMANCE, award.issued_at))


def due_moment(award: Award) -> datetime:
    """24:00 of the last day to perform."""
    return end_of_day(award.performance_due_on)


def _party(award, user, side: Side, message):
    party = award.arbitration.case.party_of(user)
    if party is None or party.side != side:
        raise ArbitrationError(message)
    return party


def report(award: Award, user, *, text: str, filename=None, data: bytes | None = None):
    _party(award, user, Side.RESPONDENT, _l("The respondent side reports the performance of the award."))
    if award.arbitration.state not in (ArbitrationState.AWARDED, ArbitrationState.ENFORCEMENT_REQUESTED):
        raise ArbitrationError(_l("The award is not waiting for performance."))
    if award.performance_reported_at is not None and award.performance_dispute is None:
        raise ArbitrationError(_l("Performance has already been reported."))
    text = (text or "").strip()
    if not text:
        raise ArbitrationError(_l("Describe how the award was performed."))
    if data:
        stored = storage.store(data)
        award.performance_proof_name = (filename or "proof")[:200]
        award.performance_proof_sha256 = stored.sha256
        award.performance_proof_type = stored.content_type
    award.performance_report = text[:5000]
    award.performance_reported_at = utcnow()
    award.performance_dispute = None
    record(
        "arbitration.performance_reported",
        award,
        case=award.arbitration.case,
        actor=user,
        details={"proof_sha256": award.performance_proof_sha256},
    )


def answer(award: Award, user, *, accept: bool, reason: str = ""):
    _party(award, user, Side.CLAIMANT, _l("The claimant side confirms or disputes the performance."))
    if award.performance_reported_at is None or award.performance_dispute is not None:
        raise ArbitrationError(_l("There is no report of performance to answer."))
    if award.performance_confirmed_at is not None:
        raise ArbitrationError(_l("The performance has already been confirmed."))
    arbitration = award.arbitration
    if accept:
        award.performance_confirmed_at = utcnow()
        arb_workflow.apply(
            arbitration,
            ArbitrationAction.PERFORMED,
            actor=None,
            capacity=Capacity.SYSTEM,
            details={"by": user.id},
        )
        return
    reason = (reason or "").strip()
    if not reason:
        raise ArbitrationError(_l("Say why you dispute the performance; the other side will read it."))
    award.performance_dispute = reason[:5000]
    record(
        "arbitration.performance_disputed",
        award,
        case=arbitration.case,
        actor=user,
        details={"reason": reason},
    )


def enforcement_court(arbitration) -> Organisation | None:
    """The intermediate court where the respondent is domiciled, else the one of the commission's area."""
    courts = db.session.scalars(
        db.select(Organisation)
        .where(Organisation.kind == OrgKind.INTERMEDIATE_COURT, Organisation.active.is_(True))
        .order_by(Organisation.id)
    ).all()
    for party in arbitration.case.respondents:
        for court in courts:
            if in_area(court, party.address):
                return court
    commission = arbitration.commission
    place = " ".join(filter(None, [commission.region, commission.address]))
    return next((c for c in courts if in_area(c, place)), courts[0] if courts else None)


def apply_for_enforcement(award: Award, user, *, facts: str) -> EnforcementApplication:
    arbitration = award.arbitration
    party = _party(award, user, Side.CLAIMANT, _l("The claimant side applies for enforcement of the award."))
    now = utcnow()
    if award.performance_due_on is None or now < due_moment(award):
        raise ArbitrationError(
            _l(
                "The respondent may perform until %(day)s; enforcement can be applied for after that.",
                day=lazy_until(due_moment(award)) if award.performance_due_on else "?",
            )
        )
    closes = limits.due(K.ENFORCEMENT_WINDOW, award.performance_due_on)
    if now >= closes:
        raise ArbitrationError(
            _l("The two years for applying for enforcement ended %(when)s.", when=lazy_ended(closes))
        )
    if award.performance_confirmed_at is not None:
        raise ArbitrationError(_l("The award has been performed."))
    facts = (facts or "").strip()
    if not facts:
        raise ArbitrationError(_l("Describe what was not performed."))
    court = enforcement_court(arbitration)
    if court is None:
        raise ArbitrationError(
            _l("No intermediate court is set up on the platform to receive the application.")
        )
    arb_workflow.check(arbitration, ArbitrationAction.APPLY_ENFORCEMENT, actor=user)
    respondent = arbitration.case.respondents[0]
    data = {
        "court_name": court.name,
        "applicant": documents.party_data(party),
        "respondent": documents.party_data(respondent),
        "basis": {
            "kind": "award",
            "ruling_number": award.number,
            "court_name": arbitration.commission.name,
            "decided_at": award.issued_at,
            "case_number": arbitration.case.number,
        },
        "obligations": [
            {
                "description": text,
                "amount": None,
                "due_date": award.performance_due_on,
                "performed_note": _note(award),
            }
            for text in (
                award.decisions or [line for line in award.settlement_terms.splitlines() if line.strip()]
            )
        ],
        "requested_amount": None,
        "applied_at": now,
        "facts": facts,
    }
    rendered = render_enforcement_application(data)
    application = EnforcementApplication(
        award_id=award.id,
        case=arbitration.case,
        court=court,
        applicant=user,
        applicant_party=party,
        respondent_party=respondent,
        obligation_ids=[],
        facts=facts[:10000],
        applied_at=now,
        pdf_sha256=storage.store(rendered, allowed={"application/pdf"}, max_size=len(rendered) + 1).sha256,
    )
    db.session.add(application)
    db.session.flush()
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.APPLY_ENFORCEMENT,
        actor=user,
        capacity=Capacity.CLAIMANT,
        details={
            "enforcement_id": application.id,
            "court_id": court.id,
            "pdf_sha256": application.pdf_sha256,
        },
    )
    return application


def _note(award):
    if award.performance_dispute:
        return f"被执行人称已履行，申请人提出异议：{award.performance_dispute}"
    if award.performance_reported_at and not award.performance_confirmed_at:
        return "被执行人称已履行，尚待申请人确认"
    return None


def enforcements_of(award: Award) -> list[EnforcementApplication]:
    return list(
        db.session.scalars(
            db.select(EnforcementApplication)
            .where(EnforcementApplication.award_id == award.id)
            .order_by(EnforcementApplication.id)
        )
    )
