"""Judicial confirmation (司法确认): the parties' joint application within 30 days, and the court's
acceptance (3 days), review (15 days, once +10), requests for materials and ruling."""

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import COURT_KINDS, Role
from odr.agreements import competence, documents, pdf
from odr.agreements import workflow as agreement_workflow
from odr.agreements.models import (
    Agreement,
    AgreementState,
    ConfirmationApplication,
    ConfirmationJoin,
    MaterialsRequest,
    RejectionGround,
)
from odr.agreements.operations import AgreementError
from odr.agreements.workflow import AgreementAction
from odr.audit import checkpoints
from odr.audit.operations import record
from odr.cases import attorneys, representatives
from odr.cases.workflow import Capacity
from odr.core import storage
from odr.core.db import utcnow
from odr.core.timeutil import year_in_shanghai
from odr.deadlines import limits
from odr.deadlines import operations as deadlines
from odr.deadlines.calendar import extend_by_days
from odr.deadlines.display import lazy_ended
from odr.deadlines.models import DeadlineKind as K
from odr.extensions import db


def window_closes_at(agreement: Agreement):
    """24:00 of the 30th day after the agreement took effect (moved past rest days)."""
    return limits.due(K.CONFIRMATION_WINDOW, agreement.effective_at)


def open_application(agreement: Agreement) -> ConfirmationApplication | None:
    return db.session.scalar(
        sa.select(ConfirmationApplication)
        .where(
            ConfirmationApplication.agreement_id == agreement.id,
            ConfirmationApplication.withdrawn_at.is_(None),
            ConfirmationApplication.decision.is_(None),
        )
        .order_by(ConfirmationApplication.id.desc())
    )


def latest_application(agreement: Agreement) -> ConfirmationApplication | None:
    return db.session.scalar(
        sa.select(ConfirmationApplication)
        .where(ConfirmationApplication.agreement_id == agreement.id)
        .order_by(ConfirmationApplication.id.desc())
    )


def _check_window(agreement: Agreement):
    """Refuse an application or a joining once the 30 days have run out (checked against the stored
    deadline, locked, so it and the sweep closing the window never both succeed)."""
    deadline = deadlines.check_in_time(K.CONFIRMATION_WINDOW, agreement, error=AgreementError)
    closes = deadline.due_at if deadline is not None else window_closes_at(agreement)
    if utcnow() >= closes:
        raise AgreementError(
            _l(
                "The 30 days for applying for judicial confirmation ended %(when)s. The agreement stays binding "
                "as a contract; a party may sue on it in court.",
                when=lazy_ended(closes),
            )
        )


def name_court(case, clerk, *, court_id: int | None, reason: str):
    """The clerk names the competent court, with a reason, when the rule connects none to the dispute."""
    from odr.accounts.models import Organisation
    from odr.cases.workflow import capacities

    if Capacity.CLERK not in capacities(case, clerk):
        raise AgreementError(_l("Only the clerk of the case names the competent court."))
    if case.delegating_court is not None or competence.connected_courts(case):
        raise AgreementError(
            _l("The rule connects a court to this dispute; the parties apply to the court it proposes.")
        )
    court = db.session.get(Organisation, court_id) if court_id else None
    if court is None or court not in competence.nameable_courts():
        raise AgreementError(_l("Choose a court."))
    reason = (reason or "").strip()
    if not reason:
        raise AgreementError(_l("Say why this court is competent; the parties and the court will see it."))
    case.named_court = court
    case.named_court_reason = reason[:2000]
    record(
        "case.court_named",
        case,
        actor=clerk,
        details={"court_id": court.id, "reason": case.named_court_reason},
    )


def _party(agreement, user):
    party = agreement.case.party_of(user)
    if party is None:
        raise AgreementError(_l("Only the parties apply for judicial confirmation."))
    return party


