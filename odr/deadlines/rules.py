"""Which acts start and stop which deadlines, and what happens when one falls due (DESIGN §7).

The deadlines follow the audit chain: every act is recorded there, so this module listens to it
instead of every other package calling it.
"""

from blinker import ANY

from odr.audit.operations import recorded
from odr.cases import workflow
from odr.cases.models import Case, CaseState
from odr.cases.workflow import Action, Capacity
from odr.deadlines import operations as deadlines
from odr.deadlines.models import DeadlineKind
from odr.extensions import db

MEDIATION_ENDS = {"case.agreement_effective", "case.terminate", "case.withdraw"}


@recorded.connect_via(ANY, weak=False)
def follow_the_audit_chain(entry, *, obj=None, case=None, **_):
    action = entry.action
    if action.startswith("deadline.") or obj is None:
        return
    if action == "case.accept" and obj.respondent_due_at:
        deadlines.create(DeadlineKind.RESPONDENT_ANSWER, obj, obj.respondent_due_at, case=obj)
    elif action in ("case.respondent_consents", "case.respondent_declines"):
        deadlines.meet(DeadlineKind.RESPONDENT_ANSWER, obj)
    elif action == "case.mediator_accepts" and obj.mediation_due_at:
        deadlines.create(DeadlineKind.MEDIATION_PERIOD, obj, obj.mediation_due_at, case=obj)
    elif action in MEDIATION_ENDS:
        deadlines.cancel(DeadlineKind.RESPONDENT_ANSWER, obj)
        deadlines.meet(DeadlineKind.MEDIATION_PERIOD, obj, outcome=action.removeprefix("case."))
    elif action == "assignment.proposed":
        deadlines.create(DeadlineKind.EXPERT_ANSWER, obj, obj.answer_due_at, case=case)
    elif action == "assignment.parties_notified":
        deadlines.meet(DeadlineKind.INVESTIGATOR_NOTICE, obj, outcome="parties notified")
    elif action in (
        "assignment.accepted",
        "assignment.declined",
        "assignment.recused",
        "assignment.released",
    ):
        deadlines.meet(DeadlineKind.EXPERT_ANSWER, obj, outcome=action.removeprefix("assignment."))
        if action == "assignment.accepted" and obj.seat.value == "technical_investigator":
            deadlines.create(DeadlineKind.INVESTIGATOR_NOTICE, obj, obj.notice_due_at, case=case)
    elif action == "session.scheduled":
        deadlines.create(DeadlineKind.SESSION_REMINDER_24H, obj, obj.reminder_24h_at, case=case)
        deadlines.create(DeadlineKind.SESSION_REMINDER_1H, obj, obj.reminder_1h_at, case=case)
    elif action == "session.cancelled":
        deadlines.cancel(DeadlineKind.SESSION_REMINDER_24H, obj)
        deadlines.cancel(DeadlineKind.SESSION_REMINDER_1H, obj)


@deadlines.action(DeadlineKind.RESPONDENT_ANSWER)
def respondent_silent(deadline):
    case = db.session.get(Case, deadline.object_id)
    if case is None or case.state != CaseState.AWAITING_RESPONDENT:
        return "nothing to do"
    workflow.apply(
        case,
        Action.RESPONDENT_SILENT,
        actor=None,
        capacity=Capacity.SYSTEM,
        details={"deadline_id": deadline.id},
    )
    return "respondent silent: not mediated"


@deadlines.action(DeadlineKind.EXPERT_ANSWER)
def expert_silent(deadline):
    from odr.experts import operations as experts
    from odr.experts.models import Assignment

    assignment = db.session.get(Assignment, deadline.object_id)
    if assignment is None:
        return "nothing to do"
    following = experts.lapse(assignment)
    return f"lapsed; next asked: {following.expert_id}" if following else "lapsed; no further candidate"


@deadlines.action(DeadlineKind.MEDIATION_PERIOD)
def mediation_period_over(deadline):
    case = db.session.get(Case, deadline.object_id)
    if case is None or case.state != CaseState.MEDIATING:
        return "nothing to do"
    workflow.apply(
        case,
        Action.TERMINATE,
        actor=None,
        capacity=Capacity.SYSTEM,
        details={"reason": "mediation_period_expired", "deadline_id": deadline.id},
        updates={"closing_reason": "调解期限届满未达成协议"},
    )
    return "mediation period over: failed"


@deadlines.action(DeadlineKind.INVESTIGATOR_NOTICE)
def investigator_not_announced(deadline):
    from odr.experts.models import Assignment

    assignment = db.session.get(Assignment, deadline.object_id)
    if assignment is None or assignment.parties_notified_at is not None:
        return "nothing to do"
    return "parties not told of the technical investigator in time: escalated to the clerk"


def _remind(deadline, hours):
    from odr.core.timeutil import local_text
    from odr.rooms import operations as rooms
    from odr.rooms.models import MediationSession, SessionState

    session = db.session.get(MediationSession, deadline.object_id)
    if session is None or session.state != SessionState.SCHEDULED:
        return "nothing to do"
    rooms.post_system(
        session.room,
        "session_reminder",
        when=local_text(session.starts_at),
        hours=hours,
    )
    return f"reminded {hours} h before"


@deadlines.action(DeadlineKind.SESSION_REMINDER_24H)
def remind_a_day_before(deadline):
    return _remind(deadline, 24)


@deadlines.action(DeadlineKind.SESSION_REMINDER_1H)
def remind_an_hour_before(deadline):
    return _remind(deadline, 1)


def _register_labels():
    from flask_babel import lazy_gettext as _l

    from odr.audit import labels

    labels.register(
        {
            "deadline.created": _l("A time limit started"),
            "deadline.met": _l("A time limit was met"),
            "deadline.extended": _l("A time limit was extended"),
            "deadline.paused": _l("A time limit was paused"),
            "deadline.resumed": _l("A time limit was resumed"),
            "deadline.acted": _l("A time limit ran out and the platform acted"),
            "deadline.escalated": _l("The clerk was told that a time limit ran out"),
        }
    )


_register_labels()
