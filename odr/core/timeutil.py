"""Times are stored in UTC and shown in Beijing time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from odr.core.db import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")

__all__ = ["SHANGHAI", "local", "local_text", "utcnow", "year_in_shanghai"]


def local(value: datetime) -> datetime:
    """VALUE (aware) in Asia/Shanghai."""
    return value.astimezone(SHANGHAI)


def local_text(value: datetime) -> str:
    """VALUE (aware) as Beijing date and time to the minute, the way messages and notices write it."""
    return local(value).strftime("%Y-%m-%d %H:%M")


def year_in_shanghai(value: datetime | None = None) -> int:
    """The calendar year in Beijing at VALUE (default now), as case numbers use it."""
    return local(value or datetime.now(UTC)).year
