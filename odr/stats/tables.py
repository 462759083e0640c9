"""The statistics as tables: each with its title, column headings, rows of cells already written
out, and the chart drawn from it. The page shows the cells, the CSV file holds the same cells, and
the chart reads the numbers beside them, so the three cannot disagree."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa
from babel import numbers
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import lazy_gettext as _l

from odr.accounts.models import Organisation
from odr.cases.models import Channel, Industry, InfringementPlace, IPType, Track
from odr.extensions import db
from odr.stats import people
from odr.stats.figures import Filters, breakdown, by_month, compute, days_by, median, percentile
from odr.survey.forms import SHORT_LABELS

DIMENSION_LABELS = {
    "ip_type": _l("IP type"),
    "industry": _l("Industry"),
    "place": _l("Channel of infringement"),
    "channel": _l("Source of the case"),
    "track": _l("Track"),
}
DIMENSION_ENUMS = {
    "ip_type": IPType,
    "industry": Industry,
    "place": InfringementPlace,
    "channel": Channel,
    "track": Track,
}
METRIC_LABELS = {
    "agreement": _l("Filing to agreement"),
    "confirmation": _l("Filing to judicial confirmation"),
    "enforceable": _l("Filing to enforceable"),
    "performed": _l("Filing to performed"),
    "court": _l("Court: application to ruling"),
}


def value_label(dim, value) -> str:
    if dim == "track" and not value:
        return str(_l("Not yet triaged"))
    try:
        return str(DIMENSION_ENUMS[dim](value).label)
    except (KeyError, ValueError):
        return value


def pct(value) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0%")


@lru_cache(maxsize=32)
def _symbols(locale) -> tuple[str, str]:
    """The locale's group and decimal symbols."""
    return numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale)


def number_writer():
    """``num`` bound to the current locale, for tables of thousands of cells (every expert's line):
    the locale is looked up once, not per cell."""
    group, point = _symbols(get_locale())
    symbols = {ord(","): group, ord("."): point}

    def write(value) -> str:
        """VALUE as the locale writes it: whole numbers grouped in thousands, amounts with two
        decimals. Whole numbers and amounts of zero and up are written by Python's own grouping
        with the locale's symbols, which gives Babel's text for the patterns "#,##0" and
        "#,##0.00" (tests/test_stats_pages.py holds the two together) in a fraction of the time;
        other values go through Babel."""
        if value is None:
            return "—"
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value < 0:
            if isinstance(value, float):
                return format_decimal(value, "#,##0.##")
            return format_decimal(value, "#,##0.00" if isinstance(value, Decimal) else "#,##0")
        text = f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,d}"
        return text.translate(symbols)

    return write


def num(value) -> str:
    return number_writer()(value)


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: dict | None = None  # {"type", "categories", "series": [{"name", "data"}], "percent", "target"}
    note: str | None = None

    def csv_rows(self):
        yield self.columns
        yield from self.rows


def _chart(kind, categories, series, **extra):
    return {"type": kind, "categories": [str(c) for c in categories], "series": series, **extra}


def overview(f) -> Table:
    rows = [
        (_l("Cases filed"), num(f["filed"])),
        (_l("Accepted"), num(f["accepted"])),
        (_l("Refused"), num(f["refused"])),
        (_l("Withdrawn"), num(f["withdrawn"])),
        (_l("Mediations ended in agreement"), num(f["settled"])),
        (_l("Mediations failed"), num(f["failed"])),
        (_l("Mediation success rate"), pct(f.success_rate)),
        (_l("Compensation claimed (settled cases, CNY)"), num(f["claimed_settled"])),
        (_l("Compensation agreed (CNY)"), num(f["agreed"])),
        (_l("Agreed as a share of claimed"), pct(f.compensation_ratio)),
        (_l("Arbitral awards"), num(f["awarded"])),
        (_l("Enforceable (confirmed or awarded)"), num(f["enforceable"])),
        (_l("Performance rate"), pct(f.performance_rate)),
        (_l("Enforcement rate"), pct(f.enforcement_rate)),
    ]
    return Table(
        "overview",
        str(_l("Key figures")),
        [str(_l("Figure")), str(_l("Value"))],
        [[str(a), b] for a, b in rows],
        note=str(
            _l(
                "Success rate: agreements among mediations that ended. Performance and enforcement rates: "
                "among settlements and awards whose performance is known (performed, or in default)."
            )
        ),
    )


