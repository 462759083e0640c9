"""What changes assignments: asking an expert, their answer, the parties' choice, recusal."""

import sqlalchemy as sa
from blinker import ANY
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import User
from odr.audit.operations import record
from odr.cases import workflow
from odr.cases.models import Case, CaseState, Track
from odr.cases.workflow import Action, Capacity, TransitionError
from odr.core.db import utcnow
from odr.deadlines import limits
from odr.deadlines import operations as deadlines
from odr.deadlines.models import DeadlineKind
from odr.experts import ranking
from odr.experts.models import (
    Assignment,
    AssignmentState,
    MediatorChoice,
    RecusalRequest,
    RecusalState,
    Seat,
)
from odr.extensions import db

DECLARATION = (
    "本人{name}郑重声明：本人与案件{number}（{title}）的各方当事人及其代理人不存在利害关系，"
    "不存在可能影响公正处理本案的其他关系；本人将独立、公正地履行{seat}职责，"
    "对在本案中知悉的当事人商业秘密、个人信息及调解过程中的陈述严格保密，"
    "如在履职过程中发现应当回避的情形，将立即告知并主动申请回避。"
)
SEAT_NAMES_ZH = {
    Seat.MEDIATOR: "调解员",
    Seat.CO_MEDIATOR: "调解员",
    Seat.TECHNICAL_INVESTIGATOR: "技术调查官",
    Seat.ARBITRATOR: "仲裁员",
}
SEATS_BY_STATE = {
    CaseState.AWAITING_MEDIATOR: {Seat.MEDIATOR, Seat.CO_MEDIATOR, Seat.TECHNICAL_INVESTIGATOR},
    CaseState.MEDIATING: {Seat.MEDIATOR, Seat.CO_MEDIATOR, Seat.TECHNICAL_INVESTIGATOR},
}


class AssignmentError(TransitionError):
    """An assignment step that is not possible; the message is shown to the user."""


def declaration_for(assignment: Assignment) -> str:
    case = assignment.case
    return DECLARATION.format(
        name=assignment.expert.name, number=case.number, title=case.title, seat=SEAT_NAMES_ZH[assignment.seat]
    )


def seats_needed(case: Case) -> list[Seat]:
    """The seats this case should have filled, given its track and IP type."""
    seats = [Seat.MEDIATOR]
    if case.track == Track.COMPLEX:
        seats.append(Seat.CO_MEDIATOR)
    if ranking.case_fields(case) or case.ip_type.value in current_app.config["TRIAGE_TECHNICAL_IP_TYPES"]:
        seats.append(Seat.TECHNICAL_INVESTIGATOR)
    return seats


def open_assignment(case: Case, seat: Seat) -> Assignment | None:
    return next((a for a in case.assignments if a.seat == seat and a.is_open), None)


def _check_seat_open(case: Case, seat: Seat):
    if seat not in SEATS_BY_STATE.get(case.state, set()):
        raise AssignmentError(_l("Experts can be assigned once the respondent has agreed to mediate."))
    if seat == Seat.CO_MEDIATOR and case.track != Track.COMPLEX:
        raise AssignmentError(_l("Only cases on the complex track have a co-mediator."))
    if open_assignment(case, seat) is not None:
        raise AssignmentError(_l("This seat is already filled or waiting for an answer."))


def propose(
    case: Case, seat: Seat, expert: User, *, actor: User | None, chosen_by_parties=False
) -> Assignment:
    """Ask EXPERT to take SEAT on CASE; they must be among the candidates the rules allow."""
    seat = Seat(seat)
    _check_seat_open(case, seat)
    ranked = ranking.rank(case, seat)
    position = ranked.position_of(expert.id)
    if position is None:
        raise AssignmentError(
            _l(
                "%(name)s cannot be assigned: see the reasons in the list of excluded experts.",
                name=expert.name,
            )
        )
    now = utcnow()
    assignment = Assignment(
        case=case,
        seat=seat,
        expert=expert,
        state=AssignmentState.PROPOSED,
        proposed_by=actor,
        chosen_by_parties=chosen_by_parties,
        proposed_at=now,
        answer_due_at=limits.due(DeadlineKind.EXPERT_ANSWER, now),
        ranking=ranked.candidates[position - 1].snapshot(position),
    )
    db.session.add(assignment)
    db.session.flush()
    record(
        "assignment.proposed",
        assignment,
        case=case,
        actor=actor,
        details={
            "seat": seat.value,
            "expert_id": expert.id,
            "rank": position,
            "score": assignment.ranking["score"],
            "chosen_by_parties": chosen_by_parties,
            "answer_due_at": assignment.answer_due_at.isoformat(),
        },
    )
    return assignment


