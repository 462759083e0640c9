"""Plain data for the award's PDF, read from the records; the layout is in pdf.py."""

from odr.agreements.documents import party_data
from odr.arbitration.models import AwardKind, SeatRole
from odr.audit import checkpoints


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
    signed = {s.arbitrator_id for s in award.signatures} >= {s.arbitrator_id for s in arbitration.serving}
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
        # The award being issued (every arbitrator has signed) prints the chain's checkpoint; a draft not.
        "checkpoint": checkpoints.for_document() if signed else None,
    }


def hearing_record(room, session) -> bytes:
    """The record of a hearing (庭审笔录) held in ROOM: who sat and attended, the record text and who
    confirmed it (the session's minutes, confirmed by each participant)."""
    from datetime import timedelta

    import sqlalchemy as sa

    from odr.accounts.models import User
    from odr.arbitration import operations
    from odr.arbitration.pdf import render_hearing_record
    from odr.extensions import db
    from odr.rooms import sessions

    arbitration = operations.arbitration_of(room.case)
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(session.participants)))}
    present = {a.user_id for a in session.attendance if a.present}
    tribunal_ids = {s.arbitrator_id for s in arbitration.serving} if arbitration else set()
    sides = {p.user_id: p.side.value for p in room.case.parties if p.user_id}
    role = {"claimant": "申请人", "respondent": "被申请人"}
    minutes = session.minutes
    status = sessions.minutes_status(minutes) if minutes else {}
    return render_hearing_record(
        {
            "commission_name": arbitration.commission.name if arbitration else "",
            "arbitration_case_number": (arbitration.number if arbitration else None) or room.case.number,
            "case_title": room.case.title,
            "held_at": session.starts_at,
            "ended_at": session.starts_at + timedelta(minutes=session.duration_minutes),
            "place": "线上仲裁庭",
            "tribunal": _tribunal(arbitration) if arbitration else [],
            "attendees": [
                {
                    "role_label": role.get(sides.get(uid), "仲裁庭" if uid in tribunal_ids else "参加人"),
                    "name": people[uid].name,
                }
                for uid in session.participants
                if uid in people and (uid in present or not session.attendance)
            ],
            "record_text": minutes.text if minutes else "",
            "confirmations": [
                {
                    "name": people[uid].name if uid in people else str(uid),
                    "confirmed_at": c.at if c and c.agreed else None,
                    "objection": c.objection if c and not c.agreed else None,
                }
                for uid, c in status.items()
            ],
        }
    )
