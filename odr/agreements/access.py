"""Court liaison officers see the cases whose applications (confirmation, enforcement) were sent to
their court, and act on them as the court."""

import sqlalchemy as sa

from odr.accounts.models import Role
from odr.agreements.models import ConfirmationApplication, EnforcementApplication
from odr.cases import access
from odr.cases.models import Case
from odr.cases.workflow import Capacity
from odr.extensions import db


def _is_liaison(user) -> bool:
    return user.has_role(Role.COURT_LIAISON) and user.organisation_id is not None


def _confirmations(court_id):
    return sa.select(ConfirmationApplication.case_id).where(
        ConfirmationApplication.court_id == court_id, ConfirmationApplication.submitted_at.is_not(None)
    )


def _enforcements(court_id):
    return sa.select(EnforcementApplication.case_id).where(EnforcementApplication.court_id == court_id)


def _clause(user):
    if not _is_liaison(user):
        return None
    return [
        Case.id.in_(_confirmations(user.organisation_id)),
        Case.id.in_(_enforcements(user.organisation_id)),
    ]


def _capacities(case, user):
    if not _is_liaison(user):
        return set()
    # One statement, each half served by the applications' index on the case.
    court_id = user.organisation_id
    found = db.session.scalar(
        sa.select(
            sa.or_(
                _confirmations(court_id).where(ConfirmationApplication.case_id == case.id).exists(),
                _enforcements(court_id).where(EnforcementApplication.case_id == case.id).exists(),
            )
        )
    )
    return {Capacity.COURT_LIAISON} if found else set()


RULE = access.AccessRule(clause=_clause, capacities=_capacities)


def init_app(app):
    from odr.agreements import clocks, notices  # noqa: F401  (deadlines and notices follow the chain)

    access.register(RULE)
    app.jinja_env.filters["agreement_ground"] = _ground_label


def _ground_label(value):
    from odr.agreements.models import RejectionGround

    try:
        ground = RejectionGround(value)
    except ValueError:
        return value
    return f"{ground.label} ({ground.basis})"
