"""Preservation requests (证据保全): a party asks the competent court; its liaison officer decides."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.accounts.models import COURT_KINDS, Organisation
from odr.audit.operations import record
from odr.cases.models import Case
from odr.core.db import utcnow
from odr.evidence import notices
from odr.evidence.access import is_liaison_of, of_side, side_of
from odr.evidence.models import PreservationRequest, PreservationState
from odr.evidence.operations import EvidenceError, _require_open
from odr.extensions import db

S = PreservationState
# (state, decision) -> next state
DECISIONS = {
    (S.PENDING, "grant"): S.GRANTED,
    (S.PENDING, "refuse"): S.REFUSED,
    (S.PENDING, "withdraw"): S.WITHDRAWN,
}


def courts() -> list[Organisation]:
    """The active courts a party may ask."""
    return db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.kind.in_(COURT_KINDS), Organisation.active.is_(True))
        .order_by(Organisation.kind, Organisation.name)
    ).all()


def default_court(case: Case) -> Organisation | None:
    """The court that delegated the case, where there is one."""
    court = case.delegating_court
    return court if court is not None and court.active and court.kind in COURT_KINDS else None


def _details(request, **more):
    # Kept off the case's timeline (the other side must not learn of it early): the case is named here.
    return {"case_id": request.case_id, "court_id": request.court_id, **more}


def request_preservation(
    case: Case, user, *, court: Organisation, target: str, reason: str, exhibits
) -> PreservationRequest:
    side = side_of(case, user)
    if side is None:
        raise EvidenceError(_l("Only the parties of the case ask for evidence to be preserved."))
    _require_open(case)
    if court is None or court not in courts():
        raise EvidenceError(_l("Choose one of the courts listed."))
    if not (target or "").strip() or not (reason or "").strip():
        raise EvidenceError(_l("Say what is to be preserved and why it may be lost."))
    exhibits = list(exhibits)
    if not exhibits:
        raise EvidenceError(_l("Attach at least one of your exhibits to the request."))
    if any(e.case_id != case.id or e.side != side for e in exhibits):
        raise EvidenceError(_l("Attach only exhibits your side deposited in this case."))
    request = PreservationRequest(
        case=case, court=court, requested_by=user, side=side, target=target.strip(), reason=reason.strip()
    )
    request.exhibits = exhibits
    db.session.add(request)
    db.session.flush()
    record(
        "preservation.requested",
        request,
        actor=user,
        details=_details(request, exhibits=[e.number for e in exhibits]),
    )
    notices.preservation_requested(request)
    return request


def _decide(request, decision):
    target = DECISIONS.get((request.state, decision))
    if target is None:
        raise EvidenceError(
            _l("This request is %(state)s; it can no longer be changed.", state=request.state.label)
        )
    request.state = target
    return target


def decide(
    request: PreservationRequest, officer, *, grant: bool, note: str | None, ruling_number: str | None = None
):
    """The court liaison officer records the court's decision."""
    if not is_liaison_of(request.court, officer):
        raise EvidenceError(_l("Only a liaison officer of the court asked records its decision."))
    note = (note or "").strip() or None
    if not grant and note is None:
        raise EvidenceError(_l("Give the reasons for refusing the request."))
    _decide(request, "grant" if grant else "refuse")
    request.decided_at = utcnow()
    request.decided_by = officer
    request.decision_note = note
    request.ruling_number = (ruling_number or "").strip() or None
    record(
        f"preservation.{request.state.value}",
        request,
        actor=officer,
        details=_details(request, note=note, ruling_number=request.ruling_number),
    )
    notices.preservation_decided(request)


def withdraw(request: PreservationRequest, user):
    if not of_side(request.case, user, request.side):
        raise EvidenceError(_l("Only the party who asked may withdraw the request."))
    _decide(request, "withdraw")
    record("preservation.withdrawn", request, actor=user, details=_details(request))


def for_court(court_id: int, *, pending_only=False):
    query = sa.select(PreservationRequest).where(PreservationRequest.court_id == court_id)
    if pending_only:
        query = query.where(PreservationRequest.state == S.PENDING)
    return db.session.scalars(query.order_by(PreservationRequest.requested_at.desc())).all()
