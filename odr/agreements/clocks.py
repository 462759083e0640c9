"""The agreement's time limits as stored deadlines (DESIGN §7): the 30 days to apply for judicial
confirmation, the court's 3 days to accept and 15 (+10) to decide, paused while it waits for
materials, each dated obligation's due date (an ongoing undertaking has none), and the 2 years to
apply for enforcement.

Like the case's limits, they follow the audit chain.
"""

from blinker import ANY

from odr.agreements import confirmation, performance
from odr.agreements.models import Agreement, AgreementState, ConfirmationApplication, Obligation
from odr.audit.operations import record, recorded
from odr.core.db import utcnow
from odr.deadlines import operations as deadlines
from odr.deadlines.models import DeadlineKind
from odr.extensions import db

K = DeadlineKind


@recorded.connect_via(ANY, weak=False)
def follow_agreements(entry, *, obj=None, case=None, **_):
    action = entry.action
    if action in ("case.terminate", "case.withdraw") and obj is not None:
        # A draft cannot outlive the mediation it was written in.
        from odr.agreements import operations

        draft = operations.open_agreement(obj)
        if draft is not None:
            operations.abandon(draft, None, reason=action.removeprefix("case."))
        return
    if obj is None or not action.startswith(("agreement.", "obligation.", "confirmation.")):
        return
    if action == "agreement.last_signature" and obj.effective_at:
        deadlines.create(K.CONFIRMATION_WINDOW, obj, confirmation.window_closes_at(obj), case=case)
    elif action == "obligation.created":
        due = performance.due_moment(obj)
        if due is not None:  # an ongoing undertaking has no due day and never falls overdue
            deadlines.create(K.OBLIGATION_DUE, obj, due, case=case)
    elif action == "obligation.confirmed":
        deadlines.meet(K.OBLIGATION_DUE, obj, outcome="performed")
    elif action == "agreement.apply":
        application = confirmation.open_application(obj)
        deadlines.meet(K.CONFIRMATION_WINDOW, obj, outcome="applied")
        if application is not None and application.acceptance_due_at:
            deadlines.create(K.COURT_ACCEPTANCE, application, application.acceptance_due_at, case=case)
    elif action == "agreement.court_accepts":
        application = confirmation.open_application(obj)
        if application is not None and application.decision_due_at:
            deadlines.meet(K.COURT_ACCEPTANCE, application, outcome="accepted")
            deadlines.create(K.COURT_DECISION, application, application.decision_due_at, case=case)
    elif action == "confirmation.extended":
        for deadline in deadlines.find(K.COURT_DECISION, obj):
            new_due = obj.decision_due_at
            if deadline.state.value == "paused":
                new_due = utcnow() + (deadline_remaining(deadline)) + _extension(obj)
            deadlines.extend(
                deadline, new_due, reason=obj.extension_reason, agreed_by=[entry.actor_id], actor=None
            )
    elif action == "agreement.request_materials":
        application = confirmation.open_application(obj)
        for deadline in deadlines.find(K.COURT_DECISION, application) if application else ():
            if deadline.state.value == "pending":
                deadlines.pause(deadline, reason="materials requested")
    elif action == "agreement.supply_materials":
        application = confirmation.open_application(obj)
        for deadline in deadlines.find(K.COURT_DECISION, application) if application else ():
            if deadline.state.value == "paused":
                deadlines.resume(deadline)
                application.decision_due_at = deadline.due_at
    elif action in ("agreement.confirm", "agreement.reject"):
        application = confirmation.latest_application(obj)
        if application is not None:
            deadlines.meet(K.COURT_DECISION, application, outcome=action.removeprefix("agreement."))
    elif action in ("agreement.default", "agreement.breach"):
        closes = performance.enforcement_window_closes(obj)
        if closes is not None:
            deadlines.create(K.ENFORCEMENT_WINDOW, obj, closes, case=case)
    elif action == "agreement.apply_enforcement":
        deadlines.meet(K.ENFORCEMENT_WINDOW, obj, outcome="applied")
    elif action == "agreement.all_performed":
        deadlines.cancel(K.CONFIRMATION_WINDOW, obj)
        deadlines.cancel(K.ENFORCEMENT_WINDOW, obj)


def deadline_remaining(deadline):
    from datetime import timedelta

    return timedelta(seconds=deadline.remaining_seconds or 0)


def _extension(application):
    from datetime import timedelta

    from flask import current_app

    return timedelta(days=current_app.config["COURT_EXTENSION_DAYS"])


@deadlines.action(K.CONFIRMATION_WINDOW)
def confirmation_window_closed(deadline):
    agreement = db.session.get(Agreement, deadline.object_id)
    if agreement is None or agreement.state != AgreementState.EFFECTIVE:
        return "nothing to do"
    pending = confirmation.open_application(agreement)
    if pending is not None:
        pending.withdrawn_at = utcnow()
    record(
        "confirmation.window_closed",
        agreement,
        case=agreement.case,
        actor=None,
        details={"pending_application_id": pending.id if pending else None},
    )
    return "window closed: confirmation can no longer be applied for"


def _escalate(deadline, code):
    application = db.session.get(ConfirmationApplication, deadline.object_id)
    if application is None or application.decision is not None:
        return "nothing to do"
    record(code, application, case=application.case, actor=None, details={"deadline_id": deadline.id})
    return "escalated to the court's liaison officers and the clerk"


@deadlines.action(K.COURT_ACCEPTANCE)
def court_acceptance_overdue(deadline):
    application = db.session.get(ConfirmationApplication, deadline.object_id)
    if application is None or application.accepted_at is not None:
        return "nothing to do"
    return _escalate(deadline, "confirmation.acceptance_overdue")


@deadlines.action(K.COURT_DECISION)
def court_decision_overdue(deadline):
    return _escalate(deadline, "confirmation.decision_overdue")


@deadlines.action(K.OBLIGATION_DUE)
def obligation_due(deadline):
    obligation = db.session.get(Obligation, deadline.object_id)
    if obligation is None:
        return "nothing to do"
    return performance.obligation_fell_due(obligation)


@deadlines.action(K.ENFORCEMENT_WINDOW)
def enforcement_window_closed(deadline):
    agreement = db.session.get(Agreement, deadline.object_id)
    if agreement is None or agreement.state != AgreementState.IN_DEFAULT:
        return "nothing to do"
    record("enforcement.window_closed", agreement, case=agreement.case, actor=None)
    return "enforcement window closed"
