"""Extending the mediation period: the mediator proposes, every party consents, and only then
the deadline moves (DESIGN §7: "extendable with all parties' consent"). One refusal ends the proposal."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from blinker import ANY
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.cases.models import Case, CaseState
from odr.cases.workflow import Capacity, capacities, transitioned
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.timeutil import local, local_text
from odr.deadlines import operations as deadlines
from odr.deadlines.calendar import end_of_day, extend_by_days
from odr.deadlines.display import lazy_until
from odr.deadlines.models import DeadlineKind, ExtensionAnswer, ExtensionProposal, ExtensionState
from odr.extensions import db
from odr.notifications.operations import TEXTS, notify


class ExtensionError(UserError):
    """A proposal or answer the rules refuse; the message is shown to the user."""


TEXTS.update(
    {
        "extension.proposed": _l(
            "The mediator proposes to extend the mediation period of case %(number)s to %(due)s. "
            "Please consent or refuse on the case page."
        ),
        "extension.refused": _l("A party refused to extend the mediation period of case %(number)s."),
        "extension.agreed": _l(
            "Every party consented: the mediation period of case %(number)s now ends on %(due)s."
        ),
        "extension.withdrawn": _l("The mediator withdrew the proposed extension of case %(number)s."),
    }
)


def running_period(case: Case):
    """The open mediation-period deadline of CASE, or None."""
    found = deadlines.find(DeadlineKind.MEDIATION_PERIOD, case)
    return found[0] if found else None


def open_proposal(case: Case) -> ExtensionProposal | None:
    return db.session.scalar(
        sa.select(ExtensionProposal).where(
            ExtensionProposal.case_id == case.id, ExtensionProposal.state == ExtensionState.OPEN
        )
    )


def proposals_of(case: Case) -> list[ExtensionProposal]:
    return db.session.scalars(
        sa.select(ExtensionProposal)
        .where(ExtensionProposal.case_id == case.id)
        .order_by(ExtensionProposal.created_at.desc(), ExtensionProposal.id.desc())
    ).all()


def is_mediator(case: Case, user) -> bool:
    return Capacity.MEDIATOR in capacities(case, user)


def answering_parties(case: Case):
    """The parties whose consent an extension needs: claimants and respondents, through their accounts."""
    return list(case.parties)


def new_due_at(current: datetime, *, days: int | None = None, on_date: date | None = None) -> datetime:
    """The proposed end: DAYS more, counted on from the current last day (a last rest day moves to
    the next working day), or 24:00 of ON_DATE, the day the parties agree on."""
    if (days is None) == (on_date is None):
        raise ExtensionError(_l("Give either a new end date or a number of days, not both."))
    if days is not None:
        return extend_by_days(current, days)
    return end_of_day(on_date)


def _lock(obj):
    """Re-read OBJ's row locked for this transaction (PostgreSQL; SQLite has one writer at a time),
    so that two people acting at once see each other's act."""
    db.session.refresh(obj, with_for_update=True)


def propose_extension(case: Case, mediator, *, reason: str, days=None, on_date=None) -> ExtensionProposal:
    """The mediator proposes a later end of the mediation period; every party is asked to consent."""
    if not is_mediator(case, mediator):
        raise ExtensionError(_l("Only the mediator of the case proposes an extension."))
    _lock(case)
    deadline = running_period(case)
    if case.state != CaseState.MEDIATING or deadline is None:
        raise ExtensionError(_l("The mediation period is not running, so it cannot be extended."))
    if open_proposal(case) is not None:
        raise ExtensionError(_l("An extension is already waiting for the parties' answers."))
    if not (reason or "").strip():
        raise ExtensionError(_l("Give the reason for the extension; the parties will see it."))
    if days is not None and not 1 <= days <= current_app.config["MEDIATION_EXTENSION_MAX_DAYS"]:
        raise ExtensionError(
            _l("Extend by 1 to %(max)d days.", max=current_app.config["MEDIATION_EXTENSION_MAX_DAYS"])
        )
    now = utcnow()
    if on_date is not None and on_date < local(now).date():
        raise ExtensionError(_l("The new end date is in the past."))
    target = new_due_at(deadline.due_at, days=days, on_date=on_date)
    if target <= deadline.due_at:
        raise ExtensionError(
            _l(
                "The new end date must be after the current end of the mediation period (%(due)s).",
                due=lazy_until(deadline.due_at),
            )
        )
    limit = deadline.due_at + timedelta(days=current_app.config["MEDIATION_EXTENSION_MAX_DAYS"])
    if target > limit:
        raise ExtensionError(
            _l(
                "An extension may add at most %(max)d days, that is until %(limit)s.",
                max=current_app.config["MEDIATION_EXTENSION_MAX_DAYS"],
                limit=local(limit).strftime("%Y-%m-%d"),
            )
        )
    proposal = ExtensionProposal(
        case_id=case.id,
        deadline_id=deadline.id,
        proposed_by_id=mediator.id,
        current_due_at=deadline.due_at,
        new_due_at=target,
        reason=reason.strip(),
        state=ExtensionState.OPEN,
        created_at=now,
    )
    db.session.add(proposal)
    db.session.flush()
    record(
        "extension.proposed",
        proposal,
        case=case,
        actor=mediator,
        details={"from": deadline.due_at.isoformat(), "to": target.isoformat(), "reason": proposal.reason},
    )
    notify(
        [p.user for p in answering_parties(case)],
        "extension.proposed",
        case,
        number=case.number,
        due=_shown(target),
    )
    return proposal