def apply_for_confirmation(
    agreement: Agreement, user, *, court_id: int, facts_and_reasons: str, ip_address=None
):
    """A party applies to a competent court; the other parties join the application to submit it."""
    if agreement.state != AgreementState.EFFECTIVE:
        raise AgreementError(_l("Only an effective agreement can be put before the court for confirmation."))
    party = _party(agreement, user)
    attorneys.require_special_authority(agreement.case, user, "apply_confirmation")
    representatives.signatory(agreement.case, party, user)  # an organisation applies through a named person
    _check_window(agreement)
    if open_application(agreement) is not None:
        raise AgreementError(_l("An application for this agreement is already under way."))
    option = competence.option_for(agreement.case, court_id)
    if option is None:
        raise AgreementError(
            _l("That court is not competent to confirm this agreement. Choose one of those proposed.")
        )
    facts_and_reasons = (facts_and_reasons or "").strip()
    if not facts_and_reasons:
        raise AgreementError(_l("State the facts and reasons of the application."))
    application = ConfirmationApplication(
        agreement=agreement,
        case=agreement.case,
        court=option.court,
        court_basis=option.basis.value,
        applicant=user,
        facts_and_reasons=facts_and_reasons[:10000],
    )
    db.session.add(application)
    db.session.flush()
    record(
        "confirmation.applied",
        application,
        case=agreement.case,
        actor=user,
        details={"court_id": option.court.id, "basis": option.basis.value, "party_id": party.id},
    )
    join(application, user, ip_address=ip_address)
    return application


def join(application: ConfirmationApplication, user, ip_address=None):
    """USER's party joins (consents to) the application; with the last party it goes to the court."""
    agreement = application.agreement
    party = _party(agreement, user)
    attorneys.require_special_authority(agreement.case, user, "join_confirmation")
    representatives.signatory(agreement.case, party, user)
    if not application.is_open or application.submitted_at is not None:
        raise AgreementError(_l("This application is no longer waiting for the parties."))
    if party.id in application.joined_party_ids():
        raise AgreementError(_l("Your side has already joined this application."))
    _check_window(agreement)
    application.joins.append(
        ConfirmationJoin(party=party, user=user, ip_address=(ip_address or "")[:45] or None)
    )
    db.session.flush()
    record(
        "confirmation.joined", application, case=agreement.case, actor=user, details={"party_id": party.id}
    )
    if {p.id for p in agreement.case.parties} <= application.joined_party_ids():
        _submit(application, user)


def _submit(application: ConfirmationApplication, user):
    now = utcnow()
    application.submitted_at = now
    application.acceptance_due_at = limits.due(K.COURT_ACCEPTANCE, now)
    data = pdf.render_confirmation_application(application_form_data(application))
    application.form_pdf_sha256 = storage.store(
        data, allowed={"application/pdf"}, max_size=len(data) + 1
    ).sha256
    agreement_workflow.apply(
        application.agreement,
        AgreementAction.APPLY,
        actor=user,
        details={
            "application_id": application.id,
            "court_id": application.court_id,
            "form_pdf_sha256": application.form_pdf_sha256,
        },
    )


def application_form_data(application: ConfirmationApplication) -> dict:
    agreement = application.agreement
    case = application.case
    version = agreement.final_version
    attachments = [
        {
            "name": f"调解协议书（第{version.number}版，已签署）.pdf",
            "sha256": agreement.signed_pdf_sha256,
            "size": None,
        },
        {
            "name": f"调解协议书（第{version.number}版）.pdf",
            "sha256": version.pdf_sha256,
            "size": version.pdf_size,
        },
    ]
    attachments += [{"name": name, "sha256": sha, "size": size} for name, sha, size in case_file(case)]
    acting = {j.party_id: _acting_for(case, j.party, j.user) for j in application.joins}
    applicant_party = case.party_of(application.applicant)
    return {
        "court_name": application.court.name,
        "case_number": case.number,
        "organisation_name": case.organisation.name,
        "applicants": [{**documents.party_data(p), "signatory": acting.get(p.id)} for p in case.parties],
        "applied_at": application.submitted_at or application.created_at,
        "applicant_name": _acting_text(applicant_party, acting.get(applicant_party.id))
        if applicant_party is not None
        else application.applicant.name,
        "consenting_names": [
            _acting_text(j.party, acting.get(j.party_id))
            for j in application.joins
            if j.user_id != application.applicant_id
        ],
        "agreement": {
            "version_number": version.number,
            "effective_at": agreement.effective_at,
            "pdf_sha256": agreement.signed_pdf_sha256,
        },
        "facts_and_reasons": application.facts_and_reasons,
        "attachments": attachments,
    }