def propose_next(case: Case, seat: Seat) -> Assignment | None:
    """Ask the best remaining candidate, if any (after a decline, a lapse or a recusal)."""
    ranked = ranking.rank(case, seat)
    if not ranked.candidates:
        record("assignment.no_candidate", case, actor=None, details={"seat": Seat(seat).value})
        return None
    expert = db.session.get(User, ranked.candidates[0].expert_id)
    return propose(case, seat, expert, actor=None)


def _require_proposed(assignment: Assignment, expert: User):
    if assignment.expert_id != expert.id:
        raise AssignmentError(_l("This request was sent to someone else."))
    deadlines.check_in_time(DeadlineKind.EXPERT_ANSWER, assignment, error=AssignmentError)
    if assignment.state != AssignmentState.PROPOSED:
        raise AssignmentError(_l("This request has already been answered."))


def accept(assignment: Assignment, expert: User, *, ip_address: str | None = None):
    """The expert accepts, signing the independence and confidentiality declaration."""
    _require_proposed(assignment, expert)
    now = utcnow()
    assignment.declaration_text = declaration_for(assignment)
    assignment.declaration_signed_at = now
    assignment.declaration_ip = ip_address
    assignment.state = AssignmentState.ACCEPTED
    assignment.answered_at = now
    record(
        "assignment.accepted",
        assignment,
        case=assignment.case,
        actor=expert,
        details={
            "seat": assignment.seat.value,
            "declaration_sha256": _sha256(assignment.declaration_text),
            "ip": ip_address,
        },
    )
    case = assignment.case
    if assignment.seat == Seat.MEDIATOR and case.state == CaseState.AWAITING_MEDIATOR:
        due = limits.due(DeadlineKind.MEDIATION_PERIOD, now, key=str(case.track))
        workflow.apply(
            case,
            Action.MEDIATOR_ACCEPTS,
            actor=expert,
            capacity=Capacity.MEDIATOR,
            updates={"mediation_started_at": now, "mediation_due_at": due},
        )
    if assignment.seat == Seat.TECHNICAL_INVESTIGATOR:
        notify_parties_of_investigator(assignment)


def decline(assignment: Assignment, expert: User, reason: str) -> Assignment | None:
    """The expert declines; the next candidate is asked. Returns the new request, if any."""
    _require_proposed(assignment, expert)
    if not (reason or "").strip():
        raise AssignmentError(_l("Please say why you decline."))
    assignment.state = AssignmentState.DECLINED
    assignment.decline_reason = reason.strip()
    assignment.answered_at = assignment.ended_at = utcnow()
    record(
        "assignment.declined",
        assignment,
        case=assignment.case,
        actor=expert,
        details={"seat": assignment.seat.value, "reason": assignment.decline_reason},
    )
    return propose_next(assignment.case, assignment.seat)


def lapse(assignment: Assignment) -> Assignment | None:
    """No answer in time: the request lapses and the next candidate is asked (the deadline engine calls this)."""
    if assignment.state != AssignmentState.PROPOSED:
        return None
    assignment.state = AssignmentState.EXPIRED
    assignment.ended_at = utcnow()
    record(
        "assignment.expired",
        assignment,
        case=assignment.case,
        actor=None,
        details={"seat": assignment.seat.value},
    )
    return propose_next(assignment.case, assignment.seat)


def notify_parties_of_investigator(assignment: Assignment):
    """Tell the parties who the technical investigator is (they may ask for recusal); keep the date."""
    assignment.parties_notified_at = utcnow()
    record(
        "assignment.parties_notified",
        assignment,
        case=assignment.case,
        actor=None,
        details={"expert_id": assignment.expert_id, "late": assignment.notice_late},
    )


# The parties' choice ------------------------------------------------------------------------------


def choose_mediator(case: Case, user: User, expert: User) -> Assignment | None:
    """A party names the mediator it wants; when every party names the same one, that one is asked."""
    party = case.party_of(user)
    if party is None:
        raise AssignmentError(_l("Only the parties can choose a mediator."))
    if case.state != CaseState.AWAITING_MEDIATOR or open_assignment(case, Seat.MEDIATOR) is not None:
        raise AssignmentError(_l("The mediator can no longer be chosen by the parties."))
    if ranking.rank(case, Seat.MEDIATOR).position_of(expert.id) is None:
        raise AssignmentError(_l("%(name)s cannot mediate this case.", name=expert.name))
    choice = db.session.scalar(
        sa.select(MediatorChoice).where(
            MediatorChoice.case_id == case.id, MediatorChoice.party_id == party.id
        )
    )
    if choice is None:
        choice = MediatorChoice(case_id=case.id, party_id=party.id, expert_id=expert.id)
        db.session.add(choice)
    else:
        choice.expert_id = expert.id
        choice.chosen_at = utcnow()
    db.session.flush()
    record("case.mediator_chosen", case, actor=user, details={"party_id": party.id, "expert_id": expert.id})
    chosen = {
        c.party_id: c.expert_id
        for c in db.session.scalars(sa.select(MediatorChoice).where(MediatorChoice.case_id == case.id))
    }
    if all(chosen.get(p.id) == expert.id for p in case.parties):
        return propose(case, Seat.MEDIATOR, expert, actor=None, chosen_by_parties=True)
    return None


