"""A time limit as users read it: its last day and hour ("至2026年12月31日24:00止", "until 24:00 on
31 Dec 2026") and the days left, counted on the same calendar as the engine."""

from datetime import date, datetime

from flask_babel import LazyString, get_locale, gettext

from odr.core.db import utcnow
from odr.core.timeutil import SHANGHAI
from odr.deadlines.calendar import last_day_of, local_day

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def day_text(day: date) -> str:
    if _english():
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def _day_and_hour(due_at: datetime) -> tuple[str, str]:
    """The day and the hour a limit ends: 24:00 of its last day, or the minute of an hourly limit."""
    local = due_at.astimezone(SHANGHAI)
    if local.hour == 0 and local.minute == 0:
        return day_text(last_day_of(due_at)), "24:00"
    return day_text(local.date()), local.strftime("%H:%M")


def until_text(due_at: datetime | None) -> str:
    """'至2026年12月31日24:00止' / 'until 24:00 on 31 Dec 2026'."""
    if due_at is None:
        return ""
    day, hour = _day_and_hour(due_at)
    return gettext("until %(hour)s on %(day)s", hour=hour, day=day)


def ended_text(due_at: datetime) -> str:
    """'于2026年12月31日24:00' / 'at 24:00 on 31 Dec 2026', for 'the limit ended …'."""
    day, hour = _day_and_hour(due_at)
    return gettext("at %(hour)s on %(day)s", hour=hour, day=day)


def lazy_ended(due_at: datetime) -> LazyString:
    """ended_text, rendered in the language of whoever reads the message it is put in."""
    return LazyString(ended_text, due_at)


def lazy_until(due_at: datetime) -> LazyString:
    return LazyString(until_text, due_at)


def days_left(due_at: datetime, now: datetime | None = None) -> int:
    """Calendar days from today (Beijing) to the last day: 0 on the last day, negative once past."""
    now = now or utcnow()
    if now >= due_at:
        return -1
    return (last_day_of(due_at) - local_day(now)).days


def left_text(due_at: datetime | None, now: datetime | None = None) -> str:
    """'还剩5天' / '5 days left', 'today is the last day', or 'ended'."""
    if due_at is None:
        return ""
    left = days_left(due_at, now)
    if left < 0:
        return gettext("ended")
    if left == 0:
        local = due_at.astimezone(SHANGHAI)
        if local.hour or local.minute:
            hours = max(1, int(((due_at - (now or utcnow())).total_seconds() + 3599) // 3600))
            return gettext("%(num)d hours left", num=hours)
        return gettext("today is the last day")
    return gettext("%(num)d days left", num=left)


def limit_text(due_at: datetime | None, now: datetime | None = None) -> str:
    """The limit with its days left: '至2026年12月31日24:00止（还剩5天）'."""
    if due_at is None:
        return ""
    return gettext("%(until)s (%(left)s)", until=until_text(due_at), left=left_text(due_at, now))


def init_app(app):
    app.jinja_env.filters["until"] = until_text
    app.jinja_env.filters["days_left"] = left_text
    app.jinja_env.filters["limit"] = limit_text
    app.jinja_env.globals["days_to"] = days_left
