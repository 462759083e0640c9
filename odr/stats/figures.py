"""The figures: what the dashboards, the public page, the CSV files and the annual report show.

Figures are read from the rollups when at most one of the dimensions (IP type, industry, channel,
source, track) is filtered on; with two or more they are read from the per-case facts, which give
the same numbers more slowly (tests/test_stats.py holds the two to each other).
"""

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from odr.extensions import db
from odr.stats.models import (
    ALL,
    AMOUNTS,
    COUNTS,
    DAY_METRICS,
    DIMENSIONS,
    StatsCaseFact,
    StatsDays,
    StatsFactOrg,
    StatsRollup,
)
from odr.survey.results import MIN_ANSWERS

QUESTIONS = (
    ("overall", "overall_sum"),
    ("fairness", "fairness_sum"),
    ("professionalism", "professionalism_sum"),
    ("speed", "speed_sum"),
    ("cost", "cost_sum"),
    ("would_use_again", "again_sum"),
)


@dataclass(frozen=True)
class Filters:
    """Months filed (yyyymm, both included), an organisation (0: all) and dimension values."""

    start: int
    end: int
    org_id: int = 0
    ip_type: str | None = None
    industry: str | None = None
    place: str | None = None
    channel: str | None = None
    track: str | None = None
    court: str | None = None

    @classmethod
    def year(cls, year: int, **kw) -> "Filters":
        return cls(year * 100 + 1, year * 100 + 12, **kw)

    @property
    def dims(self) -> dict[str, str]:
        return {d: getattr(self, d) for d in DIMENSIONS if getattr(self, d)}

    def without(self, dim) -> "Filters":
        return replace(self, **{dim: None})

    def days(self) -> tuple[date, date]:
        """The first and the last day of the period."""
        y, m = divmod(self.end % 100, 12)
        after = date(self.end // 100 + y, m + 1, 1)
        return date(self.start // 100, self.start % 100, 1), after - timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants (Beijing months), for tables other than the facts."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo("Asia/Shanghai")
        start = datetime(self.start // 100, self.start % 100, 1, tzinfo=zone)
        y, m = divmod(self.end % 100, 12)
        end = datetime(self.end // 100 + y, m + 1, 1, tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def median(hist: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, count) pairs sorted by value."""
    total = sum(n for _, n in hist)
    if not total:
        return None
    lower, upper = _at_rank(hist, (total + 1) // 2), _at_rank(hist, total // 2 + 1)
    return (lower + upper) / 2


def percentile(hist: list[tuple[int, int]], share: float) -> int | None:
    """The nearest-rank percentile: the least value at least SHARE of the cases do not exceed."""
    total = sum(n for _, n in hist)
    return _at_rank(hist, max(1, math.ceil(share * total))) if total else None


def _at_rank(hist, rank):
    seen = 0
    for value, n in hist:
        seen += n
        if seen >= rank:
            return value
    return None


@dataclass
class Figures:
    counts: dict
    hist: dict = field(default_factory=dict)  # metric -> [(days, cases)]
    source: str = "rollups"

    def __getitem__(self, name):
        return self.counts[name]

    @staticmethod
    def rate(numerator, denominator) -> float | None:
        return round(numerator / denominator, 4) if denominator else None

    @property
    def success_rate(self):
        """Mediations that ended in an agreement, of those that ended (agreement or failure)."""
        return self.rate(self["settled"], self["settled"] + self["failed"])

    @property
    def confirmation_rate(self):
        return self.rate(self["conf_confirmed"], self["conf_confirmed"] + self["conf_rejected"])

    @property
    def concluded(self):
        """Settlements and awards whose performance is known: performed, or in default."""
        return self["performed"] + self["defaulted"]

    @property
    def performance_rate(self):
        return self.rate(self["performed"], self.concluded)

    @property
    def enforcement_rate(self):
        return self.rate(self["enforcement"], self.concluded)

    @property
    def compensation_ratio(self):
        claimed = self["claimed_settled"]
        return round(float(self["agreed"] / claimed), 4) if claimed else None

    def days(self, metric) -> dict:
        hist = self.hist.get(metric, [])
        return {"cases": sum(n for _, n in hist), "median": median(hist), "p90": percentile(hist, 0.9)}

    @property
    def survey(self) -> dict | None:
        """The mean of each question, from MIN_ANSWERS answers up (None below)."""
        answers = self["answers"]
        if answers < MIN_ANSWERS:
            return None
        return {q: round(self[total] / answers, 2) for q, total in QUESTIONS}


def _zero():
    counts = dict.fromkeys(COUNTS, 0)
    counts.update(dict.fromkeys(AMOUNTS, Decimal("0.00")))
    return counts


def _clean(names, row) -> dict:
    counts = _zero()
    for name, value in zip(names, row, strict=True):
        if value is not None:
            counts[name] = Decimal(value).quantize(Decimal("0.01")) if name in AMOUNTS else int(value)
    return counts


def uses_rollups(filters: Filters, extra_dim: str | None = None) -> bool:
    dims = set(filters.dims) | ({extra_dim} if extra_dim else set())
    return len(dims) <= 1


def _rollup_where(model, filters: Filters, dim=None):
    dims = filters.dims
    name, value = next(iter(dims.items())) if dims else (ALL, ALL)
    where = [model.month.between(filters.start, filters.end), model.org_id == filters.org_id]
    if dim is not None:
        where.append(model.dim == dim)
        if dims and name != dim:
            raise ValueError("a breakdown from the rollups takes at most its own dimension as filter")
        if dims:
            where.append(model.value == value)
    else:
        where += [model.dim == name, model.value == value]
    return where


def _fact_where(filters: Filters):
    F = StatsCaseFact
    where = [F.month.between(filters.start, filters.end)]
    if filters.org_id:
        where.append(
            F.case_id.in_(sa.select(StatsFactOrg.case_id).where(StatsFactOrg.org_id == filters.org_id))
        )
    where += [getattr(F, d) == v for d, v in filters.dims.items()]
    return where


NAMES = [*AMOUNTS, *COUNTS]


def compute(filters: Filters, *, source: str | None = None) -> Figures:
    """Every figure for FILTERS. SOURCE forces 'rollups' or 'facts' (tests compare the two)."""
    source = source or ("rollups" if uses_rollups(filters) else "facts")
    if source == "rollups":
        row = db.session.execute(
            sa.select(*(sa.func.sum(getattr(StatsRollup, n)) for n in NAMES)).where(
                *_rollup_where(StatsRollup, filters)
            )
        ).one()
        hist_rows = db.session.execute(
            sa.select(StatsDays.metric, StatsDays.days, sa.func.sum(StatsDays.n))
            .where(*_rollup_where(StatsDays, filters))
            .group_by(StatsDays.metric, StatsDays.days)
        ).all()
    else:
        F = StatsCaseFact
        where = _fact_where(filters)
        row = db.session.execute(sa.select(*(sa.func.sum(getattr(F, n)) for n in NAMES)).where(*where)).one()
        hist_rows = []
        for metric in DAY_METRICS:
            column = getattr(F, f"days_{metric}")
            hist_rows += [
                (metric, days, n)
                for days, n in db.session.execute(
                    sa.select(column, sa.func.count()).where(*where, column.is_not(None)).group_by(column)
                )
            ]
    hist = {metric: [] for metric in DAY_METRICS}
    for metric, days, n in sorted(hist_rows, key=lambda r: (r[0], r[1])):
        hist[metric].append((int(days), int(n)))
    return Figures(_clean(NAMES, row), hist, source)


def breakdown(filters: Filters, dim: str, *, source: str | None = None) -> list[tuple[str, Figures]]:
    """The figures (counts only) per value of DIM, largest first."""
    source = source or ("rollups" if uses_rollups(filters, dim) else "facts")
    if source == "rollups":
        query = (
            sa.select(StatsRollup.value, *(sa.func.sum(getattr(StatsRollup, n)) for n in NAMES))
            .where(*_rollup_where(StatsRollup, filters, dim))
            .group_by(StatsRollup.value)
        )
    else:
        F = StatsCaseFact
        column = getattr(F, dim)
        query = (
            sa.select(column, *(sa.func.sum(getattr(F, n)) for n in NAMES))
            .where(*_fact_where(filters))
            .group_by(column)
        )
    rows = [(value, Figures(_clean(NAMES, rest), {}, source)) for value, *rest in db.session.execute(query)]
    return sorted((r for r in rows if r[0] != ""), key=lambda r: (-r[1]["filed"], r[0]))


def days_by(filters: Filters, dim: str, metric: str, *, source: str | None = None) -> dict[str, list]:
    """The day histogram of METRIC per value of DIM: {value: [(days, cases)]}."""
    source = source or ("rollups" if uses_rollups(filters, dim) else "facts")
    if source == "rollups":
        query = (
            sa.select(StatsDays.value, StatsDays.days, sa.func.sum(StatsDays.n))
            .where(*_rollup_where(StatsDays, filters, dim), StatsDays.metric == metric)
            .group_by(StatsDays.value, StatsDays.days)
        )
    else:
        F = StatsCaseFact
        column, days = getattr(F, dim), getattr(F, f"days_{metric}")
        query = (
            sa.select(column, days, sa.func.count())
            .where(*_fact_where(filters), days.is_not(None))
            .group_by(column, days)
        )
    hist: dict[str, list] = {}
    for value, d, n in sorted(db.session.execute(query), key=lambda r: (r[0], r[1])):
        hist.setdefault(value, []).append((int(d), int(n)))
    return hist


def by_month(filters: Filters, *, source: str | None = None) -> list[tuple[int, Figures]]:
    """The figures (counts only) per month filed."""
    source = source or ("rollups" if uses_rollups(filters) else "facts")
    if source == "rollups":
        query = (
            sa.select(StatsRollup.month, *(sa.func.sum(getattr(StatsRollup, n)) for n in NAMES))
            .where(*_rollup_where(StatsRollup, filters))
            .group_by(StatsRollup.month)
        )
    else:
        F = StatsCaseFact
        query = (
            sa.select(F.month, *(sa.func.sum(getattr(F, n)) for n in NAMES))
            .where(*_fact_where(filters))
            .group_by(F.month)
        )
    found = {month: Figures(_clean(NAMES, rest), {}, source) for month, *rest in db.session.execute(query)}
    months, m = [], filters.start
    while m <= filters.end:
        months.append((m, found.get(m) or Figures(_zero(), {}, source)))
        m = m + 1 if m % 100 < 12 else (m // 100 + 1) * 100 + 1
    return months
