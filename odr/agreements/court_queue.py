"""The court's queue: the applications sent to one court, what waits on the court first, a page
at a time, filtered by stage and by the day they fall due, loaded with what the page shows."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from odr.agreements.models import (
    Agreement,
    AgreementState,
    ConfirmationApplication,
    EnforcementApplication,
)
from odr.core import paging
from odr.core.labels import LabelledEnum
from odr.core.timeutil import SHANGHAI
from odr.extensions import db

PER_PAGE = 25


class Stage(LabelledEnum):
    OPEN = "open", _l("Waiting for the court")
    TO_ACCEPT = "to_accept", _l("To accept")
    UNDER_REVIEW = "under_review", _l("Under review")
    PAUSED = "paused", _l("Paused for materials")
    DECIDED = "decided", _l("Decided")


A = ConfirmationApplication
PAUSED = Agreement.state == AgreementState.MATERIALS_REQUESTED
# The day the court must act by: acceptance before it accepts, the decision after.
DUE = sa.case((A.accepted_at.is_(None), A.acceptance_due_at), else_=A.decision_due_at)
# Applications the court can act on now come before those paused for materials.
WAITING_ON_PARTIES = sa.case((PAUSED, 1), else_=0)


def _base(court_id):
    return (
        sa.select(A)
        .join(Agreement, Agreement.id == A.agreement_id)
        .where(A.court_id == court_id, A.submitted_at.is_not(None))
        .options(
            joinedload(A.agreement),
            selectinload(A.case),  # the case's parties come with it (selectin)
        )
    )


def _where(stage: Stage, due_by: date | None):
    conditions = []
    if stage == Stage.DECIDED:
        conditions.append(A.decision.is_not(None))
    else:
        conditions.append(A.decision.is_(None))
    if stage == Stage.TO_ACCEPT:
        conditions += [A.accepted_at.is_(None), sa.not_(PAUSED)]
    elif stage == Stage.UNDER_REVIEW:
        conditions += [A.accepted_at.is_not(None), sa.not_(PAUSED)]
    elif stage == Stage.PAUSED:
        conditions.append(PAUSED)
    if due_by is not None and stage != Stage.DECIDED:
        end_of_day = datetime.combine(due_by + timedelta(days=1), time(), SHANGHAI)
        conditions.append(end_of_day > DUE)
    return conditions


def page(court_id, *, stage=Stage.OPEN, due_by=None, per_page=None, after=None, before=None) -> paging.Page:
    """One page of the applications sent to COURT_ID at STAGE (due on or before DUE_BY, a day).

    Open applications come most urgent first, those paused for the parties' materials after
    the ones the court can act on; decided ones the most recent first."""
    query = _base(court_id).where(*_where(stage, due_by))
    if stage == Stage.DECIDED:
        keys, descending = [A.decided_at, A.id], True

        def key_of(a):
            return [a.decided_at, a.id]
    else:
        keys, descending = [WAITING_ON_PARTIES, DUE, A.id], False

        def key_of(a):
            return [
                1 if a.agreement.state == AgreementState.MATERIALS_REQUESTED else 0,
                a.decision_due_at if a.accepted_at else a.acceptance_due_at,
                a.id,
            ]

    return paging.fetch(
        paging.query_runner(query),
        keys,
        per_page=per_page or PER_PAGE,
        descending=descending,
        after_cursor=after,
        before_cursor=before,
        key_of=key_of,
    )


def waiting_count(court_id) -> paging.Count:
    """How many applications wait on the court (accepting or deciding), up to the bound."""
    ids = (
        sa.select(A.id)
        .join(Agreement, Agreement.id == A.agreement_id)
        .where(A.court_id == court_id, *_where(Stage.OPEN, None))
        .limit(paging.COUNT_BOUND + 1)
        .subquery()
    )
    return paging.Count(db.session.scalar(sa.select(sa.func.count()).select_from(ids)))


def enforcements(court_id, *, pending_only=False, limit=50) -> list[EnforcementApplication]:
    """The applications for enforcement sent to COURT_ID, those still to accept first (oldest first)."""
    E = EnforcementApplication
    query = (
        sa.select(E)
        .where(E.court_id == court_id)
        .order_by(E.accepted_at.is_not(None), E.applied_at, E.id)
        .options(selectinload(E.case), selectinload(E.applicant_party), selectinload(E.respondent_party))
        .limit(limit)
    )
    if pending_only:
        query = query.where(E.accepted_at.is_(None))
    return list(db.session.scalars(query))
