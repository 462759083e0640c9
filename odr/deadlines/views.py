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
