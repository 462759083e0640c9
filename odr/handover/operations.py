"""The hand-over package when mediation fails or does not start, undisputed facts, and the filing
recorded by the receiving court or arbitration commission.

A package is made, with nobody acting, the moment a case goes to ``failed`` or ``not_mediated``
(the sweep included): a summary PDF in Chinese stored by its SHA-256, with the evidence list and the
minutes. It goes to the court that delegated the case, or else to the court or commission the clerk
refers the case to.
"""

from datetime import date

import sqlalchemy as sa
from blinker import ANY
from flask_babel import lazy_gettext as _l

from odr.accounts.models import COURT_KINDS, OrgKind, Role, User, staff_of
from odr.audit.operations import record
from odr.cases.models import Case, CaseState, Channel
from odr.cases.workflow import Action, Capacity, capacities, transitioned
from odr.core import storage
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.timeutil import local
from odr.extensions import db
from odr.handover.models import FactAnswer, Handover, HandoverState, UndisputedFact
from odr.notifications.operations import TEXTS, notify

ENDINGS = (CaseState.FAILED, CaseState.NOT_MEDIATED)
MAX_FACT_CHARS = 2000

TEXTS.update(
    {
        "fact.recorded": _l(
            "The mediator recorded a fact of case %(number)s as undisputed. Please confirm or dispute it "
            "on the case page."
        ),
        "handover.produced": _l("The hand-over package of case %(number)s is ready on the case page."),
        "handover.sent": _l("Case %(number)s has been handed over to %(organisation)s."),
        "handover.received": _l(
            "Case %(number)s has been handed over to your organisation. Record its filing in the hand-over queue."
        ),
        "handover.filed": _l("%(organisation)s filed case %(number)s under its number %(filed_number)s."),
    }
)


class HandoverError(UserError):
    """Something the hand-over rules refuse; the message is shown to the user."""


# Undisputed facts -------------------------------------------------------------------------------


def facts_of(case: Case) -> list[UndisputedFact]:
    return db.session.scalars(
        sa.select(UndisputedFact).where(UndisputedFact.case_id == case.id).order_by(UndisputedFact.id)
    ).all()


def record_fact(case: Case, mediator: User, text: str) -> UndisputedFact:
    """The mediator records a fact the parties appear not to dispute; each party is asked to confirm it."""
    if Capacity.MEDIATOR not in capacities(case, mediator):
        raise HandoverError(_l("Only the mediator of the case records undisputed facts."))
    if case.state != CaseState.MEDIATING:
        raise HandoverError(_l("Undisputed facts are recorded while the case is being mediated."))
    text = (text or "").strip()
    if not text:
        raise HandoverError(_l("Write the fact down."))
    if len(text) > MAX_FACT_CHARS:
        raise HandoverError(_l("Keep a fact under %(n)d characters.", n=MAX_FACT_CHARS))
    fact = UndisputedFact(case_id=case.id, text=text, recorded_by_id=mediator.id, recorded_at=utcnow())
    db.session.add(fact)
    db.session.flush()
    record("fact.recorded", fact, case=case, actor=mediator, details={"text": text})
    notify([p.user for p in case.parties], "fact.recorded", case, number=case.number)
    return fact


def answer_fact(fact: UndisputedFact, case: Case, user: User, *, confirmed: bool, comment: str | None = None):
    """A party confirms the fact, or disputes it saying what it holds instead; an answer may be changed
    while the case is mediated."""
    party = case.party_of(user)
    if party is None or fact.case_id != case.id:
        raise HandoverError(_l("Only the parties of the case confirm its facts."))
    if case.state != CaseState.MEDIATING:
        raise HandoverError(_l("Facts are confirmed while the case is being mediated."))
    comment = (comment or "").strip() or None
    if not confirmed and comment is None:
        raise HandoverError(_l("Say what you hold instead, so the mediator can see where you differ."))
    existing = next((a for a in fact.answers if a.party_id == party.id), None)
    if existing is not None:
        fact.answers.remove(existing)
        db.session.flush()
    fact.answers.append(
        FactAnswer(party_id=party.id, user_id=user.id, confirmed=confirmed, comment=comment, at=utcnow())
    )
    record(
        "fact.confirmed" if confirmed else "fact.disputed",
        fact,
        case=case,
        actor=user,
        details={"party_id": party.id, "comment": comment},
    )