def choices_of(case: Case) -> dict[int, int]:
    """party id → chosen expert id."""
    return {
        c.party_id: c.expert_id
        for c in db.session.scalars(sa.select(MediatorChoice).where(MediatorChoice.case_id == case.id))
    }


# Recusal -------------------------------------------------------------------------------------------


def request_recusal(assignment: Assignment, user: User, grounds: str) -> RecusalRequest:
    case = assignment.case
    party = case.party_of(user)
    if party is None:
        raise AssignmentError(_l("Only a party can ask for an expert's recusal."))
    if assignment.state not in (AssignmentState.PROPOSED, AssignmentState.ACCEPTED):
        raise AssignmentError(_l("This expert no longer serves on the case."))
    if not (grounds or "").strip():
        raise AssignmentError(_l("State the grounds for the recusal."))
    if any(r.state == RecusalState.PENDING for r in assignment.recusal_requests):
        raise AssignmentError(_l("A recusal request for this expert is already awaiting decision."))
    request = RecusalRequest(
        assignment=assignment, case_id=case.id, party=party, requested_by=user, grounds=grounds.strip()
    )
    db.session.add(request)
    db.session.flush()
    record(
        "recusal.requested",
        request,
        case=case,
        actor=user,
        details={"assignment_id": assignment.id, "expert_id": assignment.expert_id, "side": party.side.value},
    )
    return request


def decide_recusal(request: RecusalRequest, clerk: User, *, grant: bool, reason: str) -> Assignment | None:
    """The clerk grants (the expert leaves, the next candidate is asked) or refuses, with reasons."""
    case = request.assignment.case
    if not case.is_clerk_of(clerk):
        raise AssignmentError(_l("Only the clerk of the case decides on recusal."))
    if request.state != RecusalState.PENDING:
        raise AssignmentError(_l("This request has already been decided."))
    if not (reason or "").strip():
        raise AssignmentError(_l("Give the reasons for the decision; both parties will see them."))
    now = utcnow()
    request.state = RecusalState.GRANTED if grant else RecusalState.REFUSED
    request.decided_by = clerk
    request.decided_at = now
    request.decision_reason = reason.strip()
    record(
        "recusal.granted" if grant else "recusal.refused",
        request,
        case=case,
        actor=clerk,
        details={"assignment_id": request.assignment_id, "reason": request.decision_reason},
    )
    if not grant:
        return None
    assignment = request.assignment
    assignment.state = AssignmentState.RECUSED
    assignment.ended_at = now
    record("assignment.recused", assignment, case=case, actor=clerk, details={"seat": assignment.seat.value})
    return propose_next(case, assignment.seat)


@workflow.transitioned.connect_via(ANY, weak=False)
def release_when_case_moves_on(case, *, target, **_):
    """When a case leaves mediation, its experts' seats stop counting against their caseload.

    They keep their access to the case (an accepted seat that is released still served on it).
    """
    if target in ranking.ACTIVE_CASE_STATES:
        return
    now = utcnow()
    for assignment in case.assignments:
        if assignment.is_open:
            assignment.state = AssignmentState.RELEASED
            assignment.ended_at = now
            record(
                "assignment.released",
                assignment,
                case=case,
                actor=None,
                details={"seat": assignment.seat.value, "case_state": target.value},
            )


@workflow.transitioned.connect_via(ANY, weak=False)
def reinstate_when_mediation_resumes(case, *, action, **_):
    """The court refused to confirm the agreement and the mediation resumes: the experts who served
    on it, released when it settled, take up their seats again (a released seat acts on nothing)."""
    if action != Action.RESUME_MEDIATION:
        return
    for assignment in case.assignments:
        if assignment.state == AssignmentState.RELEASED and assignment.declaration_signed_at is not None:
            assignment.state = AssignmentState.ACCEPTED
            assignment.ended_at = None
            record(
                "assignment.reinstated",
                assignment,
                case=case,
                actor=None,
                details={"seat": assignment.seat.value},
            )


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
