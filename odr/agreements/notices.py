"""How the agreement's acts read in the timeline and the rooms, and who is told of them."""

import sqlalchemy as sa
from blinker import ANY
from flask_babel import lazy_gettext as _l

from odr.agreements.workflow import AgreementAction
from odr.audit import labels
from odr.audit.operations import recorded
from odr.extensions import db
from odr.notifications import operations as notifications
from odr.rooms import labels as room_labels

labels.register(
    {
        **{f"agreement.{a.value}": a.label for a in AgreementAction},
        "agreement.created": _l("The mediator started drafting the settlement agreement"),
        "agreement.signed": _l("The agreement was signed"),
        "obligation.created": _l("An obligation of the agreement is tracked"),
        "obligation.reported": _l("Performance of an obligation was reported"),
        "obligation.confirmed": _l("Performance of an obligation was confirmed"),
        "obligation.disputed": _l("Performance of an obligation was disputed"),
        "obligation.overdue": _l("An obligation is overdue"),
        "obligation.breached": _l("A breach of an undertaking was reported, with evidence"),
        "obligation.breach_answered": _l("The obliged party answered a reported breach"),
        "confirmation.applied": _l("A party applied for judicial confirmation"),
        "confirmation.joined": _l("A party joined the application for judicial confirmation"),
        "confirmation.extended": _l("The court extended its review period"),
        "confirmation.window_closed": _l("The 30 days for applying for judicial confirmation ended"),
        "confirmation.acceptance_overdue": _l("The court has not accepted the application in time"),
        "confirmation.decision_overdue": _l("The court has not decided in time"),
        "enforcement.accepted": _l("The court accepted the application for enforcement"),
        "enforcement.window_closed": _l("The 2 years for applying for enforcement ended"),
    }
)

room_labels.SYSTEM_TEXTS.update(
    {
        "agreement_shared": _l(
            "Version %(version)s of the settlement agreement is shared for review: read it on the case page and comment here."
        ),
        "agreement_final": _l("Version %(version)s of the settlement agreement is final and ready to sign."),
        "agreement_effective": _l(
            "Everyone has signed: the settlement agreement (version %(version)s) is effective."
        ),
    }
)

notifications.TEXTS.update(
    {
        "agreement.share": _l("A draft settlement agreement of case %(number)s is ready for your review."),
        "agreement.finalise": _l(
            "The settlement agreement of case %(number)s is final: please read and sign it."
        ),
        "agreement.last_signature": _l(
            "The settlement agreement of case %(number)s is signed and effective."
        ),
        "confirmation.applied": _l(
            "A party applied for judicial confirmation of the agreement in case %(number)s: join the application."
        ),
        "agreement.apply": _l(
            "An application for judicial confirmation (case %(number)s) was sent to your court."
        ),
        "agreement.court_accepts": _l(
            "The court accepted the application for confirmation in case %(number)s."
        ),
        "agreement.request_materials": _l("The court asks for materials in case %(number)s."),
        "agreement.supply_materials": _l("The parties supplied the materials asked for in case %(number)s."),
        "agreement.confirm": _l("The court confirmed the agreement of case %(number)s: it is enforceable."),
        "agreement.reject": _l(
            "The court refused to confirm the agreement of case %(number)s. The reasons are on the case page."
        ),
        "confirmation.extended": _l("The court extended its review of case %(number)s."),
        "confirmation.window_closed": _l(
            "The time to apply for judicial confirmation in case %(number)s has ended."
        ),
        "confirmation.acceptance_overdue": _l(
            "The application for confirmation in case %(number)s awaits acceptance past its time limit."
        ),
        "confirmation.decision_overdue": _l(
            "The decision on confirmation in case %(number)s is past its time limit."
        ),
        "obligation.reported": _l(
            "Performance of an obligation in case %(number)s was reported: please confirm or dispute it."
        ),
        "obligation.disputed": _l("Your report of performance in case %(number)s was disputed."),
        "obligation.overdue": _l("An obligation of the agreement in case %(number)s is overdue."),
        "obligation.breached": _l(
            "The other side reports that you broke an undertaking of the agreement in case %(number)s:"
            " read the evidence and answer on the case page."
        ),
        "obligation.breach_reported": _l(
            "A breach of an undertaking in case %(number)s was reported, with evidence."
        ),
        "obligation.breach_answered": _l("A reported breach in case %(number)s was answered."),
        "agreement.all_performed": _l(
            "Every obligation of the agreement in case %(number)s has been performed."
        ),
        "agreement.apply_enforcement": _l(
            "An application for enforcement (case %(number)s) was sent to your court."
        ),
        "enforcement.accepted": _l("The court accepted the application for enforcement in case %(number)s."),
    }
)


def _parties(case):
    return [p.user for p in case.parties if p.user is not None]


def _liaisons(court_id):
    from odr.accounts.models import Role, staff_of

    return staff_of(court_id, Role.COURT_LIAISON)


def _mediators(case):
    from odr.experts.access import _served

    return [a.expert for a in case.assignments if a.seat.is_mediator and _served(a)]


@recorded.connect_via(ANY, weak=False)
def tell_the_people_concerned(entry, *, obj=None, case=None, **_):
    action = entry.action
    if (
        case is None
        or obj is None
        or not action.startswith(("agreement.", "confirmation.", "obligation.", "enforcement."))
    ):
        return
    from odr.agreements import confirmation
    from odr.notifications.operations import _clerks

    number = case.number
    if action in ("agreement.share", "agreement.finalise", "agreement.last_signature"):
        notifications.notify(_parties(case), action, case, number=number)
    elif action == "confirmation.applied":
        others = [p.user for p in case.parties if p.user and p.user_id != entry.actor_id]
        notifications.notify(others, action, case, number=number)
    elif action in ("agreement.apply", "agreement.supply_materials", "agreement.apply_enforcement"):
        if action == "agreement.apply_enforcement":
            from odr.agreements.models import EnforcementApplication

            court_id = db.session.scalar(
                sa.select(EnforcementApplication.court_id)
                .where(EnforcementApplication.agreement_id == obj.id)
                .order_by(EnforcementApplication.id.desc())
            )
        else:
            court_id = confirmation.latest_application(obj).court_id
        notifications.notify(_liaisons(court_id), action, case, number=number)
    elif action in (
        "agreement.court_accepts",
        "agreement.request_materials",
        "agreement.confirm",
        "agreement.reject",
        "confirmation.extended",
        "confirmation.window_closed",
        "agreement.all_performed",
        "enforcement.accepted",
    ):
        notifications.notify(
            [*_parties(case), *_mediators(case), *_clerks(case)], action, case, number=number
        )
    elif action in ("confirmation.acceptance_overdue", "confirmation.decision_overdue"):
        notifications.notify([*_liaisons(obj.court_id), *_clerks(case)], action, case, number=number)
    elif action == "obligation.reported":
        notifications.notify([obj.creditor.user], action, case, number=number)
    elif action == "obligation.disputed":
        notifications.notify([obj.debtor.user], action, case, number=number)
    elif action == "obligation.breached":
        notifications.notify([obj.debtor.user], action, case, number=number)
        notifications.notify(_mediators(case), "obligation.breach_reported", case, number=number)
    elif action == "obligation.breach_answered":
        notifications.notify([obj.creditor.user, *_mediators(case)], action, case, number=number)
    elif action == "obligation.overdue":
        notifications.notify([obj.creditor.user, obj.debtor.user], action, case, number=number)