def monthly(filters) -> Table:
    months = by_month(filters)
    labels = [f"{m // 100}-{m % 100:02d}" for m, _ in months]
    rows = [
        [label, num(f["filed"]), num(f["accepted"]), num(f["refused"]), num(f["settled"])]
        for label, (_, f) in zip(labels, months, strict=True)
    ]
    names = [_l("Filed"), _l("Accepted"), _l("Refused"), _l("Agreements")]
    keys = ["filed", "accepted", "refused", "settled"]
    return Table(
        "monthly",
        str(_l("Cases by month filed")),
        [str(_l("Month")), *map(str, names)],
        rows,
        _chart(
            "line",
            labels,
            [{"name": str(n), "data": [f[k] for _, f in months]} for n, k in zip(names, keys, strict=True)],
        ),
    )


def by_dimension(filters, dim, *, title, lines=None) -> Table:
    lines = breakdown(filters, dim) if lines is None else lines
    labels = [value_label(dim, v) for v, _ in lines]
    rows = [
        [label, num(f["filed"]), num(f["accepted"]), num(f["settled"]), num(f["failed"]), pct(f.success_rate)]
        for label, (_, f) in zip(labels, lines, strict=True)
    ]
    return Table(
        f"by_{dim}",
        str(title),
        [
            str(DIMENSION_LABELS[dim]),
            str(_l("Filed")),
            str(_l("Accepted")),
            str(_l("Agreements")),
            str(_l("Failed")),
            str(_l("Success rate")),
        ],
        rows,
        _chart(
            "bar",
            labels,
            [
                {"name": str(_l("Filed")), "data": [f["filed"] for _, f in lines]},
                {"name": str(_l("Agreements")), "data": [f["settled"] for _, f in lines]},
            ],
        ),
    )


def durations(f) -> Table:
    rows, medians, p90s = [], [], []
    for metric, label in METRIC_LABELS.items():
        d = f.days(metric)
        rows.append([str(label), num(d["cases"]), num(d["median"]), num(d["p90"])])
        medians.append(d["median"] or 0)
        p90s.append(d["p90"] or 0)
    return Table(
        "durations",
        str(_l("Days to each milestone")),
        [str(_l("Milestone")), str(_l("Cases")), str(_l("Median (days)")), str(_l("90th percentile (days)"))],
        rows,
        _chart(
            "bar",
            [r[0] for r in rows],
            [
                {"name": str(_l("Median (days)")), "data": medians},
                {"name": str(_l("90th percentile (days)")), "data": p90s},
            ],
        ),
    )


def compensation(by_ip_type) -> Table:
    """From the breakdown by IP type (already read for its own table)."""
    lines = [(v, f) for v, f in by_ip_type if f["settled"]]
    labels = [value_label("ip_type", v) for v, _ in lines]
    rows = [
        [label, num(f["settled"]), num(f["claimed_settled"]), num(f["agreed"]), pct(f.compensation_ratio)]
        for label, (_, f) in zip(labels, lines, strict=True)
    ]
    return Table(
        "compensation",
        str(_l("Compensation agreed against compensation claimed")),
        [
            str(_l("IP type")),
            str(_l("Agreements")),
            str(_l("Claimed (CNY)")),
            str(_l("Agreed (CNY)")),
            str(_l("Agreed as a share of claimed")),
        ],
        rows,
        _chart(
            "bar",
            labels,
            [
                {"name": str(_l("Claimed (CNY)")), "data": [float(f["claimed_settled"]) for _, f in lines]},
                {"name": str(_l("Agreed (CNY)")), "data": [float(f["agreed"]) for _, f in lines]},
            ],
        ),
    )


