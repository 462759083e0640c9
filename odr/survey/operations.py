"""Asking the parties when a case ends, taking their one answer each, reminding and closing.

A case ends, for the survey, when its settlement is performed, mediation fails, it is handed over,
an award is issued, or the claimant withdraws it once mediation had begun. Each party with an
account is then asked once, in the platform and by mail; a reminder follows after 7 days if it has
not answered, and the survey closes after 30. Both are stored deadlines the sweep acts on.
"""

from datetime import timedelta

import sqlalchemy as sa
from blinker import ANY
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record, recorded
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.timeutil import local
from odr.deadlines import operations as deadlines
from odr.deadlines.models import DeadlineKind
from odr.extensions import db
from odr.notifications.operations import TEXTS, notify
from odr.survey.models import QUESTIONS, Ending, ExpertScore, SurveyAnswer, SurveyExpert, SurveyInvitation

REMIND_AFTER = timedelta(days=7)
CLOSE_AFTER = timedelta(days=30)

TEXTS.update(
    {
        "survey.asked": _l(
            "Case %(number)s has ended. Please tell us how we served you: a short survey, answered once "
            "and anonymous in every figure. Open “Satisfaction surveys” under your name in the menu."
        ),
        "survey.reminder": _l(
            "A reminder: your survey on case %(number)s is still open until %(until)s. Open “Satisfaction surveys” under your name in the menu."
        ),
    }
)

# audit action -> how the case ended (case.withdraw counts only once mediation had begun)
ENDINGS = {
    "agreement.all_performed": Ending.PERFORMED,
    "case.terminate": Ending.FAILED,
    "handover.sent": Ending.HANDED_OVER,
    "arbitration.issue": Ending.AWARDED,
    "case.withdraw": Ending.WITHDRAWN,
}
WITHDRAWN_AFTER_MEDIATION_FROM = ("mediating",)


class SurveyError(UserError):
    pass


def serving_experts(case) -> set[int]:
    """The experts (user ids) who served on CASE: mediators, co-mediators and technical investigators
    who signed their declaration and were not recused, and the arbitrators of its tribunal."""
    from odr.arbitration.models import ArbitrationCase, SeatState, TribunalSeat
    from odr.experts.models import Assignment, AssignmentState

    experts = set(
        db.session.scalars(
            sa.select(Assignment.expert_id).where(
                Assignment.case_id == case.id,
                Assignment.declaration_signed_at.is_not(None),
                Assignment.state.in_((AssignmentState.ACCEPTED, AssignmentState.RELEASED)),
            )
        )
    )
    experts |= set(
        db.session.scalars(
            sa.select(TribunalSeat.arbitrator_id)
            .join(ArbitrationCase, ArbitrationCase.id == TribunalSeat.arbitration_id)
            .where(ArbitrationCase.case_id == case.id, TribunalSeat.state == SeatState.ACCEPTED)
        )
    )
    return experts


def ask(case, ended_as: Ending) -> list[SurveyInvitation]:
    """Ask each party of CASE with an account, once: nothing happens if the case was asked before."""
    ended_as = Ending(ended_as)
    asked_before = db.session.scalar(
        sa.select(sa.func.count()).select_from(SurveyInvitation).where(SurveyInvitation.case_id == case.id)
    )
    if asked_before:
        return []
    now = utcnow()
    invitations = []
    for party in case.parties:
        if party.user is None:
            continue
        invitation = SurveyInvitation(
            case_id=case.id,
            party_id=party.id,
            user_id=party.user_id,
            ended_as=ended_as,
            asked_at=now,
            closes_at=now + CLOSE_AFTER,
        )
        db.session.add(invitation)
        invitations.append(invitation)
    if not invitations:
        return []
    db.session.flush()
    for expert_id in serving_experts(case):
        db.session.add(SurveyExpert(case_id=case.id, expert_id=expert_id))
        if db.session.get(ExpertScore, expert_id) is None:
            db.session.add(ExpertScore(expert_id=expert_id, answers=0, overall_total=0))
    for invitation in invitations:
        # The deadlines belong to the invitation, not to the case's time limits shown on its page.
        deadlines.create(DeadlineKind.SURVEY_REMINDER, invitation, now + REMIND_AFTER)
        deadlines.create(DeadlineKind.SURVEY_CLOSE, invitation, now + CLOSE_AFTER)
    record(
        "survey.asked", case, actor=None, details={"ended_as": ended_as.value, "parties": len(invitations)}
    )
    notify(
        [i_party.user for i_party in case.parties if i_party.user], "survey.asked", case, number=case.number
    )
    return invitations


