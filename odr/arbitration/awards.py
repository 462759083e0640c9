"""The award: drafted by the presiding (or sole) arbitrator, or recorded on the parties' settlement;
reviewed by the commission (核阅); signed by every arbitrator with their password, with a dissent if
they disagree; issued, numbered and served as a PDF once all have signed."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.auth import check_password
from odr.arbitration import workflow as arb_workflow
from odr.arbitration.models import (
    ArbitrationState,
    Award,
    AwardKind,
    AwardSignature,
)
from odr.arbitration.operations import ArbitrationError
from odr.arbitration.workflow import ArbitrationAction
from odr.audit.operations import record
from odr.cases import numbering
from odr.cases.workflow import Capacity
from odr.core import storage
from odr.core.db import utcnow
from odr.core.i18n import join_items
from odr.core.timeutil import year_in_shanghai
from odr.extensions import db


def pending_award(arbitration) -> Award | None:
    return db.session.scalar(
        sa.select(Award)
        .where(Award.arbitration_id == arbitration.id, Award.withdrawn_at.is_(None))
        .order_by(Award.id.desc())
    )


def _lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def draft_award(arbitration, chair, *, facts_found, reasons, decisions, costs) -> Award:
    """The presiding (or sole) arbitrator drafts the award; the commission reviews it, then the
    arbitrators sign it (or dissent)."""
    decisions = (
        _lines(decisions) if isinstance(decisions, str) else [d.strip() for d in decisions if d.strip()]
    )
    problems = []
    if not (facts_found or "").strip():
        problems.append(_l("the facts the tribunal found"))
    if not (reasons or "").strip():
        problems.append(_l("the tribunal's reasons"))
    if not decisions:
        problems.append(_l("the decision on each claim"))
    if not (costs or "").strip():
        problems.append(_l("who bears the costs"))
    if problems:
        raise ArbitrationError(_l("The award needs %(what)s.", what=join_items(problems)))
    return _new_award(
        arbitration,
        chair,
        ArbitrationAction.DRAFT_AWARD,
        Award(
            kind=AwardKind.AWARD,
            facts_found=facts_found.strip(),
            reasons=reasons.strip(),
            decisions=decisions,
            costs=costs.strip(),
        ),
    )


def record_settlement(arbitration, chair, *, terms, costs) -> Award:
    """The parties settled before the tribunal: it records the terms as a consent award."""
    if not (terms or "").strip():
        raise ArbitrationError(_l("Write the terms the parties agreed on."))
    if not (costs or "").strip():
        raise ArbitrationError(_l("Say who bears the costs."))
    return _new_award(
        arbitration,
        chair,
        ArbitrationAction.RECORD_SETTLEMENT,
        Award(kind=AwardKind.CONSENT, settlement_terms=terms.strip(), costs=costs.strip(), decisions=[]),
    )


def _new_award(arbitration, chair, action, award: Award) -> Award:
    arb_workflow.check(arbitration, action, actor=chair, capacity=Capacity.PRESIDING_ARBITRATOR)
    award.arbitration = arbitration
    award.drafted_by = chair
    db.session.add(award)
    db.session.flush()
    # The draft goes to the commission first; nobody signs it, not even its author, before the review.
    arb_workflow.apply(
        arbitration,
        action,
        actor=chair,
        capacity=Capacity.PRESIDING_ARBITRATOR,
        details={"award_id": award.id},
    )
    return award


def review_award(award: Award, clerk, *, remarks: str = ""):
    """The commission reviews the draft (核阅): without deciding for the tribunal, it may draw its
    attention to points in REMARKS; the arbitrators then sign, or the chair withdraws the draft to
    change it."""
    arbitration = award.arbitration
    if award.withdrawn_at is not None or award.issued_at is not None or award.reviewed_at is not None:
        raise ArbitrationError(_l("There is no draft award awaiting review."))
    remarks = (remarks or "").strip()[:10000]
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.REVIEW_AWARD,
        actor=clerk,
        capacity=Capacity.ARBITRATION_CLERK,
        details={"award_id": award.id, "remarks": bool(remarks)},
    )
    award.reviewed_at = utcnow()
    award.reviewed_by_id = clerk.id
    award.review_remarks = remarks or None


def withdraw_draft(arbitration, chair):
    award = pending_award(arbitration)
    arb_workflow.apply(
        arbitration, ArbitrationAction.WITHDRAW_DRAFT, actor=chair, capacity=Capacity.PRESIDING_ARBITRATOR
    )
    if award is not None:
        award.withdrawn_at = utcnow()


def sign_award(award: Award, arbitrator, *, password: str, dissent: str = "", ip_address=None):
    """An arbitrator signs the draft, or signs with a dissenting opinion (a contested award only)."""
    arbitration = award.arbitration
    if arbitration.state == ArbitrationState.AWARD_REVIEW and award.withdrawn_at is None:
        raise ArbitrationError(
            _l("The commission has not reviewed the draft award yet; sign it after the review.")
        )
    if (
        arbitration.state != ArbitrationState.AWARD_PENDING
        or award.withdrawn_at is not None
        or award.reviewed_at is None
    ):
        raise ArbitrationError(_l("There is no draft award to sign."))
    if Capacity.ARBITRATOR not in arb_workflow.capacities(arbitration, arbitrator):
        raise ArbitrationError(_l("Only the arbitrators of this tribunal sign its award."))
    if any(s.arbitrator_id == arbitrator.id for s in award.signatures):
        raise ArbitrationError(_l("You have already signed this award."))
    dissent = (dissent or "").strip()
    if dissent and award.kind == AwardKind.CONSENT:
        raise ArbitrationError(_l("A consent award records the parties' settlement; it has no dissent."))
    if not check_password(arbitrator, password or ""):
        raise ArbitrationError(_l("The password is not correct. Nothing was signed."))
    db.session.add(
        AwardSignature(
            award=award,
            arbitrator=arbitrator,
            signed_at=utcnow(),
            dissent=dissent[:10000] or None,
            ip_address=(ip_address or "")[:45] or None,
        )
    )
    db.session.flush()
    record(
        "arbitration.award_signed",
        award,
        case=arbitration.case,
        actor=arbitrator,
        details={"dissent": bool(dissent)},
    )
    _issue_if_signed(arbitration, award)


def _issue_if_signed(arbitration, award):
    signed = {s.arbitrator_id for s in award.signatures}
    if not {s.arbitrator_id for s in arbitration.serving} <= signed:
        return
    now = utcnow()
    year = year_in_shanghai(now)
    prefix = current_app.config["ARBITRATION_NUMBER_PREFIX"]
    number = f"（{year}）{prefix}裁字第{numbering.next_sequence(prefix + '-AWARD', year)}号"
    from odr.arbitration import documents, pdf

    data = documents.award_data(arbitration, award)
    data.update(award_number=number, issued_at=now)
    rendered = pdf.render_award(data)
    stored = storage.store(rendered, allowed={"application/pdf"}, max_size=len(rendered) + 1)
    award.number, award.issued_at, award.pdf_sha256 = number, now, stored.sha256
    from odr.arbitration import performance

    performance.set_due_date(award)
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.ISSUE,
        actor=None,
        capacity=Capacity.SYSTEM,
        details={"award_id": award.id, "number": award.number, "pdf_sha256": award.pdf_sha256},
    )


def issued_award(arbitration) -> Award | None:
    return db.session.scalar(
        sa.select(Award).where(Award.arbitration_id == arbitration.id, Award.issued_at.is_not(None))
    )
