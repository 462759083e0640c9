"""Forming the tribunal: naming and appointing arbitrators from the panel, their declarations,
challenges and replacement; the tribunal's own deliberation notes."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.auth import check_password
from odr.accounts.models import User
from odr.arbitration import workflow as arb_workflow
from odr.arbitration.models import (
    ArbitrationCase,
    ArbitrationState,
    Challenge,
    ChallengeState,
    DeliberationNote,
    SeatRole,
    SeatState,
    TribunalSeat,
)
from odr.arbitration.operations import OPEN_STATES, ArbitrationError
from odr.arbitration.workflow import ArbitrationAction
from odr.audit.operations import record
from odr.cases.workflow import Capacity
from odr.core.db import utcnow
from odr.deadlines import limits
from odr.deadlines import operations as deadlines
from odr.deadlines.display import lazy_ended, lazy_until
from odr.deadlines.models import DeadlineKind as K
from odr.extensions import db

DECLARATION = (
    "本人确认：本人与本案当事人及其代理人不存在利害关系，不存在《中华人民共和国仲裁法》规定的"
    "应当回避的情形；本人将独立、公正地审理本案，并对审理中知悉的秘密予以保密。如出现可能影响公正仲裁的情形，"
    "本人将及时披露。"
)


def candidates(arbitration: ArbitrationCase):
    """The arbitrators the panel offers for this dispute, ranked and explained as for mediators, less
    whoever served on it in mediation or has already been asked in this arbitration."""
    from odr.experts import ranking
    from odr.experts.models import Assignment, Seat

    ranked = ranking.rank(arbitration.case, Seat.ARBITRATOR)
    served = set(
        db.session.scalars(sa.select(Assignment.expert_id).where(Assignment.case_id == arbitration.case_id))
    )
    asked = {s.arbitrator_id for s in arbitration.seats}
    ranked.candidates = [c for c in ranked.candidates if c.expert_id not in served | asked]
    return ranked


def _nominator(arbitration, user, role: SeatRole) -> str:
    """Who names ROLE when USER does: their side, 'parties' for a joint choice, or 'commission'."""
    held = arb_workflow.capacities(arbitration, user)
    if role == SeatRole.CLAIMANT_NOMINEE and Capacity.CLAIMANT in held:
        return "claimant"
    if role == SeatRole.RESPONDENT_NOMINEE and Capacity.RESPONDENT in held:
        return "respondent"
    if role in (SeatRole.PRESIDING, SeatRole.SOLE) and held & {Capacity.CLAIMANT, Capacity.RESPONDENT}:
        return "parties"
    if Capacity.ARBITRATION_CLERK in held:
        return "commission"
    raise ArbitrationError(_l("You cannot name this arbitrator."))


def may_name(arbitration: ArbitrationCase, user, role) -> str | None:
    """In what right USER may name ROLE now ('claimant', 'respondent', 'parties' or 'commission'), or
    None: the tribunal is not being formed, the seat is taken, or the time is not theirs."""
    role = SeatRole(role)
    if (
        arbitration.state != ArbitrationState.FORMING_TRIBUNAL
        or role not in arbitration.roles
        or arbitration.seat(role) is not None
    ):
        return None
    try:
        by = _nominator(arbitration, user, role)
    except ArbitrationError:
        return None
    now = utcnow()
    due = arbitration.nomination_due_at  # None until the respondent is served
    if by == "commission" and (due is None or now < due):
        return None
    if by != "commission" and due is not None and now >= due:
        return None
    return by


def nominate(arbitration: ArbitrationCase, user, role, arbitrator: User, ip_address=None):
    """USER names ARBITRATOR for ROLE: a side its own arbitrator within the time limit; the parties the
    presiding (or sole) arbitrator jointly, each naming the same person; the commission any seat left
    empty once the limit has passed."""
    role = SeatRole(role)
    if arbitration.state != ArbitrationState.FORMING_TRIBUNAL:
        raise ArbitrationError(_l("The tribunal is not being formed now."))
    if role not in arbitration.roles:
        raise ArbitrationError(_l("This arbitration has no such seat."))
    if arbitration.seat(role) is not None:
        raise ArbitrationError(_l("This seat is already filled or waiting for the arbitrator's answer."))
    if candidates(arbitration).position_of(arbitrator.id) is None:
        raise ArbitrationError(
            _l(
                "%(name)s cannot sit on this tribunal: see the reasons in the panel list.",
                name=arbitrator.name,
            )
        )
    by = _nominator(arbitration, user, role)
    now = utcnow()
    if by == "commission" and arbitration.nomination_due_at is None:
        raise ArbitrationError(
            _l("The respondent has not been served yet; the parties' time to name arbitrators has not begun.")
        )
    if by == "commission" and now < arbitration.nomination_due_at:
        raise ArbitrationError(
            _l(
                "The parties may name arbitrators until %(when)s; the commission appoints after that.",
                when=lazy_until(arbitration.nomination_due_at),
            )
        )
    if (
        by != "commission"
        and arbitration.nomination_due_at is not None
        and now >= arbitration.nomination_due_at
    ):
        raise ArbitrationError(
            _l(
                "The time for naming arbitrators ended %(when)s; the commission appoints.",
                when=lazy_ended(arbitration.nomination_due_at),
            )
        )
    if by != "commission":
        deadlines.check_in_time(K.ARBITRATION_NOMINATION, arbitration, error=ArbitrationError)
    if by == "parties":
        side = arbitration.case.party_of(user).side.value
        choices = dict(arbitration.presiding_choices or {})
        choices[side] = arbitrator.id
        arbitration.presiding_choices = choices
        record(
            "arbitration.presiding_chosen",
            arbitration,
            case=arbitration.case,
            actor=user,
            details={"side": side, "arbitrator_id": arbitrator.id},
        )
        if choices.get("claimant") != choices.get("respondent"):
            return None  # the other side has not chosen the same arbitrator (yet)
    seat = TribunalSeat(
        arbitration=arbitration,
        role=role,
        arbitrator=arbitrator,
        appointed_by=by,
        proposed_at=now,
        answer_due_at=limits.due(K.ARBITRATOR_ANSWER, now),
    )
    db.session.add(seat)
    db.session.flush()
    record(
        "arbitration.nominated",
        seat,
        case=arbitration.case,
        actor=user,
        details={"role": role.value, "arbitrator_id": arbitrator.id, "by": by},
    )
    return seat


def answer_seat(
    seat: TribunalSeat, arbitrator, *, accept: bool, password="", disclosure="", reason="", ip_address=None
):
    """The arbitrator accepts (disclosing what might raise doubts and signing the declaration of
    independence with their password) or declines."""
    if seat.arbitrator_id != arbitrator.id:
        raise ArbitrationError(_l("This request was sent to someone else."))
    deadlines.check_in_time(K.ARBITRATOR_ANSWER, seat, error=ArbitrationError)
    if seat.state != SeatState.PROPOSED:
        raise ArbitrationError(_l("This request has already been answered."))
    seat.answered_at = utcnow()
    if not accept:
        reason = (reason or "").strip()
        if not reason:
            raise ArbitrationError(_l("Give a reason for declining."))
        seat.state = SeatState.DECLINED
        seat.decline_reason = reason[:2000]
        record(
            "arbitration.seat_declined",
            seat,
            case=seat.arbitration.case,
            actor=arbitrator,
            details={"reason": reason},
        )
        return seat
    if not check_password(arbitrator, password or ""):
        raise ArbitrationError(_l("The password is not correct. The declaration was not signed."))
    seat.state = SeatState.ACCEPTED
    seat.disclosure = (disclosure or "").strip()[:4000] or "无"
    seat.declaration_signed_at = seat.answered_at
    seat.declaration_ip = (ip_address or "")[:45] or None
    record(
        "arbitration.seat_accepted",
        seat,
        case=seat.arbitration.case,
        actor=arbitrator,
        details={"role": seat.role.value, "disclosure": seat.disclosure, "declaration": DECLARATION},
    )
    _form_if_complete(seat.arbitration)
    return seat


def lapse_seat(seat: TribunalSeat):
    """The arbitrator did not answer in time: the seat is open again."""
    if seat.state != SeatState.PROPOSED:
        return False
    seat.state = SeatState.DECLINED
    seat.decline_reason = "未在期限内答复"
    seat.answered_at = utcnow()
    record("arbitration.seat_lapsed", seat, case=seat.arbitration.case, actor=None)
    return True


def _form_if_complete(arbitration: ArbitrationCase):
    if arbitration.state != ArbitrationState.FORMING_TRIBUNAL:
        return
    if not all(
        (seat := arbitration.seat(role)) is not None and seat.state == SeatState.ACCEPTED
        for role in arbitration.roles
    ):
        return
    now = utcnow()
    if arbitration.formed_at is None:
        arbitration.formed_at = now
        period = "ARBITRATION_AWARD_DAYS_EXPEDITED" if arbitration.expedited else "ARBITRATION_AWARD_DAYS"
        arbitration.award_due_at = limits.due(K.AWARD_PERIOD, now, length=current_app.config[period])
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.TRIBUNAL_FORMED,
        actor=None,
        capacity=Capacity.SYSTEM,
        details={"members": [s.arbitrator_id for s in arbitration.serving]},
    )
    from odr.rooms import operations as rooms

    rooms.ensure_hearing_room(arbitration.case)


def challenge(seat: TribunalSeat, user, grounds: str) -> Challenge:
    """A party asks for an arbitrator's withdrawal (回避), with grounds; the commission decides."""
    arbitration = seat.arbitration
    party = arbitration.case.party_of(user)
    if party is None:
        raise ArbitrationError(_l("Only a party may challenge an arbitrator."))
    if seat.state not in (SeatState.PROPOSED, SeatState.ACCEPTED) or arbitration.state not in OPEN_STATES:
        raise ArbitrationError(_l("This arbitrator can no longer be challenged."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise ArbitrationError(_l("State the grounds of the challenge."))
    pending = db.session.scalar(
        sa.select(Challenge).where(Challenge.seat_id == seat.id, Challenge.state == ChallengeState.PENDING)
    )
    if pending is not None:
        raise ArbitrationError(_l("A challenge of this arbitrator is already waiting for the commission."))
    item = Challenge(seat=seat, party=party, grounds=grounds[:4000])
    db.session.add(item)
    db.session.flush()
    record("arbitration.challenged", item, case=arbitration.case, actor=user, details={"seat_id": seat.id})
    return item


def decide_challenge(item: Challenge, clerk, *, uphold: bool, reason: str):
    seat = item.seat
    arbitration = seat.arbitration
    if Capacity.ARBITRATION_CLERK not in arb_workflow.capacities(arbitration, clerk):
        raise ArbitrationError(_l("The commission decides challenges."))
    if item.state != ChallengeState.PENDING:
        raise ArbitrationError(_l("This challenge has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise ArbitrationError(_l("Give the reasons of the decision; the parties will see them."))
    item.state = ChallengeState.UPHELD if uphold else ChallengeState.DISMISSED
    item.decided_at = utcnow()
    item.decided_by_id = clerk.id
    item.decision_reason = reason[:4000]
    record(
        "arbitration.challenge_decided",
        item,
        case=arbitration.case,
        actor=clerk,
        details={"upheld": uphold, "seat_id": seat.id},
    )
    if uphold:
        seat.state = SeatState.REMOVED
        # The side (or the parties jointly) name a replacement within a fresh time limit.
        arbitration.nomination_due_at = limits.due(K.ARBITRATION_NOMINATION, utcnow())
        if seat.role in (SeatRole.PRESIDING, SeatRole.SOLE):
            arbitration.presiding_choices = {}
        if arbitration.state == ArbitrationState.HEARING:
            arb_workflow.apply(
                arbitration,
                ArbitrationAction.SEAT_VACATED,
                actor=None,
                capacity=Capacity.SYSTEM,
                details={"seat_id": seat.id},
            )


def add_note(arbitration: ArbitrationCase, arbitrator, text: str) -> DeliberationNote:
    """A note of the tribunal's deliberation: the tribunal alone reads it."""
    if Capacity.ARBITRATOR not in arb_workflow.capacities(arbitration, arbitrator):
        raise ArbitrationError(_l("Only the tribunal writes deliberation notes."))
    text = (text or "").strip()
    if not text:
        raise ArbitrationError(_l("Write the note."))
    note = DeliberationNote(arbitration_id=arbitration.id, author=arbitrator, text=text[:10000])
    db.session.add(note)
    db.session.flush()
    record("arbitration.note", note, case=arbitration.case, actor=arbitrator)
    return note


def notes_for(arbitration: ArbitrationCase, user) -> list[DeliberationNote]:
    if Capacity.ARBITRATOR not in arb_workflow.capacities(arbitration, user):
        return []
    return list(
        db.session.scalars(
            sa.select(DeliberationNote)
            .where(DeliberationNote.arbitration_id == arbitration.id)
            .order_by(DeliberationNote.id)
        )
    )