def _acting_for(case, party, user) -> dict | None:
    """The natural person who applied or joined for PARTY, and in what capacity (None if unknown now,
    e.g. an agent whose power has since ended)."""
    try:
        name, title = representatives.signatory(case, party, user)
    except representatives.RepresentativeError:
        return None
    return {"name": name, "title": title}


def _acting_text(party, acting: dict | None) -> str:
    """PARTY, and who acted for it unless it acted itself: 某公司（法定代表人张三）."""
    if acting is None or acting["title"] == representatives.SELF_ZH:
        return party.name
    return f"{party.name}（{acting['title']}{acting['name']}）"


def case_file(case) -> list[tuple[str, str | None, int | None]]:
    """The documents of the case file the court receives, as (name, sha256, size): the evidence
    (exhibits shared with the other side, files shared in the rooms) and the technical opinions
    the parties may read."""
    from odr.experts.models import TechnicalOpinion
    from odr.handover.operations import evidence_list

    files = [(item["name"], item["sha256"], item["size"]) for item in evidence_list(case)]
    if case.opinion_visibility == "parties":
        for opinion in db.session.scalars(
            sa.select(TechnicalOpinion).where(TechnicalOpinion.case_id == case.id)
        ):
            files.append((f"技术审查意见书（{opinion.id}）.pdf", opinion.pdf_sha256, None))
    return files


# The court's side ---------------------------------------------------------------------------------


def is_liaison_of(user, court) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.has_role(Role.COURT_LIAISON)
        and user.organisation_id is not None
        and court is not None
        and court.id == user.organisation_id
        and court.kind in COURT_KINDS
    )


def _require_liaison(application, user):
    if not is_liaison_of(user, application.court):
        raise AgreementError(
            _l("Only a liaison officer of %(court)s acts on this application.", court=application.court.name)
        )


def court_accepts(application: ConfirmationApplication, officer, court_case_number: str):
    """The court takes the application on, with its own case number; the 15-day decision clock starts."""
    _require_liaison(application, officer)
    number = (court_case_number or "").strip()
    if not number:
        raise AgreementError(_l("Enter the court's case number for this application."))
    if len(number) > 60:
        raise AgreementError(_l("At most %(n)d characters.", n=60))
    now = utcnow()
    agreement_workflow.check(application.agreement, AgreementAction.COURT_ACCEPTS, actor=officer)
    application.accepted_at = now
    application.accepted_by = officer
    application.court_case_number = number
    application.decision_due_at = limits.due(K.COURT_DECISION, now)
    agreement_workflow.apply(
        application.agreement,
        AgreementAction.COURT_ACCEPTS,
        actor=officer,
        capacity=Capacity.COURT_LIAISON,
        details={"application_id": application.id, "court_case_number": number},
    )


