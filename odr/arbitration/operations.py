"""What changes an arbitration: entry (from a failed mediation or a direct application), acceptance
and service, the defence, forming the tribunal (nominations, appointments, declarations,
challenges), the award (contested or on the parties' settlement), signing and issue."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.auth import check_password
from odr.accounts.models import Organisation, OrgKind, User
from odr.arbitration import workflow as arb_workflow
from odr.arbitration.models import (
    ArbitrationCase,
    ArbitrationState,
    Award,
    AwardKind,
    AwardSignature,
    Challenge,
    ChallengeState,
    DeliberationNote,
    SeatRole,
    SeatState,
    TribunalSeat,
)
from odr.arbitration.workflow import ArbitrationAction
from odr.audit.operations import record
from odr.cases import numbering, triage
from odr.cases import operations as case_ops
from odr.cases import workflow as case_workflow
from odr.cases.models import CaseState, Side
from odr.cases.workflow import Action, Capacity, TransitionError
from odr.core import storage
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.timeutil import local_text, year_in_shanghai
from odr.extensions import db

ENDED_MEDIATION = (CaseState.FAILED, CaseState.NOT_MEDIATED, CaseState.SETTLED)
OPEN_STATES = (
    ArbitrationState.SUBMITTED,
    ArbitrationState.FORMING_TRIBUNAL,
    ArbitrationState.HEARING,
    ArbitrationState.AWARD_PENDING,
)
DECLARATION = (
    "本人确认：本人与本案当事人及其代理人不存在利害关系，不存在《中华人民共和国仲裁法》第三十四条规定的"
    "应当回避的情形；本人将独立、公正地审理本案，并对审理中知悉的秘密予以保密。如出现可能影响公正仲裁的情形，"
    "本人将及时披露。"
)


class ArbitrationError(UserError):
    """A refusal in an arbitration; the message is shown to the user."""


def arbitration_of(case) -> ArbitrationCase | None:
    """The case's current arbitration (the newest that was not refused or withdrawn), if any."""
    rows = db.session.scalars(
        sa.select(ArbitrationCase)
        .where(ArbitrationCase.case_id == case.id)
        .order_by(ArbitrationCase.id.desc())
    ).all()
    return next(
        (a for a in rows if a.state not in (ArbitrationState.REFUSED, ArbitrationState.WITHDRAWN)), None
    )


def _commission(commission_id) -> Organisation:
    commission = db.session.get(Organisation, commission_id or 0)
    if commission is None or commission.kind != OrgKind.ARBITRATION_COMMISSION or not commission.active:
        raise ArbitrationError(_l("Choose an arbitration commission."))
    return commission


def _basis(text) -> str:
    text = (text or "").strip()
    if not text:
        raise ArbitrationError(
            _l(
                "Quote the arbitration agreement (the clause or the separate agreement) the application rests on."
            )
        )
    return text[:5000]


def can_go_to_arbitration(case) -> bool:
    """Whether the dispute's mediation has ended in a way that lets it go to arbitration."""
    if case.state not in ENDED_MEDIATION or arbitration_of(case) is not None:
        return False
    if case.state == CaseState.SETTLED:
        from odr.agreements.models import AgreementState
        from odr.agreements.operations import current_agreement

        agreement = current_agreement(case)
        return agreement is not None and agreement.state == AgreementState.REJECTED
    return True


def start_from_mediation(case, user, *, commission_id, basis, claims) -> ArbitrationCase:
    """A party (or the mediation clerk) carries a case whose mediation ended into an arbitration case,
    with its file: parties, claims, evidence shared in the rooms, minutes and opinions."""
    party = case.party_of(user)
    if (party is None or party.side != Side.CLAIMANT) and not case.is_clerk_of(user):
        raise ArbitrationError(_l("The claimant or the mediation centre's clerk applies for arbitration."))
    if not can_go_to_arbitration(case):
        raise ArbitrationError(
            _l(
                "This case can go to arbitration only after its mediation has ended without an agreement in force."
            )
        )
    commission = _commission(commission_id)
    claims = (claims or "").strip() or case.remedies
    arbitration = ArbitrationCase(
        case=case,
        commission=commission,
        from_mediation=True,
        arbitration_basis=_basis(basis),
        claims=claims[:10000],
        filed_by=user,
        expedited=(case.track is None or case.track.value == "simple"),
        state=ArbitrationState.SUBMITTED,
    )
    db.session.add(arbitration)
    db.session.flush()
    record(
        "arbitration.applied",
        arbitration,
        case=case,
        actor=user,
        details={"commission_id": commission.id, "from_mediation": True},
    )
    return arbitration