def is_undisputed(fact: UndisputedFact, case: Case) -> bool:
    """Every party of the case has confirmed FACT."""
    confirmed = {a.party_id for a in fact.answers if a.confirmed}
    return all(p.id in confirmed for p in case.parties)


# The package ------------------------------------------------------------------------------------


def evidence_list(case: Case) -> list[dict]:
    """Every item of evidence in CASE with its SHA-256, oldest first, each file once: the exhibits of
    the docket that were shared with the other side, then the files shared into the case's joint rooms.
    (Exhibits a party kept private or confidential for the neutrals, and caucus files, do not leave
    the platform.)
    """
    from odr.evidence.models import Exhibit, Visibility
    from odr.rooms.models import Message, MessageKind, Room, RoomKind

    seen, items = set(), []
    for exhibit in db.session.scalars(
        sa.select(Exhibit)
        .where(Exhibit.case_id == case.id, Exhibit.visibility == Visibility.SHARED)
        .order_by(Exhibit.created_at, Exhibit.id)
    ):
        if exhibit.sha256 in seen:
            continue
        seen.add(exhibit.sha256)
        items.append(
            {
                "name": f"{exhibit.number_zh} {exhibit.title}（{exhibit.file_name}）",
                "sha256": exhibit.sha256,
                "size": exhibit.size,
                "type": exhibit.content_type,
                "submitted_by": exhibit.submitted_by.name,
                "submitted_at": exhibit.created_at.isoformat(),
                "source": "docket",
            }
        )

    rows = db.session.execute(
        sa.select(Message, Room.kind)
        .join(Room, Room.id == Message.room_id)
        .where(
            Room.case_id == case.id,
            Message.kind == MessageKind.FILE,
            # a caucus room is one side's confidence with the mediator: its files stay there
            Room.kind.not_in((RoomKind.CAUCUS_CLAIMANT, RoomKind.CAUCUS_RESPONDENT)),
        )
        .order_by(Message.created_at, Message.id)
    ).all()
    for message, room_kind in rows:
        if message.file_sha256 in seen:
            continue
        seen.add(message.file_sha256)
        items.append(
            {
                "name": message.file_name,
                "sha256": message.file_sha256,
                "size": message.file_size,
                "type": message.file_type,
                "submitted_by": message.sender.name if message.sender else "",
                "submitted_at": message.created_at.isoformat(),
                "source": f"room:{room_kind.value}",
            }
        )
    return items


def handover_of(case: Case) -> Handover | None:
    return db.session.scalar(sa.select(Handover).where(Handover.case_id == case.id))


def produce(case: Case, ended_by: Action) -> Handover:
    """Make CASE's hand-over package (once) and send it if the receiving organisation is known.

    The package is fixed the moment mediation ends: why it ended, the evidence list, the time. Its
    summary PDF is rendered at once, unless documents are deferred (the deadline sweep defers them,
    so a thousand limits running out together are acted on in seconds): then the sweep renders it
    after its transactions (complete_pending), or whoever asks for it first (complete)."""
    existing = handover_of(case)
    if existing is not None:
        return existing
    handover = Handover(
        case_id=case.id,
        state=HandoverState.AWAITING_REFERRAL,
        ended_as=case.state.value,
        ended_reason=ending_reason(case, ended_by),
        evidence=evidence_list(case),
        created_at=utcnow(),
    )
    db.session.add(handover)
    db.session.flush()
    if not db.session.info.get(DEFER_DOCUMENTS):
        _complete(handover, case)
    return handover


# db.session.info key: while set, packages are made without their PDF (see produce)
DEFER_DOCUMENTS = "odr.handover.defer_documents"


