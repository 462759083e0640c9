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


def case_ids_of(condition):
    """The SELECT of case ids behind CONDITION when it is "Case.id IN (SELECT ...)" (a party's, an
    expert's, a court's cases: a set of the user's own, read on its own index); None when it is a
    condition on the cases themselves (a clerk's whole organisation)."""
    from sqlalchemy.sql import operators
    from sqlalchemy.sql.selectable import ScalarSelect

    if (
        isinstance(condition, sa.BinaryExpression)
        and condition.operator is operators.in_op
        and isinstance(condition.right, ScalarSelect)
        and condition.left.compare(Case.__table__.c.id)
    ):
        return condition.right.element
    return None


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
    the cases seen twice), so a count is exact below the bound and "more than BOUND" above it.
    A user who sees cases only through sets of their own (a party, an expert, a court: no whole
    organisation) has them counted by state in one pass over those cases, instead of once per state
    (a claimant with 10,000 cases would have each state's count look through all of them)."""
    bound = bound or paging.COUNT_BOUND
    conditions = access_conditions(user)
    if not conditions:
        return {state: paging.Count(0, bound) for state in states}
    own = [case_ids_of(condition) for condition in conditions]
    if all(ids is not None for ids in own):
        ids = sa.union(*own) if len(own) > 1 else own[0]
        found = dict(
            db.session.execute(
                sa.select(Case.state, sa.func.count())
                .where(Case.id.in_(ids), Case.state.in_(states), *filters)
                .group_by(Case.state)
            ).all()
        )
        return {state: paging.Count(min(found.get(state, 0), bound + 1), bound) for state in states}
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


# A search term matching more cases than this is checked row by row while the list is read in its
# order (a common word soon fills a page); a rarer one is looked up in the trigram indexes first.
RARE = 2000


def matching(term: str):
    """A condition on Case: its number or title, or a party's name or credit code, contains TERM.

    A rare term (a case number, a credit code, a company's name) is found through the trigram
    indexes (pg_trgm on PostgreSQL): the ids of the few cases it matches, a UNION whose halves each
    keep their index. A common term, or one shorter than a trigram, is checked on each case as the
    list is read in its own order instead: collecting every match of "茶" first would read most of
    the table."""
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    def contains(column):
        return column.ilike(like, escape="\\")

    by_case = sa.select(Case.id).where(sa.or_(contains(Case.number), contains(Case.title)))
    by_party = sa.select(CaseParty.case_id).where(
        sa.or_(contains(CaseParty.name), contains(CaseParty.credit_code))
    )
    if len(term) >= 3:
        ids = sa.union(by_case, by_party)
        found = db.session.scalar(sa.select(sa.func.count()).select_from(ids.limit(RARE + 1).subquery()))
        if found <= RARE:
            return Case.id.in_(ids)
    # A count per case, not EXISTS: PostgreSQL would turn an EXISTS under OR into one hashed scan
    # of every party in the table; this reads the case's own two or three parties by its index.
    party = (
        sa.select(sa.func.count())
        .select_from(CaseParty)
        .where(
            CaseParty.case_id == Case.id, sa.or_(contains(CaseParty.name), contains(CaseParty.credit_code))
        )
        .correlate(Case)
        .scalar_subquery()
        > 0
    )
    return sa.or_(contains(Case.number), contains(Case.title), party)