def extend_review(application: ConfirmationApplication, officer, reason: str):
    """Extend the decision period once, by 10 days, with a reason the parties see."""
    _require_liaison(application, officer)
    if application.agreement.state not in (
        AgreementState.UNDER_COURT_REVIEW,
        AgreementState.MATERIALS_REQUESTED,
    ):
        raise AgreementError(_l("Only an application under review can have its period extended."))
    if application.extended_at is not None:
        raise AgreementError(
            _l("The review period has already been extended once; it cannot be extended again.")
        )
    if not (reason or "").strip():
        raise AgreementError(_l("Give the reason for the extension; the parties will see it."))
    days = current_app.config["COURT_EXTENSION_DAYS"]
    application.extended_at = utcnow()
    application.extension_reason = reason.strip()
    application.decision_due_at = extend_by_days(application.decision_due_at, days)
    record(
        "confirmation.extended",
        application,
        case=application.case,
        actor=officer,
        details={
            "days": days,
            "reason": application.extension_reason,
            "due_at": application.decision_due_at.isoformat(),
        },
    )


def request_materials(application: ConfirmationApplication, officer, what: str):
    _require_liaison(application, officer)
    what = (what or "").strip()
    if not what:
        raise AgreementError(_l("Say which materials the parties must supply."))
    agreement_workflow.check(application.agreement, AgreementAction.REQUEST_MATERIALS, actor=officer)
    request = MaterialsRequest(application=application, requested_by=officer, what=what[:5000])
    db.session.add(request)
    db.session.flush()
    agreement_workflow.apply(
        application.agreement,
        AgreementAction.REQUEST_MATERIALS,
        actor=officer,
        capacity=Capacity.COURT_LIAISON,
        details={"application_id": application.id, "request_id": request.id, "what": request.what},
    )
    return request


def supply_materials(
    application: ConfirmationApplication, user, *, reply: str, filename=None, data: bytes | None = None
):
    """A party answers the court's request; the decision clock runs again for the time it had left."""
    _party(application.agreement, user)
    request = next((r for r in application.material_requests if r.supplied_at is None), None)
    if request is None or application.agreement.state != AgreementState.MATERIALS_REQUESTED:
        raise AgreementError(_l("The court is not waiting for materials on this application."))
    reply = (reply or "").strip()
    if not reply and not data:
        raise AgreementError(_l("Write what you supply or attach a file."))
    if data:
        stored = storage.store(data)
        request.file_name = (filename or "materials")[:200]
        request.file_sha256 = stored.sha256
        request.file_type = stored.content_type
    request.reply = reply[:5000] or None
    request.supplied_at = utcnow()
    request.supplied_by = user
    agreement_workflow.apply(
        application.agreement,
        AgreementAction.SUPPLY_MATERIALS,
        actor=user,
        details={
            "application_id": application.id,
            "request_id": request.id,
            "file_sha256": request.file_sha256,
        },
    )
    return request


def paused_total(application) -> timedelta:
    """How long the court's clock stood still while it waited for materials."""
    total = timedelta()
    for request in application.material_requests:
        total += (request.supplied_at or utcnow()) - request.requested_at
    return total


# （2026）桂0403民特17号: the year, the province's abbreviation and the court's code, 民特 (special
# procedure), the sequence number.
RULING_NUMBER = re.compile(r"^（(\d{4})）([\u4e00-\u9fff])(\d{2,6})民特(\d{1,6})号$")


def check_ruling_number(number: str, application) -> str:
    """NUMBER normalised (half-width brackets made full-width, spaces dropped) if it reads as a ruling of
    the special procedure of APPLICATION's court; a clear refusal otherwise."""
    normal = re.sub(r"\s+", "", number).replace("(", "（").replace(")", "）")
    match = RULING_NUMBER.match(normal)
    if match is None:
        raise AgreementError(
            _l(
                "“%(number)s” is not a ruling number of the special procedure: it reads like "
                "（2026）桂0403民特17号 — the year in brackets, the court's code, 民特 and the sequence number.",
                number=number,
            )
        )
    years = {year_in_shanghai(application.accepted_at or utcnow()), year_in_shanghai(utcnow())}
    if int(match.group(1)) not in years:
        raise AgreementError(
            _l(
                "The year in the ruling number (%(year)s) is not the year the court took the case on.",
                year=match.group(1),
            )
        )
    own = RULING_NUMBER.match(re.sub(r"\s+", "", application.court_case_number or ""))
    if own is not None and own.group(2, 3) != match.group(2, 3):
        raise AgreementError(
            _l(
                "The court code in the ruling number (%(code)s) is not %(court)s's (%(own)s, as in its case "
                "number %(case_number)s).",
                code=match.group(2) + match.group(3),
                court=application.court.name,
                own=own.group(2) + own.group(3),
                case_number=application.court_case_number,
            )
        )
    return normal


