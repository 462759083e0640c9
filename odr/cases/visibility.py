"""Which cases a user may see, asked so that an index answers it, however many cases are stored.

A user sees a case for one of several reasons (a party to it, a clerk of the organisation that
received it, an expert serving on it, an officer of the court it was sent to...). One OR of them
all can use no index: the database reads every case. Here each reason is asked on its own, where
its own index serves it (``case_parties.user_id``, ``cases(organisation_id, ...)``,
``assignments.expert_id``, the applications' court), each limited to what the page shows, and the
answers are joined (UNION): a list's first page costs the same with 10 cases or 10 million.
"""

import sqlalchemy as sa

from odr.cases.models import Case, CaseParty, CaseState, access_conditions
from odr.core import paging
from odr.extensions import db


def union_of(user, build):
    """The UNION of BUILD(condition) over each way USER may see a case, as a subquery; None if none.

    Each BUILD result may have its own ORDER BY and LIMIT (it is wrapped to keep them)."""
    parts = [sa.select(build(condition).subquery()) for condition in access_conditions(user)]
    if not parts:
        return None
    return (sa.union(*parts) if len(parts) > 1 else parts[0]).subquery()


def case_runner(user, *filters):
    """A paging.fetch RUN over the cases USER may see that match FILTERS."""

    def run(where, order_by, limit):
        extra = [*filters, *([] if where is None else [where])]
        ids = union_of(
            user,
            lambda condition: sa.select(Case.id).where(condition, *extra).order_by(*order_by).limit(limit),
        )
        if ids is None:
            return []
        return db.session.scalars(
            sa.select(Case).where(Case.id.in_(sa.select(ids.c.id))).order_by(*order_by).limit(limit)
        ).all()

    return run


def first(user, *filters, order_by, limit):
    """The first LIMIT cases USER may see that match FILTERS, in the order ORDER_BY."""
    return case_runner(user, *filters)(None, order_by, limit)


def bounded_counts(user, states=tuple(CaseState), *filters, bound=None) -> dict:
    """State -> paging.Count of the cases USER may see in it, each counted up to BOUND + 1.

    Each way of seeing is counted up to the bound on its own and the ids joined (UNION removes
    the cases seen twice), so a count is exact below the bound and "more than BOUND" above it."""
    bound = bound or paging.COUNT_BOUND
    if not access_conditions(user):
        return {state: paging.Count(0, bound) for state in states}
    columns = []
    for state in states:
        ids = union_of(
            user,
            lambda condition, state=state: (
                sa.select(Case.id).where(condition, Case.state == state, *filters).limit(bound + 1)
            ),
        )
        columns.append(
            sa.select(sa.func.count()).select_from(ids).scalar_subquery().label(f"s_{state.value}")
        )
    row = db.session.execute(sa.select(*columns)).one()
    return {state: paging.Count(value, bound) for state, value in zip(states, row, strict=True)}


def bounded_total(user, *filters, bound=None) -> paging.Count:
    """How many cases USER may see (matching FILTERS), counted up to BOUND + 1."""
    bound = bound or paging.COUNT_BOUND
    ids = union_of(user, lambda condition: sa.select(Case.id).where(condition, *filters).limit(bound + 1))
    if ids is None:
        return paging.Count(0, bound)
    return paging.Count(db.session.scalar(sa.select(sa.func.count()).select_from(ids)), bound)


def matching(term: str):
    """A condition on Case: its number or title, or a party's name or credit code, contains TERM.

    On PostgreSQL the trigram indexes on each column serve the ILIKE; the two halves are a UNION
    of ids so each keeps its index."""
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    by_case = sa.select(Case.id).where(
        sa.or_(Case.number.ilike(like, escape="\\"), Case.title.ilike(like, escape="\\"))
    )
    by_party = sa.select(CaseParty.case_id).where(
        sa.or_(CaseParty.name.ilike(like, escape="\\"), CaseParty.credit_code.ilike(like, escape="\\"))
    )
    return Case.id.in_(sa.union(by_case, by_party))
