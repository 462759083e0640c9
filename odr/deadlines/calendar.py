"""The legal calendar: when a period ends, counted the way Chinese law counts it.

Civil Procedure Law 2023 art. 85 (and Civil Code arts. 200–204): a period in days does not count
the day of the event that starts it and ends at 24:00 (Beijing time) of its last day; a period in
months or years ends on the corresponding date of the last month (the last day of a shorter
month); when the last day is a statutory rest day it ends at 24:00 of the first working day
after it. Rest days are Saturdays, Sundays and the public holidays of the State Council's
schedule, less its make-up working days (调休上班日), kept in the `rest_days` table. A period in
hours runs to the minute.

Every instant returned is timezone-aware UTC: "24:00 of day D" is 00:00 of D+1 in Beijing, the
first moment that is too late. An act at 23:59:59 of the last day is in time.
"""

import calendar as _gregorian
import enum
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from odr.core.timeutil import SHANGHAI
from odr.extensions import db

logger = logging.getLogger(__name__)


class Count(enum.StrEnum):
    """How a kind of time limit counts."""

    DAYS = "days"  # art. 85: the next day is day one; a last rest day moves to the next working day
    MONTHS = "months"  # the corresponding date; a last rest day moves too
    YEARS = "years"
    HOURS = "hours"  # exact to the minute, rest days do not matter
    CALENDAR_DAYS = (
        "calendar_days"  # N × 24 hours from the event: the platform's own courtesies, no legal period
    )
    DATE = "date"  # a day the parties fixed (an obligation "by 2026-12-31"): ends 24:00 that day


@dataclass
class Calendar:
    """The rest-day table for a span of years, read once for a computation."""

    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    covered: set[int] = field(default_factory=set)

    def is_rest_day(self, day: date) -> bool:
        if day in self.workdays:
            return False
        if day in self.holidays:
            return True
        return day.weekday() >= 5

    def next_working_day(self, day: date) -> date:
        """DAY itself if it is a working day, else the first working day after it."""
        while self.is_rest_day(day):
            day += timedelta(days=1)
        return day

    def warn_if_uncovered(self, day: date, what: str = "") -> bool:
        """Log (for administrators and the sweep's log) that DAY's year has no holiday schedule."""
        if day.year in self.covered:
            return False
        logger.warning(
            "The rest-day table has no holiday schedule for %s: %s counted with weekends only%s",
            day.year,
            day.isoformat(),
            f" ({what})" if what else "",
        )
        return True


def load(first_year: int, last_year: int) -> Calendar:
    """The rest days of FIRST_YEAR..LAST_YEAR from the table."""
    from odr.deadlines.models import RestDay, RestDayKind

    rows = db.session.scalars(
        sa.select(RestDay).where(
            RestDay.day >= date(first_year, 1, 1), RestDay.day <= date(last_year, 12, 31)
        )
    ).all()
    cal = Calendar()
    for row in rows:
        target = cal.holidays if row.kind == RestDayKind.HOLIDAY else cal.workdays
        target[row.day] = row.name
        if row.kind == RestDayKind.HOLIDAY:
            cal.covered.add(row.day.year)
    return cal


def is_working_day(day: date) -> bool:
    """Whether DAY is a working day by the rest-day table (a weekday that is no holiday, or a make-up day)."""
    cal = load(day.year, day.year)
    cal.warn_if_uncovered(day)
    return not cal.is_rest_day(day)


def covered_years() -> set[int]:
    """The years for which the table holds a holiday schedule."""
    from odr.deadlines.models import RestDay, RestDayKind

    days = db.session.scalars(sa.select(RestDay.day).where(RestDay.kind == RestDayKind.HOLIDAY)).all()
    return {d.year for d in days}


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """24:00 Beijing time of DAY, as the UTC instant it is."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


def last_day_of(due_at: datetime) -> date:
    """The Beijing day whose 24:00 (or whose minute) DUE_AT is: the day a user is told."""
    local = due_at.astimezone(SHANGHAI)
    if local.time() == time(0):
        return local.date() - timedelta(days=1)
    return local.date()


def add_months(day: date, months: int) -> date:
    """The corresponding date MONTHS later; the last day of the month when it has none (01-31 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _gregorian.monthrange(year, month)[1]))


def period_end(count: Count, start: datetime | date, length: int, *, what: str = "") -> datetime:
    """The instant a period of LENGTH units of COUNT, started by an event at START, ends."""
    if count == Count.HOURS:
        return start + timedelta(hours=length)
    if count == Count.CALENDAR_DAYS:
        return start + timedelta(days=length)
    day = start if isinstance(start, date) and not isinstance(start, datetime) else local_day(start)
    if count == Count.DATE:
        return end_of_day(day + timedelta(days=length))
    if count == Count.DAYS:
        last = day + timedelta(days=length)
    elif count == Count.MONTHS:
        last = add_months(day, length)
    else:
        last = add_months(day, 12 * length)
    cal = load(last.year, last.year + 1)
    cal.warn_if_uncovered(last, what)
    moved = cal.next_working_day(last)
    if moved.year != last.year:
        cal.warn_if_uncovered(moved, what)
    return end_of_day(moved)


def extend_by_days(due_at: datetime, days: int) -> datetime:
    """A period that ended at DUE_AT, extended by DAYS: the days run on from its last day."""
    return period_end(Count.DAYS, last_day_of(due_at), days)