def apply_directly(filer, *, commission_id, basis, respondents, **fields) -> ArbitrationCase:
    """A claimant with an arbitration agreement applies to the commission without mediation first."""
    commission = _commission(commission_id)
    basis = _basis(basis)
    fields.setdefault("channel", "arbitration")
    case = case_ops.file_case(filer, organisation=commission, respondents=respondents, **fields)
    arbitration = ArbitrationCase(
        case=case,
        commission=commission,
        from_mediation=False,
        arbitration_basis=basis,
        claims=case.remedies,
        filed_by=filer,
        expedited=triage.propose_track(case)[0].value == "simple",
        state=ArbitrationState.SUBMITTED,
    )
    db.session.add(arbitration)
    db.session.flush()
    record(
        "arbitration.applied",
        arbitration,
        case=case,
        actor=filer,
        details={"commission_id": commission.id, "from_mediation": False},
    )
    return arbitration


def _days(name) -> timedelta:
    return timedelta(days=current_app.config[name])


def accept(arbitration: ArbitrationCase, clerk, *, expedited: bool | None = None):
    """The commission accepts the application: it is numbered, the case is referred to the commission,
    the respondent is served, and the time limits for the defence and the nominations start.

    Returns invitation tokens as (party, token) for respondents without an account."""
    arb_workflow.check(arbitration, ArbitrationAction.ACCEPT, actor=clerk)
    now = utcnow()
    year = year_in_shanghai(now)
    prefix = current_app.config["ARBITRATION_NUMBER_PREFIX"]
    sequence = numbering.next_sequence(prefix, year)
    if expedited is not None:
        arbitration.expedited = bool(expedited)
    arbitration.number = f"（{year}）{prefix}字第{sequence}号"
    arbitration.accepted_at = now
    arbitration.answer_due_at = now + _days("ARBITRATION_ANSWER_DAYS")
    arbitration.nomination_due_at = now + _days("ARBITRATION_NOMINATION_DAYS")
    case = arbitration.case
    updates = {"referred_to": arbitration.commission}
    if case.number is None:  # a direct application: the dispute gets its platform number now
        track, reasons = triage.propose_track(case)
        platform_prefix = current_app.config["CASE_NUMBER_PREFIX"]
        updates.update(
            number=numbering.format_number(
                platform_prefix, year, numbering.next_sequence(platform_prefix, year)
            ),
            track=track,
            triage_reasons=[r.value for r in reasons],
            accepted_at=now,
        )
    case_workflow.apply(
        case,
        Action.REFER,
        actor=None,
        capacity=Capacity.SYSTEM,
        details={"organisation_id": arbitration.commission_id, "arbitration_id": arbitration.id},
        updates=updates,
    )
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.ACCEPT,
        actor=clerk,
        capacity=Capacity.ARBITRATION_CLERK,
        details={"number": arbitration.number, "expedited": arbitration.expedited},
    )
    invitations = []
    for party in case.respondents:
        if party.user_id is None:
            account = case_ops.matching_account(party)
            if account is not None and case.party_of(account) is None:
                party.user = account
            else:
                invitations.append((party, case_ops.issue_invitation(party, clerk)))
    return invitations


