"""Deadlines on the case page: what is running, and when it falls due."""

from odr.cases import panels
from odr.cases.workflow import capacities
from odr.core.db import utcnow
from odr.deadlines.operations import upcoming_for_case


def case_panel(case, user):
    if not capacities(case, user) and case.party_of(user) is None:
        return None
    running = upcoming_for_case(case.id)
    if not running:
        return None
    return "deadlines/_case_panel.html", {"deadlines": running, "now": utcnow()}


panels.register(case_panel)


def dashboard_widget(user):
    """The user's next time limits, across the cases they may see, with a countdown."""
    import sqlalchemy as sa

    from odr.cases.models import Case, visible_to
    from odr.deadlines.models import Deadline, DeadlineState
    from odr.extensions import db

    rows = db.session.execute(
        sa.select(Deadline, Case.number, Case.id)
        .join(Case, Case.id == Deadline.case_id)
        .where(visible_to(user), Deadline.state == DeadlineState.PENDING)
        .order_by(Deadline.due_at)
        .limit(10)
    ).all()
    if not rows:
        return None
    return "deadlines/_dashboard.html", {"rows": rows, "now": utcnow()}


panels.register_dashboard(dashboard_widget)