def awaiting_answer_from(proposal: ExtensionProposal | None, case: Case, user):
    """USER's party record if PROPOSAL still waits for that party's answer."""
    if proposal is None or proposal.state != ExtensionState.OPEN:
        return None
    party = case.party_of(user)
    if party is None or any(a.party_id == party.id for a in proposal.answers):
        return None
    return party


def answer_extension(
    proposal: ExtensionProposal, case: Case, user, *, agreed: bool, reason: str | None = None
):
    """A party consents or refuses; the last consent extends the period, a refusal ends the proposal."""
    party = case.party_of(user)
    if party is None:
        raise ExtensionError(_l("Only the parties of the case consent to an extension."))
    # A consent after the period ran out is refused, even before the sweep has failed the mediation.
    deadlines.check_in_time(DeadlineKind.MEDIATION_PERIOD, case, error=ExtensionError)
    _lock(proposal)  # the last of two consents given at once sees the other one
    if proposal.state != ExtensionState.OPEN or case.state != CaseState.MEDIATING:
        raise ExtensionError(_l("This proposal is no longer open."))
    if any(a.party_id == party.id for a in proposal.answers):
        raise ExtensionError(_l("You have already answered this proposal."))
    reason = (reason or "").strip() or None
    if not agreed and reason is None:
        raise ExtensionError(
            _l("Say why you refuse the extension; the mediator and the other parties will see it.")
        )
    now = utcnow()
    proposal.answers.append(
        ExtensionAnswer(party_id=party.id, user_id=user.id, agreed=agreed, reason=reason, at=now)
    )
    db.session.flush()
    record(
        "extension.consented" if agreed else "extension.refused",
        proposal,
        case=case,
        actor=user,
        details={"party_id": party.id, "reason": reason},
    )
    people = [*[p.user for p in case.parties], *_mediators(case), *_clerks(case)]
    if not agreed:
        proposal.state = ExtensionState.REFUSED
        proposal.decided_at = now
        notify(people, "extension.refused", case, number=case.number)
        return
    agreed_parties = {a.party_id for a in proposal.answers if a.agreed}
    if all(p.id in agreed_parties for p in answering_parties(case)):
        deadline = running_period(case)
        if deadline is None or deadline.id != proposal.deadline_id:
            raise ExtensionError(_l("The mediation period is not running, so it cannot be extended."))
        deadlines.extend(
            deadline,
            proposal.new_due_at,
            reason=proposal.reason,
            agreed_by=[a.user_id for a in proposal.answers],
            actor=user,
        )
        case.mediation_due_at = proposal.new_due_at
        proposal.state = ExtensionState.AGREED
        proposal.decided_at = now
        record(
            "extension.agreed",
            proposal,
            case=case,
            actor=user,
            details={
                "to": proposal.new_due_at.isoformat(),
                "agreed_by": sorted(a.user_id for a in proposal.answers),
            },
        )
        notify(people, "extension.agreed", case, number=case.number, due=_shown(proposal.new_due_at))


def withdraw_extension(proposal: ExtensionProposal, case: Case, mediator):
    if not is_mediator(case, mediator):
        raise ExtensionError(_l("Only the mediator of the case withdraws the proposal."))
    _lock(proposal)
    if proposal.state != ExtensionState.OPEN:
        raise ExtensionError(_l("This proposal is no longer open."))
    proposal.state = ExtensionState.WITHDRAWN
    proposal.decided_at = utcnow()
    record("extension.withdrawn", proposal, case=case, actor=mediator)
    notify([p.user for p in case.parties], "extension.withdrawn", case, number=case.number)


@transitioned.connect_via(ANY, weak=False)
def _lapse_when_mediation_ends(case, *, source=None, **_):
    """A proposal still open when the case leaves mediation lapses."""
    if source != CaseState.MEDIATING:
        return
    proposal = open_proposal(case)
    if proposal is not None:
        proposal.state = ExtensionState.LAPSED
        proposal.decided_at = utcnow()
        record("extension.lapsed", proposal, case=case, actor=None)


def _shown(when: datetime) -> str:
    return local_text(when)


def _mediators(case):
    return [a.expert for a in case.assignments if a.seat.is_mediator and a.state.value == "accepted"]


def _clerks(case):
    from odr.notifications.operations import _clerks

    return _clerks(case)


def _register_labels():
    from odr.audit import labels

    labels.register(
        {
            "extension.proposed": _l("The mediator proposed to extend the mediation period"),
            "extension.consented": _l("A party consented to the extension"),
            "extension.refused": _l("A party refused the extension"),
            "extension.agreed": _l("Every party consented: the mediation period was extended"),
            "extension.withdrawn": _l("The mediator withdrew the proposed extension"),
            "extension.lapsed": _l("The proposed extension lapsed when mediation ended"),
        }
    )


_register_labels()