def decide(
    application: ConfirmationApplication,
    officer,
    *,
    confirm: bool,
    ruling_number: str,
    judge_name: str = "",
    grounds=(),
    explanation: str = "",
    clerk_name: str = "",
):
    """The court confirms the agreement (it becomes enforceable) or rejects it on statutory grounds;
    either way a ruling (民事裁定书) is issued as a PDF."""
    _require_liaison(application, officer)
    action = AgreementAction.CONFIRM if confirm else AgreementAction.REJECT
    agreement_workflow.check(application.agreement, action, actor=officer)
    number = (ruling_number or "").strip()
    if not number:
        raise AgreementError(_l("Enter the number of the ruling."))
    if len(number) > 60:
        raise AgreementError(_l("At most %(n)d characters.", n=60))
    judge_name = (judge_name or "").strip()
    if not judge_name or len(judge_name) > 100:
        raise AgreementError(_l("Enter the name of the judge who made the ruling."))
    explanation = (explanation or "").strip()
    grounds = [RejectionGround(g) for g in grounds]
    if not confirm:
        if not grounds:
            raise AgreementError(_l("Choose the statutory grounds for refusing confirmation."))
        if not explanation:
            raise AgreementError(_l("Explain the grounds; the parties will read this."))
    number = check_ruling_number(number, application)
    clerk_name = (clerk_name or "").strip()[:100]
    now = utcnow()
    application.decision = "confirmed" if confirm else "rejected"
    application.decided_at = now
    application.decided_by = officer
    application.judge_name = judge_name
    application.clerk_name = clerk_name or None
    application.ruling_number = number
    application.rejection_grounds = [g.value for g in grounds]
    application.rejection_explanation = None if confirm else explanation[:10000]
    data = pdf.render_ruling(ruling_data(application))
    application.ruling_pdf_sha256 = storage.store(
        data, allowed={"application/pdf"}, max_size=len(data) + 1
    ).sha256
    agreement_workflow.apply(
        application.agreement,
        action,
        actor=officer,
        capacity=Capacity.COURT_LIAISON,
        details={
            "application_id": application.id,
            "ruling_number": number,
            "grounds": application.rejection_grounds,
            "ruling_pdf_sha256": application.ruling_pdf_sha256,
        },
    )


def ruling_data(application: ConfirmationApplication) -> dict:
    agreement = application.agreement
    case = application.case
    return {
        "court_name": application.court.name,
        "ruling_number": application.ruling_number,
        "checkpoint": checkpoints.for_document(),
        "applicants": [documents.party_data(p) for p in case.parties],
        "case_number": case.number,
        "organisation_name": case.organisation.name,
        "agreement_effective_at": agreement.effective_at,
        "accepted_at": application.accepted_at,
        "decided_at": application.decided_at,
        "outcome": application.decision,
        "agreement_clauses": [
            {"title": c["title"], "text": c["text"]}
            for c in documents.rendered_clauses(case, agreement.final_version.content)
        ],
        "grounds": [
            f"{RejectionGround(g).zh}（{RejectionGround(g).basis_zh}）"
            for g in application.rejection_grounds or []
        ],
        "explanation": application.rejection_explanation or "",
        "officer_name": application.judge_name or "",
        "clerk_name": application.clerk_name,
    }
