"""Case numbers: PREFIX-YEAR-NNNNNN, sequential per year, safe under concurrent accepts."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from odr.cases.models import CaseNumberCounter
from odr.extensions import db


def next_sequence(prefix: str, year: int) -> int:
    """Take the next number of PREFIX in YEAR.

    The counter row is updated in place, so concurrent transactions queue on its row lock
    (PostgreSQL) or the database write lock (SQLite) and never get the same number.
    """
    counter = CaseNumberCounter.__table__
    bump = (
        sa.update(counter)
        .where(counter.c.prefix == prefix, counter.c.year == year)
        .values(last=counter.c.last + 1)
        .returning(counter.c.last)
    )
    for _attempt in range(3):
        value = db.session.execute(bump).scalar()
        if value is not None:
            return value
        try:
            with db.session.begin_nested():
                db.session.execute(sa.insert(counter).values(prefix=prefix, year=year, last=1))
            return 1
        except IntegrityError:
            continue  # another transaction created the row first: bump it instead
    raise RuntimeError("could not allocate a case number")


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"
