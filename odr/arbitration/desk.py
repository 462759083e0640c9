"""The arbitration commission's clerk at work: the arbitration queue and the dashboard's counters.

The commission's clerk accepts applications, serves the respondent, appoints the seats left empty
and watches the award period: their desk counts arbitrations, not mediation cases.
"""

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user, login_required

from odr.accounts.models import OrgKind, Role
from odr.arbitration.models import ArbitrationCase, ArbitrationState
from odr.arbitration.views import bp
from odr.cases import panels
from odr.core.db import utcnow
from odr.extensions import db

# The states the clerk has work in, in the order the work comes.
OPEN_STATES = (
    ArbitrationState.SUBMITTED,
    ArbitrationState.FORMING_TRIBUNAL,
    ArbitrationState.HEARING,
    ArbitrationState.AWARD_REVIEW,
    ArbitrationState.AWARD_PENDING,
    ArbitrationState.AWARDED,
    ArbitrationState.ENFORCEMENT_REQUESTED,
)


def is_commission_clerk(user) -> bool:
    """Whether USER is a clerk of an arbitration commission (not of the mediation centre)."""
    organisation = getattr(user, "organisation", None)
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.has_role(Role.CLERK)
        and organisation is not None
        and organisation.kind == OrgKind.ARBITRATION_COMMISSION
    )


def _counts(commission_id) -> dict:
    return dict(
        db.session.execute(
            sa.select(ArbitrationCase.state, sa.func.count())
            .where(ArbitrationCase.commission_id == commission_id)
            .group_by(ArbitrationCase.state)
        ).all()
    )


def _next_limit(arbitration):
    """The time limit the arbitration is waiting on now, if any (for sorting and display)."""
    if arbitration.state == ArbitrationState.FORMING_TRIBUNAL:
        return arbitration.nomination_due_at or arbitration.answer_due_at
    if arbitration.state in (
        ArbitrationState.HEARING,
        ArbitrationState.AWARD_REVIEW,
        ArbitrationState.AWARD_PENDING,
    ):
        return arbitration.award_due_at
    return None


@bp.route("/arbitrations")
@login_required
def queue():
    """The commission's arbitrations: applications to accept first, then by the nearest time limit."""
    me = current_user._get_current_object()
    if not is_commission_clerk(me):
        abort(403)
    wanted = request.args.get("state") or ""
    query = sa.select(ArbitrationCase).where(ArbitrationCase.commission_id == me.organisation_id)
    states = {s.value: s for s in ArbitrationState}
    if wanted in states:
        query = query.where(ArbitrationCase.state == states[wanted])
    else:
        query = query.where(ArbitrationCase.state.in_(OPEN_STATES))
    arbitrations = db.session.scalars(query.order_by(ArbitrationCase.submitted_at)).all()
    far = utcnow().replace(year=9999)
    arbitrations.sort(
        key=lambda a: (a.state != ArbitrationState.SUBMITTED, _next_limit(a) or far, a.submitted_at)
    )
    return render_template(
        "arbitration/queue.html",
        arbitrations=arbitrations,
        counts=_counts(me.organisation_id),
        states=ArbitrationState,
        open_states=OPEN_STATES,
        wanted=wanted,
        next_limit=_next_limit,
    )


def dashboard_widget(user):
    """The commission clerk's counters: arbitrations by state, each opening the queue filtered."""
    if not is_commission_clerk(user):
        return None
    return "arbitration/_dashboard.html", {"counts": _counts(user.organisation_id), "states": OPEN_STATES}


panels.register_dashboard(dashboard_widget)


def init_app(app):
    app.jinja_env.globals["is_commission_clerk"] = is_commission_clerk