def complete(handover: Handover) -> Handover:
    """Render HANDOVER's summary PDF if it is not yet rendered (locked: two callers render it once)."""
    if handover.pdf_sha256 is None:
        db.session.refresh(handover, with_for_update=True)
        if handover.pdf_sha256 is None:
            _complete(handover, handover.case)
    return handover


def complete_pending(limit: int | None = None) -> int:
    """Render the summary of every package made without it, each in its own transaction; return how
    many. A package that fails to render is logged and left for the next call."""
    import logging

    query = sa.select(Handover.id).where(Handover.pdf_sha256.is_(None)).order_by(Handover.id)
    ids = db.session.scalars(query.limit(limit) if limit else query).all()
    db.session.rollback()
    done = 0
    for handover_id in ids:
        try:
            handover = db.session.get(Handover, handover_id)
            if handover is not None and handover.pdf_sha256 is None:
                complete(handover)
                done += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            logging.getLogger(__name__).exception(
                "The hand-over summary %s could not be rendered", handover_id
            )
    return done


def _complete(handover: Handover, case: Case):
    """Render and store the summary PDF, record the package on the audit chain, tell the parties and
    the clerks, and send it to the court that delegated the case."""
    from odr.core.labels import zh
    from odr.handover.package import package_data
    from odr.handover.pdf import render_handover

    data = package_data(
        case, reason=handover.ended_reason, evidence=handover.evidence, generated_at=handover.created_at
    )
    data["ended_as"] = zh(CaseState(handover.ended_as))  # as it ended, whatever came after
    pdf = render_handover(data)
    stored = storage.store(pdf, allowed={"application/pdf"}, max_size=max(len(pdf), 1))
    handover.pdf_sha256 = stored.sha256
    handover.pdf_size = stored.size
    record(
        "handover.produced",
        handover,
        case=case,
        actor=None,
        details={
            "pdf_sha256": stored.sha256,
            "evidence": [e["sha256"] for e in handover.evidence],
            "ended_as": handover.ended_as,
        },
    )
    notify([*[p.user for p in case.parties], *clerks_of(case)], "handover.produced", case, number=case.number)
    court = case.delegating_court if case.channel == Channel.COURT_DELEGATED else None
    if court is not None:
        send(handover, court)


def ending_reason(case: Case, ended_by: Action) -> str:
    """Why mediation ended, in Chinese, for the summary."""
    if ended_by == Action.RESPONDENT_SILENT:
        return "被申请人在期限内未答复是否同意调解，视为不同意调解。"
    if ended_by == Action.RESPONDENT_DECLINES:
        reasons = "；".join(f"{p.name}：{p.decline_reason}" for p in case.respondents if p.decline_reason)
        return f"被申请人不同意调解（{reasons}）。" if reasons else "被申请人不同意调解。"
    if case.closing_reason:
        return case.closing_reason
    return "调解未能达成协议，调解终结。"


def send(handover: Handover, organisation):
    """Address HANDOVER to ORGANISATION (a court or an arbitration commission) and tell its officers."""
    if handover.state == HandoverState.FILED:
        return
    if handover.organisation_id == organisation.id and handover.state == HandoverState.SENT:
        return
    handover.organisation = organisation
    handover.state = HandoverState.SENT
    handover.sent_at = utcnow()
    case = handover.case
    record(
        "handover.sent",
        handover,
        case=case,
        actor=None,
        details={"organisation_id": organisation.id},
    )
    notify(receiving_officers(organisation), "handover.received", case, number=case.number)
    notify(
        [p.user for p in case.parties],
        "handover.sent",
        case,
        number=case.number,
        organisation=organisation.name,
    )


@transitioned.connect_via(ANY, weak=False)
def _follow_the_case(case, *, action=None, target=None, **_):
    if target in ENDINGS:
        produce(case, action)
    elif target == CaseState.REFERRED and case.referred_to is not None:
        handover = handover_of(case)
        if handover is not None:
            send(complete(handover), case.referred_to)