def refuse(arbitration: ArbitrationCase, clerk, reason: str):
    reason = (reason or "").strip()
    if not reason:
        raise ArbitrationError(
            _l("Give the reason for not accepting the application; the claimant will see it.")
        )
    arb_workflow.check(arbitration, ArbitrationAction.REFUSE, actor=clerk)
    arbitration.refusal_reason = reason[:4000]
    arb_workflow.apply(
        arbitration,
        ArbitrationAction.REFUSE,
        actor=clerk,
        capacity=Capacity.ARBITRATION_CLERK,
        details={"reason": reason},
    )


def withdraw(arbitration: ArbitrationCase, user, reason: str = ""):
    arbitration.closing_reason = (reason or "").strip()[:4000] or None
    arbitration.closed_at = utcnow()
    arb_workflow.apply(arbitration, ArbitrationAction.WITHDRAW, actor=user, capacity=Capacity.CLAIMANT)


def answer(arbitration: ArbitrationCase, user, *, defence: str, counterclaims: str = ""):
    """The respondent's defence, and its counterclaims if any, within the time limit."""
    party = arbitration.case.party_of(user)
    if party is None or party.side != Side.RESPONDENT:
        raise ArbitrationError(_l("Only a respondent files a defence."))
    if arbitration.accepted_at is None or arbitration.state not in OPEN_STATES:
        raise ArbitrationError(_l("The arbitration is not waiting for a defence."))
    if arbitration.answered_at is not None:
        raise ArbitrationError(_l("The defence has already been filed."))
    if utcnow() > arbitration.answer_due_at:
        raise ArbitrationError(
            _l("The time for the defence has passed; the tribunal may still hear you at the hearing.")
        )
    defence = (defence or "").strip()
    if not defence:
        raise ArbitrationError(_l("Write your defence."))
    arbitration.defence = defence[:20000]
    arbitration.counterclaims = (counterclaims or "").strip()[:10000] or None
    arbitration.answered_at = utcnow()
    record(
        "arbitration.answered",
        arbitration,
        case=arbitration.case,
        actor=user,
        details={"counterclaims": bool(arbitration.counterclaims)},
    )


# Forming the tribunal -----------------------------------------------------------------------------------


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
    if by == "commission" and now < arbitration.nomination_due_at:
        return None
    if by != "commission" and now > arbitration.nomination_due_at:
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
    if by == "commission" and now < arbitration.nomination_due_at:
        raise ArbitrationError(
            _l(
                "The parties may name arbitrators until %(when)s; the commission appoints after that.",
                when=local_text(arbitration.nomination_due_at),
            )
        )
    if by != "commission" and now > arbitration.nomination_due_at:
        raise ArbitrationError(_l("The time for naming arbitrators has passed; the commission appoints."))
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
        answer_due_at=now + timedelta(hours=current_app.config["EXPERT_ANSWER_HOURS"]),
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
        arbitration.award_due_at = now + _days(period)
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
        arbitration.nomination_due_at = utcnow() + _days("ARBITRATION_NOMINATION_DAYS")
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


# The award ---------------------------------------------------------------------------------------------


def pending_award(arbitration) -> Award | None:
    return db.session.scalar(
        sa.select(Award)
        .where(Award.arbitration_id == arbitration.id, Award.withdrawn_at.is_(None))
        .order_by(Award.id.desc())
    )


def _lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def draft_award(arbitration, chair, *, facts_found, reasons, decisions, costs) -> Award:
    """The presiding (or sole) arbitrator drafts the award; the other arbitrators then sign or dissent."""
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
        raise ArbitrationError(_l("The award needs %(what)s.", what="; ".join(str(p) for p in problems)))
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
    arb_workflow.apply(
        arbitration,
        action,
        actor=chair,
        capacity=Capacity.PRESIDING_ARBITRATOR,
        details={"award_id": award.id},
    )
    db.session.add(AwardSignature(award=award, arbitrator=chair, signed_at=utcnow()))
    db.session.flush()
    record("arbitration.award_signed", award, case=arbitration.case, actor=chair, details={"dissent": False})
    _issue_if_signed(arbitration, award)
    return award


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
    if arbitration.state != ArbitrationState.AWARD_PENDING or award.withdrawn_at is not None:
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


__all__ = ["ArbitrationError", "TransitionError"]
