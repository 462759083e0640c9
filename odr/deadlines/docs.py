"""docs/time-limits.md, written from the table of time limits the engine reads (odr/deadlines/limits.py).

`flask odr time-limits --output docs/time-limits.md` rewrites it; tests/test_time_limits.py fails
when the file and the table disagree.
"""

from flask import current_app
from flask_babel import force_locale

from odr.deadlines.calendar import Count
from odr.deadlines.limits import LIMITS, Limit
from odr.deadlines.models import DeadlineKind as K

COUNTS = {
    Count.DAYS: "days: from the day after the event, to 24:00 Beijing time of the last day; "
    "a last day on a rest day moves to the next working day",
    Count.MONTHS: "months: to the corresponding date (the month's last day if it has none); rest-day rule",
    Count.YEARS: "years: to the corresponding date (29 Feb → 28 Feb); rest-day rule",
    Count.HOURS: "hours: exact to the minute",
    Count.CALENDAR_DAYS: "calendar days of 24 hours from the event (not a legal period)",
    Count.DATE: "a fixed date: to 24:00 Beijing time of that date",
}
UNITS = {
    Count.DAYS: "days",
    Count.MONTHS: "months",
    Count.YEARS: "years",
    Count.HOURS: "hours",
    Count.CALENDAR_DAYS: "calendar days",
}


def _length(lim: Limit) -> str:
    config = current_app.config
    if lim.kind == K.MEDIATION_PERIOD:
        value = config["MEDIATION_PERIOD_DAYS"]
        return f"{value['simple']} days (simple track), {value['complex']} days (complex track)"
    if lim.kind == K.COURT_DECISION:
        return f"{config['COURT_DECISION_DAYS']} days, once + {config['COURT_EXTENSION_DAYS']} days"
    if lim.kind == K.AWARD_PERIOD:
        return (
            f"{config['ARBITRATION_AWARD_DAYS']} days "
            f"(expedited: {config['ARBITRATION_AWARD_DAYS_EXPEDITED']} days)"
        )
    if lim.count == Count.DATE:
        return "the agreed date"
    if lim.kind in (K.SESSION_REMINDER_24H, K.SESSION_REMINDER_1H):
        hours = lim.length_of()
        return f"{hours} hour{'s' if hours != 1 else ''} before"
    return f"{lim.length_of()} {UNITS[lim.count]}"


def _cell(text) -> str:
    return str(text).replace("|", "\\|")


def time_limits_markdown() -> str:
    """The whole of docs/time-limits.md."""
    with force_locale("en"):
        rows = [
            "| Time limit | Length | Counts | Runs from | Legal basis | At expiry | Who is told | Late act |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for lim in LIMITS.values():
            if lim.duty:
                late = "allowed, recorded as late (a duty)"
            elif lim.checked:
                late = "refused, with the day and hour the limit ended"
            else:
                late = "—"
            cells = [
                f"{lim.kind.label} (`{lim.kind.value}`)",
                _length(lim),
                COUNTS[lim.count],
                lim.starts,
                lim.basis,
                lim.at_expiry,
                lim.told,
                late,
            ]
            rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    table = "\n".join(rows)
    return f"""# Time limits

Generated from the table the deadline engine reads (`odr/deadlines/limits.py`) with the default
settings, by `flask odr time-limits --output docs/time-limits.md`; a test fails when they differ.
Lengths are settings (see `config.py`); how each limit counts and its legal basis are not.

## How a period is counted

One legal calendar serves every limit (Civil Procedure Law 2023 art. 85; Civil Code arts. 200–204):

- **Days**: the day of the event that starts the period is not counted; the period ends at 24:00
  Beijing time of its last day. An act at 23:59 of the last day is in time; at 00:00 the next day it
  is too late, and the sweep acts. When the last day is a Saturday, a Sunday or a public holiday the
  period ends at 24:00 of the first working day after it; a make-up working day (调休上班日) is a
  working day.
- **Months and years**: the period ends on the corresponding date (two years from 2026-12-21 end on
  2028-12-21, whatever the leap years between; one month from 01-31 ends on the last day of
  February), with the same rest-day rule.
- **Hours**: exact to the minute (an expert's 48 hours, the session reminders).
- **Calendar days**: only for the platform's own courtesies that are no legal period (the
  satisfaction survey's reminder): N × 24 hours from the event.
- Users read a limit as its last day and hour — "至2026年12月31日24:00止", "until 24:00 on 31 Dec
  2026" — with the days left.

The rest days are the `rest_days` table: seeded from the `chinesecalendar` package (which lists the
State Council's holidays *and* make-up working days; the `holidays` package, compared for 2026–2027,
lists no make-up working days), edited by administrators on *Rest days* (`/admin/rest-days`) and
imported with `flask odr rest-days import FILE.csv` when the State Council announces a new year's
schedule. A year the table does not cover counts weekends only; the administrators' page shows it
as a warning, and so do the sweep's log and `flask odr rest-days check`.

An act with a limit checks it in its own transaction, against the stored deadline locked for the
purpose: an act and the sweep racing on the same deadline are served one after the other, and
exactly one of them wins, on SQLite and on PostgreSQL. The court's and the commission's own limits
are duties, not bars: a late act is allowed and recorded as late; the clerk or liaison officers were
told when the limit passed.

## The limits

{table}
"""
