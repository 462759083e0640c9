"""The plain data a hand-over summary is made from, gathered from the case and what was tried."""

import sqlalchemy as sa

from odr.accounts.models import User
from odr.cases.models import Case
from odr.core.labels import zh
from odr.extensions import db


def package_data(case: Case, *, reason: str, evidence: list[dict], generated_at) -> dict:
    """Everything the summary PDF shows, as plain values (Chinese labels)."""
    from odr.experts.models import Assignment, TechnicalOpinion
    from odr.handover.operations import facts_of, is_undisputed
    from odr.rooms import sessions as room_sessions
    from odr.rooms.models import MediationSession, SessionState

    assignments = db.session.scalars(
        sa.select(Assignment).where(Assignment.case_id == case.id).order_by(Assignment.id)
    ).all()
    opinions = db.session.scalars(
        sa.select(TechnicalOpinion).where(TechnicalOpinion.case_id == case.id).order_by(TechnicalOpinion.id)
    ).all()
    # Every session that took place or has minutes, held-marked or not: a session the mediator never
    # marked as held but wrote minutes for still happened, and the court must see it.
    held = [
        s
        for s in db.session.scalars(
            sa.select(MediationSession)
            .where(MediationSession.case_id == case.id, MediationSession.state != SessionState.CANCELLED)
            .order_by(MediationSession.starts_at)
        ).all()
        if s.state == SessionState.HELD or s.minutes is not None or s.starts_at <= generated_at
    ]
    people_ids = {uid for s in held for uid in (s.participants or [])}
    names = {u.id: u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(people_ids or {0})))}
    minutes = []
    for session in held:
        if session.minutes is None:
            continue
        status = room_sessions.minutes_status(session.minutes)
        minutes.append(
            {
                "starts_at": session.starts_at,
                "room": zh(session.room.kind),
                "version": session.minutes.version,
                "text": session.minutes.text,
                "confirmed": bool(status) and all(a is not None and a.agreed for a in status.values()),
                "confirmations": [
                    (
                        names.get(uid, str(uid)),
                        "未答复"
                        if answer is None
                        else "确认"
                        if answer.agreed
                        else f"有异议：{answer.objection}",
                    )
                    for uid, answer in status.items()
                ],
            }
        )
    return {
        "case_number": case.number or "",
        "case_title": case.title,
        "organisation": case.organisation.name,
        "channel": zh(case.channel),
        "delegating_court": case.delegating_court.name if case.delegating_court else None,
        "ip_type": zh(case.ip_type),
        "dispute_kind": zh(case.dispute_kind),
        "industry": zh(case.industry),
        "right_number": case.right_number,
        "claim_amount": f"{case.claim_amount:,.2f}",
        "remedies": case.remedies,
        "facts": case.facts,
        "track": zh(case.track) if case.track else "",
        "submitted_at": case.submitted_at,
        "mediation_started_at": case.mediation_started_at,
        "ended_as": zh(case.state),
        "reason": reason,
        "parties": [
            {
                "side": zh(p.side),
                "kind": zh(p.kind),
                "name": p.name,
                "identity": p.identity_number or "",
                "agent": " ".join(x for x in (p.agent_name, p.agent_firm) if x),
                "address": p.address or "",
            }
            for p in case.parties
        ],
        "experts": [
            {"seat": zh(a.seat), "name": a.expert.name, "state": zh(a.state)}
            for a in assignments
            if a.state.value in ("accepted", "released") and a.declaration_signed_at is not None
        ],
        "sessions": [
            {
                "starts_at": s.starts_at,
                "room": zh(s.room.kind),
                "agenda": s.agenda,
                "state": "已举行" if s.state == SessionState.HELD else "未标记为已举行",
                "has_minutes": s.minutes is not None,
                "present": [names.get(a.user_id, "") for a in s.attendance if a.present],
            }
            for s in held
        ],
        "opinions": [
            {"investigator": o.investigator.name, "filed_at": o.filed_at, "sha256": o.pdf_sha256 or ""}
            for o in opinions
        ],
        "undisputed_facts": [f.text for f in facts_of(case) if is_undisputed(f, case)],
        "evidence": evidence,
        "minutes": minutes,
        "generated_at": generated_at,
    }