def answer(invitation: SurveyInvitation, user, ratings: dict, comment: str | None = None) -> SurveyAnswer:
    """Store USER's one answer to INVITATION: every question rated 1-5, the comment optional."""
    if invitation.user_id != user.id:
        raise SurveyError(_l("This survey was sent to someone else."))
    now = utcnow()
    if invitation.answered_at is not None:
        raise SurveyError(_l("You have already answered this survey: each party answers once."))
    if invitation.closed_at is not None or now >= invitation.closes_at:
        raise SurveyError(_l("This survey closed 30 days after it was sent; answers are no longer taken."))
    values = {}
    for question in QUESTIONS:
        try:
            value = int(ratings.get(question))
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            raise SurveyError(_l("Rate every question from 1 to 5."))
        values[question] = value
    # Claim the invitation in one conditional update, so two posts of the same form store one answer.
    claimed = db.session.execute(
        sa.update(SurveyInvitation)
        .where(
            SurveyInvitation.id == invitation.id,
            SurveyInvitation.answered_at.is_(None),
            SurveyInvitation.closed_at.is_(None),
        )
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise SurveyError(_l("You have already answered this survey: each party answers once."))
    invitation.answered_at = now
    text = (comment or "").strip()[:4000] or None
    result = SurveyAnswer(
        case_id=invitation.case_id,
        ended_as=invitation.ended_as,
        answered_on=local(now).date(),
        comment=text,
        **values,
    )
    db.session.add(result)
    experts = db.session.scalars(
        sa.select(SurveyExpert.expert_id).where(SurveyExpert.case_id == invitation.case_id)
    ).all()
    if experts:
        db.session.execute(
            sa.update(ExpertScore)
            .where(ExpertScore.expert_id.in_(experts))
            .values(
                answers=ExpertScore.answers + 1, overall_total=ExpertScore.overall_total + values["overall"]
            )
            .execution_options(synchronize_session=False)
        )
    deadlines.meet(DeadlineKind.SURVEY_REMINDER, invitation, outcome="answered")
    deadlines.meet(DeadlineKind.SURVEY_CLOSE, invitation, outcome="answered")
    # The chain records that the party answered, never what it answered.
    record("survey.answered", invitation, case=invitation.case, actor=user)
    db.session.flush()
    return result


def open_for(user, now=None) -> list[SurveyInvitation]:
    """USER's surveys still waiting for an answer."""
    now = now or utcnow()
    return db.session.scalars(
        sa.select(SurveyInvitation)
        .where(
            SurveyInvitation.user_id == user.id,
            SurveyInvitation.answered_at.is_(None),
            SurveyInvitation.closed_at.is_(None),
            SurveyInvitation.closes_at > now,
        )
        .order_by(SurveyInvitation.asked_at.desc())
    ).all()


@deadlines.action(DeadlineKind.SURVEY_REMINDER)
def remind(deadline) -> str:
    invitation = db.session.get(SurveyInvitation, deadline.object_id)
    if invitation is None or invitation.answered_at is not None or invitation.closed_at is not None:
        return "nothing to do"
    from odr.accounts.models import User
    from odr.core.timeutil import local_text

    invitation.reminded_at = utcnow()
    user = db.session.get(User, invitation.user_id)
    notify(
        [user],
        "survey.reminder",
        invitation.case,
        number=invitation.case.number,
        until=local_text(invitation.closes_at),
    )
    return "reminded"


@deadlines.action(DeadlineKind.SURVEY_CLOSE)
def close(deadline) -> str:
    invitation = db.session.get(SurveyInvitation, deadline.object_id)
    if invitation is None or invitation.answered_at is not None or invitation.closed_at is not None:
        return "nothing to do"
    invitation.closed_at = utcnow()
    return "closed unanswered"


@recorded.connect_via(ANY, weak=False)
def _ask_when_the_case_ends(entry, *, obj=None, case=None, **_):
    ending = ENDINGS.get(entry.action)
    if ending is None:
        return
    from odr.cases.models import Case

    case = obj if isinstance(obj, Case) else case
    if not isinstance(case, Case):
        return
    if ending is Ending.WITHDRAWN and entry.data.get("from") not in WITHDRAWN_AFTER_MEDIATION_FROM:
        return
    ask(case, ending)