def _org_names(ids) -> dict[int, str]:
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ).all()
    )


def confirmation(filters, f) -> Table:
    courts = [(v, c) for v, c in breakdown(filters, "court") if v]
    names = _org_names(v for v, _ in courts)
    hists = days_by(filters, "court", "court")
    rows = []
    for value, c in courts:
        hist = hists.get(value, [])
        days = {"median": median(hist), "p90": percentile(hist, 0.9)}
        rows.append(
            [
                names.get(int(value), value),
                num(c["conf_applied"]),
                num(c["conf_confirmed"]),
                num(c["conf_rejected"]),
                num(c["conf_applied"] - c["conf_confirmed"] - c["conf_rejected"]),
                num(days["median"]),
                num(days["p90"]),
            ]
        )
    pending = f["conf_applied"] - f["conf_confirmed"] - f["conf_rejected"]
    return Table(
        "confirmation",
        str(_l("Judicial confirmation: outcomes and the courts' days")),
        [
            str(_l("Court")),
            str(_l("Applications")),
            str(_l("Confirmed")),
            str(_l("Rejected")),
            str(_l("Pending")),
            str(_l("Median (days)")),
            str(_l("90th percentile (days)")),
        ],
        rows,
        _chart(
            "pie",
            [str(_l("Confirmed")), str(_l("Rejected")), str(_l("Pending"))],
            [{"name": str(_l("Applications")), "data": [f["conf_confirmed"], f["conf_rejected"], pending]}],
        ),
    )


def limits(f) -> Table:
    total = f["limits_met"] + f["limits_missed"]
    return Table(
        "limits",
        str(_l("Time limits met and missed")),
        [str(_l("Time limits")), str(_l("Number")), str(_l("Share"))],
        [
            [str(_l("Met")), num(f["limits_met"]), pct(f.rate(f["limits_met"], total))],
            [str(_l("Missed")), num(f["limits_missed"]), pct(f.rate(f["limits_missed"], total))],
        ],
        _chart(
            "pie",
            [str(_l("Met")), str(_l("Missed"))],
            [{"name": str(_l("Time limits")), "data": [f["limits_met"], f["limits_missed"]]}],
        ),
    )


def performance(f) -> Table:
    rows = [
        [str(_l("Performed")), num(f["performed"])],
        [str(_l("In default")), num(f["defaulted"])],
        [str(_l("Enforcement applied for")), num(f["enforcement"])],
        [str(_l("Performance rate")), pct(f.performance_rate)],
        [str(_l("Enforcement rate")), pct(f.enforcement_rate)],
    ]
    return Table(
        "performance",
        str(_l("Performance and enforcement")),
        [str(_l("Figure")), str(_l("Value"))],
        rows,
        _chart(
            "bar",
            [r[0] for r in rows[:3]],
            [{"name": str(_l("Cases")), "data": [f["performed"], f["defaulted"], f["enforcement"]]}],
        ),
    )


def survey(f) -> Table:
    means = f.survey
    rows = [[str(SHORT_LABELS[q]), num(means[q]) if means else "—"] for q in SHORT_LABELS]
    note = None if means else str(_l("Means are shown from 5 answers (%(n)d so far).", n=f["answers"]))
    return Table(
        "survey",
        str(_l("Satisfaction survey (%(n)d answers)", n=f["answers"])),
        [str(_l("Question")), str(_l("Mean (1–5)"))],
        rows,
        _chart(
            "bar",
            [r[0] for r in rows],
            [{"name": str(_l("Mean (1–5)")), "data": [means[q] if means else 0 for q in SHORT_LABELS]}],
            max=5,
        )
        if means
        else None,
        note=note,
    )


