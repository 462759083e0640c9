"""The arbitration's time limits as stored deadlines: the defence, naming the arbitrators, each
arbitrator's answer, and the period for the award. They follow the audit chain."""

from blinker import ANY

from odr.arbitration import awards, tribunal
from odr.arbitration.models import ArbitrationCase, ArbitrationState, SeatState, TribunalSeat
from odr.audit.operations import record, recorded
from odr.deadlines import operations as deadlines
from odr.deadlines.models import DeadlineKind
from odr.extensions import db

K = DeadlineKind
ENDS = ("arbitration.withdraw", "arbitration.refuse")


@recorded.connect_via(ANY, weak=False)
def follow_arbitration(entry, *, obj=None, case=None, **_):
    action = entry.action
    if obj is None or not action.startswith("arbitration."):
        return
    if action in ("arbitration.accept", "arbitration.served") and obj.served_at is not None:
        # The defence and nomination periods run from the service on the respondent.
        deadlines.create(K.ARBITRATION_ANSWER, obj, obj.answer_due_at, case=case)
        deadlines.create(K.ARBITRATION_NOMINATION, obj, obj.nomination_due_at, case=case)
    elif action == "arbitration.answered":
        deadlines.meet(K.ARBITRATION_ANSWER, obj, outcome="answered")
    elif action == "arbitration.nominated":
        deadlines.create(K.ARBITRATOR_ANSWER, obj, obj.answer_due_at, case=case)
    elif action in ("arbitration.seat_accepted", "arbitration.seat_declined"):
        deadlines.meet(K.ARBITRATOR_ANSWER, obj, outcome=action.removeprefix("arbitration."))
    elif action == "arbitration.tribunal_formed":
        deadlines.meet(K.ARBITRATION_NOMINATION, obj, outcome="formed")
        if obj.award_due_at and not deadlines.find(K.AWARD_PERIOD, obj):
            deadlines.create(K.AWARD_PERIOD, obj, obj.award_due_at, case=case)
    elif action == "arbitration.challenge_decided" and entry.details and '"upheld":true' in entry.details:
        arbitration = obj.seat.arbitration
        deadlines.create(K.ARBITRATION_NOMINATION, arbitration, arbitration.nomination_due_at, case=case)
    elif action == "arbitration.issue":
        deadlines.meet(K.AWARD_PERIOD, obj, outcome="issued")
        deadlines.cancel(K.ARBITRATION_ANSWER, obj)
        from odr.arbitration import performance

        award = awards.issued_award(obj)
        if award is not None and award.performance_due_on:
            deadlines.create(K.AWARD_PERFORMANCE, award, performance.due_moment(award), case=case)
    elif action == "arbitration.performed":
        award = awards.issued_award(obj)
        if award is not None:
            deadlines.meet(K.AWARD_PERFORMANCE, award, outcome="performed")
    elif action in ENDS:
        for kind in (K.ARBITRATION_ANSWER, K.ARBITRATION_NOMINATION, K.AWARD_PERIOD):
            deadlines.cancel(kind, obj)


def _arbitration(deadline) -> ArbitrationCase | None:
    return db.session.get(ArbitrationCase, deadline.object_id)


@deadlines.action(K.ARBITRATION_ANSWER)
def defence_period_over(deadline):
    arbitration = _arbitration(deadline)
    if (
        arbitration is None
        or arbitration.answered_at is not None
        or arbitration.state
        in (
            ArbitrationState.WITHDRAWN,
            ArbitrationState.REFUSED,
        )
    ):
        return "nothing to do"
    record("arbitration.answer_period_over", arbitration, case=arbitration.case, actor=None)
    return "no defence in time: the arbitration goes on"


@deadlines.action(K.ARBITRATION_NOMINATION)
def nomination_period_over(deadline):
    arbitration = _arbitration(deadline)
    if arbitration is None or arbitration.state != ArbitrationState.FORMING_TRIBUNAL:
        return "nothing to do"
    record("arbitration.nomination_period_over", arbitration, case=arbitration.case, actor=None)
    return "escalated: the commission appoints the seats left empty"


@deadlines.action(K.ARBITRATOR_ANSWER)
def arbitrator_silent(deadline):

    seat = db.session.get(TribunalSeat, deadline.object_id)
    if seat is None or seat.state != SeatState.PROPOSED:
        return "nothing to do"
    tribunal.lapse_seat(seat)
    return "lapsed: the seat is open again"


@deadlines.action(K.AWARD_PERFORMANCE)
def award_not_performed(deadline):
    from odr.arbitration.models import Award

    award = db.session.get(Award, deadline.object_id)
    if award is None or award.performance_confirmed_at is not None:
        return "nothing to do"
    record("arbitration.performance_overdue", award, case=award.arbitration.case, actor=None)
    return "not performed in time: the claimant may apply for enforcement"


@deadlines.action(K.AWARD_PERIOD)
def award_overdue(deadline):
    arbitration = _arbitration(deadline)
    if arbitration is None or arbitration.state not in (
        ArbitrationState.HEARING,
        ArbitrationState.AWARD_REVIEW,
        ArbitrationState.AWARD_PENDING,
    ):
        return "nothing to do"
    record("arbitration.award_overdue", arbitration, case=arbitration.case, actor=None)
    return "escalated to the commission and the tribunal"
