"""Keyset paging and bounded counts, for lists that must stay fast over a million rows.

A page is fetched from where the previous one stopped (the sort keys of its last row), so page
500 costs what page 1 costs; OFFSET would read and throw away every row before it. Totals are
counted only up to a bound: past it the page says "more than 1,000" instead of counting every row.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from odr.extensions import db

COUNT_BOUND = 1000


@dataclass
class Page:
    """One page of a keyset-paged list: its rows, and cursors for the pages after and before it."""

    items: list
    next_cursor: str | None = None
    prev_cursor: str | None = None
    first: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_prev(self):
        return self.prev_cursor is not None


def encode(values) -> str:
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, size: int):
    """The sort-key values a cursor carries; None for no cursor or one that was tampered with."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = [datetime.fromisoformat(v["t"]) if isinstance(v, dict) else v for v in raw]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != size:
        return None
    if not all(v is None or isinstance(v, str | datetime) or _bigint(v) for v in values):
        return None
    return values


def _checked(keys, values):
    """VALUES if each is of its key's type (a cursor could carry text where a time belongs)."""
    if values is None:
        return None
    for key, value in zip(keys, values, strict=True):
        try:
            expected = key.type.python_type
        except NotImplementedError:
            continue
        if value is None or expected not in (int, str, datetime):
            continue
        if (expected is int and not _bigint(value)) or (
            expected is not int and not isinstance(value, expected)
        ):
            return None
    return values


def _bigint(value) -> bool:
    """Whether VALUE fits a database integer column (a larger one would fail in the query)."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def after(keys, values, descending: bool):
    """Rows that sort after VALUES when the list is ordered by KEYS (all one direction)."""
    row = sa.tuple_(*keys)
    bound = sa.tuple_(*[sa.literal(v, type_=k.type) for k, v in zip(keys, values, strict=True)])
    return row < bound if descending else row > bound


def order(keys, descending: bool):
    return [k.desc() if descending else k.asc() for k in keys]


def fetch(run, keys, *, per_page, descending, after_cursor=None, before_cursor=None, key_of):
    """A Page of a list ordered by KEYS (columns, all one direction), after or before a cursor.

    RUN(where, order_by, limit) returns the rows: WHERE is the keyset condition (or None), ORDER_BY
    the order to fetch in. KEY_OF(row) gives a row's values for KEYS, to build the cursors."""
    before = _checked(keys, decode(before_cursor, len(keys)))
    start = _checked(keys, decode(after_cursor, len(keys))) if before is None else None
    if (before_cursor and before is None) or (after_cursor and before is None and start is None):
        raise NotFound()  # a cursor this list never gave out: no such page
    if before is not None:
        # Walk backwards from the cursor, then show the rows in the list's order.
        rows = run(after(keys, before, not descending), order(keys, not descending), per_page + 1)
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return Page(
            items=rows,
            next_cursor=encode(key_of(rows[-1])) if rows else None,
            prev_cursor=encode(key_of(rows[0])) if rows and more_before else None,
            first=not more_before,
        )
    where = after(keys, start, descending) if start is not None else None
    rows = run(where, order(keys, descending), per_page + 1)
    more = len(rows) > per_page
    rows = rows[:per_page]
    return Page(
        items=rows,
        next_cursor=encode(key_of(rows[-1])) if more else None,
        prev_cursor=encode(key_of(rows[0])) if start is not None and rows else None,
        first=start is None,
    )


def query_runner(query):
    """A RUN for fetch over one plain select of entities."""

    def run(where, order_by, limit):
        q = query if where is None else query.where(where)
        return db.session.scalars(q.order_by(*order_by).limit(limit)).all()

    return run


@dataclass(frozen=True)
class Count:
    """A count that stops at a bound: shown as the number, or as "more than 1,000"."""

    value: int
    bound: int = 0  # 0: the module's COUNT_BOUND when made

    def __post_init__(self):
        if not self.bound:
            object.__setattr__(self, "bound", COUNT_BOUND)

    @property
    def exceeded(self):
        return self.value > self.bound

    def __int__(self):
        return min(self.value, self.bound)

    def __bool__(self):
        return self.value > 0
