"""The rest-day table: seeded from the `chinesecalendar` package (the State Council's schedules,
holidays and make-up working days, year by year), edited by administrators on a page and imported
from a CSV file with `flask odr rest-days import`, since each year's schedule is announced in the
autumn, often before a new release of the package.

`holidays` was compared for 2026–2027: it lists the holidays, but not the make-up working days
(调休上班日) the schedule turns weekends into; `chinesecalendar` lists both for 2026. Neither has
2027 yet: until an administrator enters it, 2027 counts weekends only and says so.
"""

import csv
import io
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.core.failures import UserError
from odr.deadlines.calendar import covered_years
from odr.deadlines.models import RestDay, RestDayKind
from odr.extensions import db

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class RestDayError(UserError):
    pass


def package_rows(since: int = 2020):
    """(day, kind, name, source) for every day the installed `chinesecalendar` lists from SINCE on."""
    from importlib.metadata import version

    import chinese_calendar

    source = f"chinesecalendar {version('chinesecalendar')}"
    for day, name in sorted(chinese_calendar.holidays.items()):
        if day.year >= since:
            yield day, RestDayKind.HOLIDAY.value, NAMES_ZH.get(name, name), source
    for day, name in sorted(chinese_calendar.workdays.items()):
        if day.year >= since:
            yield day, RestDayKind.WORKDAY.value, NAMES_ZH.get(name, name) + "调休上班", source


def seed_from_package(since: int = 2020, actor=None) -> int:
    """Add the package's days the table lacks (an administrator's own entries are kept). Returns how many."""
    known = set(db.session.scalars(sa.select(RestDay.day)).all())
    added = 0
    for day, kind, name, source in package_rows(since):
        if day not in known:
            db.session.add(RestDay(day=day, kind=RestDayKind(kind), name=name, source=source))
            added += 1
    db.session.flush()
    if added:
        record("restdays.seeded", None, actor=actor, details={"added": added})
    return added


def set_day(day: date, kind, name: str, *, actor, source: str = "admin") -> RestDay:
    """Make DAY a public holiday or a make-up working day (replacing what the table said of it)."""
    kind = RestDayKind(kind)
    if kind == RestDayKind.WORKDAY and day.weekday() < 5:
        raise RestDayError(
            _l(
                "%(day)s is a weekday already: only a Saturday or Sunday can be a make-up working day.",
                day=day,
            )
        )
    row = db.session.get(RestDay, day) or RestDay(day=day)
    row.kind, row.name, row.source = kind, (name or "").strip()[:100], source
    db.session.add(row)
    db.session.flush()
    record(
        "restdays.set",
        None,
        actor=actor,
        details={"day": day.isoformat(), "kind": kind.value, "name": row.name},
    )
    return row


def remove_day(day: date, *, actor):
    row = db.session.get(RestDay, day)
    if row is None:
        raise RestDayError(_l("%(day)s is not in the table.", day=day))
    db.session.delete(row)
    db.session.flush()
    record("restdays.removed", None, actor=actor, details={"day": day.isoformat()})


def import_csv(text: str, *, actor=None, source: str = "import") -> int:
    """Rows `date,kind,name` (kind: holiday or workday), e.g. the State Council's schedule for a new
    year. All rows are checked before any is written; returns how many were written."""
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip() or row[0].strip().startswith("#") or row[0].strip() == "date":
            continue
        try:
            day = date.fromisoformat(row[0].strip())
            kind = RestDayKind((row[1] if len(row) > 1 else "").strip())
        except ValueError as error:
            raise RestDayError(
                _l(
                    "Line %(n)d: expected date,kind,name with a date like 2027-01-01 and kind holiday or workday.",
                    n=number,
                )
            ) from error
        if kind == RestDayKind.WORKDAY and day.weekday() < 5:
            raise RestDayError(
                _l("Line %(n)d: %(day)s is a weekday, it cannot be a make-up working day.", n=number, day=day)
            )
        rows.append((day, kind, row[2].strip() if len(row) > 2 else ""))
    for day, kind, name in rows:
        row = db.session.get(RestDay, day) or RestDay(day=day)
        row.kind, row.name, row.source = kind, name[:100], source
        db.session.add(row)
    db.session.flush()
    record("restdays.imported", None, actor=actor, details={"rows": len(rows), "source": source})
    return len(rows)


def uncovered_years(years) -> list[int]:
    """Those of YEARS with no holiday schedule in the table (counted with weekends only)."""
    covered = covered_years()
    return sorted(y for y in set(years) if y not in covered)


def years_in_use(now) -> set[int]:
    """This year, the next, and the years in which running deadlines end."""
    from odr.deadlines.models import Deadline, DeadlineState

    # One look-up on the (state, due time) index per year that has one, not every running deadline:
    # the first due after the start of each year found.
    years, after = {now.year, now.year + 1}, None
    while True:
        query = sa.select(sa.func.min(Deadline.due_at)).where(Deadline.state == DeadlineState.PENDING)
        if after is not None:
            query = query.where(Deadline.due_at >= after)
        first = db.session.scalar(query)
        if first is None:
            return years
        years.add(first.year)
        after = datetime(first.year + 1, 1, 1, tzinfo=UTC)


def days_of(year: int) -> list[RestDay]:
    return db.session.scalars(
        sa.select(RestDay)
        .where(RestDay.day >= date(year, 1, 1), RestDay.day <= date(year, 12, 31))
        .order_by(RestDay.day)
    ).all()
