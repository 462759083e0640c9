"""Plain data for the award's PDF, read from the records; the layout is in pdf.py."""

from odr.agreements.documents import party_data
from odr.arbitration.models import AwardKind, SeatRole


def _tribunal(arbitration) -> list[dict]:
    order = {
        SeatRole.SOLE: 0,
        SeatRole.PRESIDING: 0,
        SeatRole.CLAIMANT_NOMINEE: 1,
        SeatRole.RESPONDENT_NOMINEE: 2,
    }
    seats = sorted(arbitration.serving, key=lambda s: order[s.role])
    return [{"role_label": s.role.zh, "name": s.arbitrator.name} for s in seats]


def award_data(arbitration, award) -> dict:
    import sqlalchemy as sa

    from odr.extensions import db
    from odr.rooms.models import MediationSession, Room, RoomKind

    case = arbitration.case
    hearings = db.session.scalars(
        sa.select(MediationSession)
        .join(Room, Room.id == MediationSession.room_id)
        .where(Room.case_id == case.id, Room.kind == RoomKind.HEARING)
        .order_by(MediationSession.starts_at)
    ).all()
    dissent = next((s for s in award.signatures if s.dissent), None)
    tribunal = _tribunal(arbitration)
    return {
        "commission_name": arbitration.commission.name,
        "award_number": award.number,
        "kind": award.kind.value,
        "arbitration_case_number": arbitration.number,
        "platform_case_number": case.number if arbitration.from_mediation else None,
        "case_title": case.title,
        "claimants": [party_data(p) for p in case.claimants],
        "respondents": [party_data(p) for p in case.respondents],
        "arbitration_basis": arbitration.arbitration_basis,
        "applied_at": arbitration.submitted_at,
        "tribunal": tribunal,
        "formed_at": arbitration.formed_at,
        "track_label": "简易程序" if arbitration.expedited else "普通程序",
        "hearings": [{"held_at": h.starts_at, "place": "线上仲裁庭"} for h in hearings],
        "claims": [line.strip() for line in arbitration.claims.splitlines() if line.strip()],
        "counterclaims": [
            line.strip() for line in (arbitration.counterclaims or "").splitlines() if line.strip()
        ],
        "defence": arbitration.defence or "",
        "facts_found": award.facts_found if award.kind == AwardKind.AWARD else "",
        "reasons": award.reasons if award.kind == AwardKind.AWARD else "",
        "decisions": list(award.decisions or []),
        "settlement_terms": [
            {"title": "", "text": line.strip()}
            for line in (award.settlement_terms or "").splitlines()
            if line.strip()
        ],
        "costs": award.costs,
        "issued_at": award.issued_at,
        "dissent": {"arbitrator_name": dissent.arbitrator.name, "text": dissent.dissent} if dissent else None,
        "signatures": tribunal,
        "secretary_name": None,
    }
