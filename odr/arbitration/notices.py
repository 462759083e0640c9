"""How the arbitration's acts read in the timeline, and who is told of them."""

import sqlalchemy as sa
from blinker import ANY
from flask_babel import lazy_gettext as _l

from odr.arbitration.workflow import ArbitrationAction
from odr.audit import labels
from odr.audit.operations import recorded
from odr.extensions import db
from odr.notifications import operations as notifications

labels.register(
    {
        **{f"arbitration.{a.value}": a.label for a in ArbitrationAction},
        "arbitration.applied": _l("An application for arbitration was made"),
        "arbitration.answered": _l("The respondent filed its defence"),
        "arbitration.presiding_chosen": _l("A side chose the presiding arbitrator"),
        "arbitration.nominated": _l("An arbitrator was named"),
        "arbitration.seat_accepted": _l("An arbitrator accepted and signed the declaration"),
        "arbitration.seat_declined": _l("An arbitrator declined"),
        "arbitration.seat_lapsed": _l("An arbitrator did not answer in time"),
        "arbitration.challenged": _l("A party challenged an arbitrator"),
        "arbitration.challenge_decided": _l("The commission decided a challenge"),
        "arbitration.note": _l("The tribunal wrote a deliberation note"),
        "arbitration.award_signed": _l("An arbitrator signed the award"),
        "arbitration.answer_period_over": _l("The time for the defence ended"),
        "arbitration.nomination_period_over": _l("The time for naming arbitrators ended"),
        "arbitration.award_overdue": _l("The period for the award ran out"),
        "arbitration.performance_reported": _l("Performance of the award was reported"),
        "arbitration.performance_disputed": _l("Performance of the award was disputed"),
        "arbitration.performance_overdue": _l("The award was not performed in time"),
    }
)

notifications.TEXTS.update(
    {
        "arbitration.applied": _l("An application for arbitration (case %(number)s) awaits the commission."),
        "arbitration.accept": _l(
            "Arbitration %(arbitration)s was accepted: read the application and file your defence in time."
        ),
        "arbitration.refuse": _l(
            "The commission did not accept the application for arbitration in case %(number)s."
        ),
        "arbitration.nominated": _l("You are asked to sit as arbitrator in arbitration %(arbitration)s."),
        "arbitration.tribunal_formed": _l("The tribunal of arbitration %(arbitration)s is formed."),
        "arbitration.challenged": _l("An arbitrator of arbitration %(arbitration)s was challenged."),
        "arbitration.challenge_decided": _l("The challenge in arbitration %(arbitration)s was decided."),
        "arbitration.draft_award": _l(
            "A draft award of arbitration %(arbitration)s awaits the commission's review."
        ),
        "arbitration.record_settlement": _l(
            "A consent award of arbitration %(arbitration)s awaits the commission's review."
        ),
        "arbitration.review_award": _l(
            "The commission reviewed the draft award of arbitration %(arbitration)s: read its remarks and sign."
        ),
        "arbitration.issue": _l("The award of arbitration %(arbitration)s was issued and served on you."),
        "arbitration.answer_period_over": _l(
            "The time for the defence in arbitration %(arbitration)s ended."
        ),
        "arbitration.nomination_period_over": _l(
            "The time for naming arbitrators in %(arbitration)s ended: the commission appoints."
        ),
        "arbitration.award_overdue": _l("The period for the award in arbitration %(arbitration)s ran out."),
        "arbitration.performance_reported": _l(
            "Performance of the award %(arbitration)s was reported: please confirm or dispute it."
        ),
        "arbitration.performance_disputed": _l(
            "Your report of performing award %(arbitration)s was disputed."
        ),
        "arbitration.performance_overdue": _l(
            "Award %(arbitration)s was not performed in time: you may apply to the court for enforcement."
        ),
        "arbitration.performed": _l("Award %(arbitration)s has been performed."),
        "arbitration.apply_enforcement": _l(
            "An application to enforce an arbitral award (%(arbitration)s) was sent to your court."
        ),
    }
)


def _clerks(commission_id):
    from odr.accounts.models import Role, staff_of

    return staff_of(commission_id, Role.CLERK)


@recorded.connect_via(ANY, weak=False)
def tell_the_people_concerned(entry, *, obj=None, case=None, **_):
    from odr.arbitration.models import ArbitrationCase, Award, Challenge, TribunalSeat

    action = entry.action
    if case is None or obj is None or not action.startswith("arbitration."):
        return
    if isinstance(obj, ArbitrationCase):
        arbitration = obj
    elif isinstance(obj, TribunalSeat | Award):
        arbitration = obj.arbitration
    elif isinstance(obj, Challenge):
        arbitration = obj.seat.arbitration
    else:
        return
    params = {"number": case.number or case.title, "arbitration": arbitration.number or case.title}
    parties = [p.user for p in case.parties if p.user is not None]
    tribunal = [s.arbitrator for s in arbitration.serving]
    clerks = _clerks(arbitration.commission_id)
    if action == "arbitration.applied":
        notifications.notify(clerks, action, case, **params)
    elif action in ("arbitration.accept", "arbitration.refuse", "arbitration.issue"):
        notifications.notify(parties, action, case, **params)
    elif action == "arbitration.nominated":
        notifications.notify([obj.arbitrator], action, case, **params)
    elif action in ("arbitration.tribunal_formed", "arbitration.challenge_decided"):
        notifications.notify([*parties, *tribunal, *clerks], action, case, **params)
    elif action == "arbitration.challenged":
        notifications.notify([*clerks, obj.seat.arbitrator], action, case, **params)
    elif action in ("arbitration.draft_award", "arbitration.record_settlement"):
        notifications.notify(clerks, action, case, **params)
    elif action == "arbitration.review_award":
        notifications.notify(tribunal, action, case, **params)
    elif action in ("arbitration.answer_period_over", "arbitration.nomination_period_over"):
        notifications.notify([*clerks, *parties], action, case, **params)
    elif action == "arbitration.award_overdue":
        notifications.notify([*clerks, *tribunal], action, case, **params)
    elif action in ("arbitration.performance_reported", "arbitration.performance_overdue"):
        claimants = [p.user for p in case.claimants if p.user is not None]
        notifications.notify(claimants, action, case, **params)
    elif action == "arbitration.performance_disputed":
        notifications.notify([p.user for p in case.respondents if p.user is not None], action, case, **params)
    elif action == "arbitration.performed":
        notifications.notify([*parties, *clerks], action, case, **params)
    elif action == "arbitration.apply_enforcement":
        from odr.agreements.models import EnforcementApplication
        from odr.agreements.notices import _liaisons

        court_id = db.session.scalar(
            sa.select(EnforcementApplication.court_id)
            .where(
                EnforcementApplication.award_id.in_(
                    sa.select(Award.id).where(Award.arbitration_id == arbitration.id)
                )
            )
            .order_by(EnforcementApplication.id.desc())
        )
        notifications.notify(_liaisons(court_id), action, case, **params)