# Who receives and who may read ------------------------------------------------------------------


def is_receiving_officer(user) -> bool:
    """A court liaison of a court, or a clerk of an arbitration commission."""
    if user is None or not user.is_authenticated or user.organisation is None:
        return False
    kind = user.organisation.kind
    return (user.has_role(Role.COURT_LIAISON) and kind in COURT_KINDS) or (
        user.has_role(Role.CLERK) and kind == OrgKind.ARBITRATION_COMMISSION
    )


def receiving_officers(organisation) -> list[User]:
    role = Role.CLERK if organisation.kind == OrgKind.ARBITRATION_COMMISSION else Role.COURT_LIAISON
    return staff_of(organisation.id, role)


def clerks_of(case: Case) -> list[User]:
    from odr.notifications.operations import _clerks

    return _clerks(case)


def receives(handover: Handover, user) -> bool:
    return (
        handover.organisation_id is not None
        and handover.state != HandoverState.AWAITING_REFERRAL
        and is_receiving_officer(user)
        and user.organisation_id == handover.organisation_id
    )


def can_read(handover: Handover, user) -> bool:
    """The parties, the clerks of the case, and the receiving organisation's officers."""
    case = handover.case
    return case.party_of(user) is not None or case.is_clerk_of(user) or receives(handover, user)


def queue_for(user, *, filed: bool | None = None) -> list[Handover]:
    """The hand-overs sent to USER's organisation, newest first."""
    query = sa.select(Handover).where(
        Handover.organisation_id == user.organisation_id, Handover.state != HandoverState.AWAITING_REFERRAL
    )
    if filed is not None:
        query = query.where(Handover.state == (HandoverState.FILED if filed else HandoverState.SENT))
    return db.session.scalars(query.order_by(Handover.sent_at.desc(), Handover.id.desc())).all()


def record_filing(handover: Handover, officer: User, *, number: str, filed_on: date):
    """The receiving organisation records that it filed the case: its own number and the date."""
    if not receives(handover, officer):
        raise HandoverError(_l("Only the receiving organisation records the filing."))
    db.session.refresh(handover, with_for_update=True)  # two officers at once: the second sees the first
    if handover.state == HandoverState.FILED:
        raise HandoverError(_l("The filing of this hand-over is already recorded."))
    number = (number or "").strip()
    if not number:
        raise HandoverError(_l("Give your organisation's case number."))
    if len(number) > 64:
        raise HandoverError(_l("A case number has at most 64 characters."))
    if filed_on is None:
        raise HandoverError(_l("Give the date of filing."))
    today = local(utcnow()).date()
    if filed_on > today:
        raise HandoverError(_l("The date of filing cannot be in the future."))
    if filed_on < local(handover.sent_at).date():
        raise HandoverError(
            _l(
                "The date of filing cannot be before the case was handed over (%(day)s).",
                day=local(handover.sent_at).strftime("%Y-%m-%d"),
            )
        )
    handover.state = HandoverState.FILED
    handover.filed_number = number
    handover.filed_on = filed_on
    handover.filed_by_id = officer.id
    handover.filed_at = utcnow()
    case = handover.case
    record(
        "handover.filed",
        handover,
        case=case,
        actor=officer,
        details={
            "number": number,
            "filed_on": filed_on.isoformat(),
            "organisation_id": handover.organisation_id,
        },
    )
    notify(
        [*[p.user for p in case.parties], *clerks_of(case)],
        "handover.filed",
        case,
        number=case.number,
        organisation=handover.organisation.name,
        filed_number=number,
    )


def _register_labels():
    from odr.audit import labels

    labels.register(
        {
            "fact.recorded": _l("The mediator recorded an undisputed fact"),
            "fact.confirmed": _l("A party confirmed a fact"),
            "fact.disputed": _l("A party disputed a fact"),
            "handover.produced": _l("The hand-over package was made"),
            "handover.sent": _l("The case was handed over"),
            "handover.filed": _l("The receiving organisation filed the case"),
        }
    )


_register_labels()