def experts(filters) -> Table:
    lines = people.workload(filters)
    write = number_writer()
    rows = [
        [
            x.name,
            write(x.served),
            write(x.open_now),
            write(round(x.satisfaction, 2)) if x.satisfaction is not None else "—",
            write(x.answers),
        ]
        for x in lines
    ]
    top = lines[:15]
    return Table(
        "experts",
        str(_l("Experts: workload and satisfaction")),
        [
            str(_l("Expert")),
            str(_l("Seats taken up in the period")),
            str(_l("Open now")),
            str(_l("Satisfaction (1–5)")),
            str(_l("Survey answers")),
        ],
        rows,
        _chart(
            "bar",
            [x.name for x in top],
            [{"name": str(_l("Seats taken up in the period")), "data": [x.served for x in top]}],
        ),
        note=str(_l("A satisfaction mean is shown from 5 answers.")),
    )


def training(year, org_id=0) -> Table:
    lines = people.training(year, org_id)
    summary = people.training_summary(lines)
    write, yes, no = number_writer(), str(_l("Yes")), str(_l("No"))
    rows = [[x.name, write(x.hours), yes if x.meets_target else no] for x in lines]
    note = str(
        _l(
            "%(met)d of %(experts)d experts reached the %(target)s-hour target in %(year)d; %(hours)s hours in all.",
            met=summary["met"],
            experts=summary["experts"],
            target=num(summary["target"]),
            year=year,
            hours=num(summary["hours"]),
        )
    )
    return Table(
        "training",
        str(_l("Training hours in %(year)d against the 10-hour target", year=year)),
        [str(_l("Expert")), str(_l("Hours")), str(_l("Target reached"))],
        rows,
        _chart(
            "bar",
            [x.name for x in lines],
            [{"name": str(_l("Hours")), "data": [float(x.hours) for x in lines]}],
            target=float(summary["target"]),
        ),
        note=note,
    )


REGISTRY_LABELS = {
    "published": _l("Entries published"),
    "under_objection": _l("Objections lodged"),
    "repaired": _l("Removed after credit repair"),
    "removed": _l("Removed at expiry"),
    "on_list_at_end": _l("On the list at the end of the period"),
}


def registry(filters: Filters) -> Table | None:
    """The infringer registry's figures for the period, when that part of the platform is installed."""
    try:
        from odr.registry.public import counts_by_period
    except ImportError:
        return None
    start, end = filters.days()
    counts = counts_by_period(start, end)
    rows = [[str(label), num(counts.get(key, 0))] for key, label in REGISTRY_LABELS.items()]
    return Table(
        "registry",
        str(_l("Registry of repeat and wilful infringers")),
        [str(_l("Figure")), str(_l("Value"))],
        rows,
        _chart(
            "bar",
            [r[0] for r in rows[:4]],
            [{"name": str(_l("Entries")), "data": [counts.get(k, 0) for k in list(REGISTRY_LABELS)[:4]]}],
        ),
    )


def staff_tables(filters: Filters) -> list[Table]:
    f = compute(filters)
    by_ip_type = breakdown(filters, "ip_type")
    tables = [
        overview(f),
        monthly(filters),
        by_dimension(filters, "ip_type", title=_l("Cases by IP type"), lines=by_ip_type),
        by_dimension(filters, "industry", title=_l("Cases by industry")),
        by_dimension(filters, "place", title=_l("Cases by channel of infringement")),
        by_dimension(filters, "channel", title=_l("Cases by source")),
        durations(f),
        compensation(by_ip_type),
        confirmation(filters, f),
        limits(f),
        performance(f),
        survey(f),
        experts(filters),
        training(filters.end // 100, filters.org_id),
    ]
    extra = registry(filters)
    return [*tables, extra] if extra else tables


def public_tables(year: int) -> list[Table]:
    """What anyone may read: aggregate figures of a year, nothing about any case or person."""
    filters = Filters.year(year)
    f = compute(filters)
    tables = [
        overview(f),
        monthly(filters),
        by_dimension(filters, "ip_type", title=_l("Cases by IP type")),
        by_dimension(filters, "industry", title=_l("Cases by industry")),
        by_dimension(filters, "place", title=_l("Cases by channel of infringement")),
        durations(f),
        performance(f),
        survey(f),
    ]
    extra = registry(filters)
    return [*tables, extra] if extra else tables
