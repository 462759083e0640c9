"""Who hears of what in the docket: notifications in each reader's language."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.extensions import db
from odr.notifications.operations import TEXTS, notify

TEXTS.update(
    {
        "evidence.shared": _l("Exhibit %(exhibit)s in case %(number)s has been shared with you."),
        "evidence.answered": _l("The other side answered your exhibit %(exhibit)s in case %(number)s."),
        "claim_chart.submitted": _l("A claim chart in case %(number)s waits for your answer."),
        "claim_chart.answered": _l("The respondent answered the claim chart in case %(number)s."),
        "preservation.requested": _l(
            "A request to preserve evidence in case %(number)s was sent to your court."
        ),
        "preservation.decided": _l("The court decided your request to preserve evidence in case %(number)s."),
    }
)


def _number(case):
    return case.number or case.title


def _other_side(case, side):
    return [p.user for p in case.parties if p.side != side and p.user is not None]


def exhibit_shared(exhibit):
    case = exhibit.case
    notify(
        _other_side(case, exhibit.side),
        "evidence.shared",
        case,
        exhibit=exhibit.number,
        number=_number(case),
    )


def exhibit_answered(exhibit, response):
    notify(
        [exhibit.submitted_by],
        "evidence.answered",
        exhibit.case,
        exhibit=exhibit.number,
        number=_number(exhibit.case),
    )


def chart_submitted(chart):
    from odr.cases.models import Side

    notify(
        _other_side(chart.case, Side.CLAIMANT),
        "claim_chart.submitted",
        chart.case,
        number=_number(chart.case),
    )


def chart_answered(chart):
    notify([chart.created_by], "claim_chart.answered", chart.case, number=_number(chart.case))


def preservation_requested(request):
    from odr.accounts.models import Role, User, UserRole

    liaisons = db.session.scalars(
        sa.select(User).where(
            User.organisation_id == request.court_id,
            User.active.is_(True),
            User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == Role.COURT_LIAISON)),
        )
    ).all()
    # No case link: the officer sees the request on the court's page, not the case itself.
    notify(liaisons, "preservation.requested", None, number=_number(request.case))


def preservation_decided(request):
    notify([request.requested_by], "preservation.decided", request.case, number=_number(request.case))
