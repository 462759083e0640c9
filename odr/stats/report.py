"""The year's IP protection report: its figures gathered as plain data (in Chinese), then laid out
by odr.stats.report_pdf."""

from flask_babel import force_locale

from odr.core.db import utcnow
from odr.stats import people, tables, typical
from odr.stats.figures import Filters, breakdown, by_month, compute
from odr.survey.forms import SHORT_LABELS


def _change(now, before, *, rate=False) -> str:
    """How NOW differs from BEFORE: counts by number and share, rates by percentage points."""
    if now is None or before is None:
        return "—"
    if rate:
        return f"{(now - before) * 100:+.1f} 个百分点"
    diff = now - before
    share = f"（{diff / before:+.1%}）" if before else ""
    return f"{diff:+,}{share}" if not isinstance(diff, float) else f"{diff:+,.2f}{share}"


def _key_rows(f, p):
    def row(label, attr=None, key=None, rate=False, money=False):
        now = getattr(f, attr) if attr else f[key]
        before = getattr(p, attr) if attr else p[key]
        if rate:
            return [label, tables.pct(now), tables.pct(before), _change(now, before, rate=True)]
        if money:
            return [label, tables.num(now), tables.num(before), _change(float(now), float(before))]
        return [label, tables.num(now), tables.num(before), _change(now, before)]

    return [
        row("收案数", key="filed"),
        row("受理数", key="accepted"),
        row("不予受理数", key="refused"),
        row("调解成功数", key="settled"),
        row("调解成功率", attr="success_rate", rate=True),
        row("司法确认申请数", key="conf_applied"),
        row("司法确认率", attr="confirmation_rate", rate=True),
        row("仲裁裁决数", key="awarded"),
        row("请求赔偿额（达成协议案件，元）", key="claimed_settled", money=True),
        row("约定赔偿额（元）", key="agreed", money=True),
        row("约定赔偿占请求赔偿比例", attr="compensation_ratio", rate=True),
        row("履行率", attr="performance_rate", rate=True),
        row("申请执行率", attr="enforcement_rate", rate=True),
        row("期限遵守数", key="limits_met"),
        row("期限未遵守数", key="limits_missed"),
    ]


def annual_data(year: int) -> dict:
    """Everything the report of YEAR shows, compared with the year before, as plain data."""
    with force_locale("zh_CN"):
        filters, previous = Filters.year(year), Filters.year(year - 1)
        f, p = compute(filters), compute(previous)
        months = by_month(filters)

        def dimension(dim):
            return [
                [tables.value_label(dim, value), fig["filed"], fig["settled"], tables.pct(fig.success_rate)]
                for value, fig in breakdown(filters, dim)
            ]

        durations = []
        for metric, label in tables.METRIC_LABELS.items():
            now, before = f.days(metric), p.days(metric)
            durations.append(
                [
                    str(label),
                    now["cases"],
                    tables.num(now["median"]),
                    tables.num(now["p90"]),
                    tables.num(before["median"]),
                ]
            )
        confirmation = tables.confirmation(filters, f)
        survey_now, survey_before = f.survey, p.survey
        survey = [
            [
                str(label),
                tables.num(survey_now[q]) if survey_now else "—",
                tables.num(survey_before[q]) if survey_before else "—",
            ]
            for q, label in SHORT_LABELS.items()
        ]
        training_lines = people.training(year)
        registry = tables.registry(filters)
        return {
            "year": year,
            "previous": year - 1,
            "generated_at": utcnow(),
            "key": _key_rows(f, p),
            "filed": f["filed"],
            "monthly": {
                "categories": [f"{m % 100}月" for m, _ in months],
                "series": [
                    ("收案", [x["filed"] for _, x in months]),
                    ("调解成功", [x["settled"] for _, x in months]),
                ],
            },
            "by_ip_type": dimension("ip_type"),
            "by_industry": dimension("industry"),
            "by_place": dimension("place"),
            "durations": durations,
            "confirmation": {
                "confirmed": f["conf_confirmed"],
                "rejected": f["conf_rejected"],
                "pending": f["conf_applied"] - f["conf_confirmed"] - f["conf_rejected"],
                "courts": confirmation.rows,
                "columns": confirmation.columns,
            },
            "performance": {
                "performed": f["performed"],
                "defaulted": f["defaulted"],
                "enforcement": f["enforcement"],
            },
            "survey": {
                "answers": f["answers"],
                "previous_answers": p["answers"],
                "rows": survey,
                "shown": survey_now is not None,
            },
            "training": {
                "summary": people.training_summary(training_lines),
                "lines": [
                    [x.name, tables.num(x.hours), "是" if x.meets_target else "否"] for x in training_lines
                ],
            },
            "registry": registry.rows if registry else None,
            "typical": [{"title": t.title, "summary": t.summary} for t in typical.of_year(year)],
        }


def render(year: int) -> bytes:
    from odr.stats.report_pdf import render_annual_report

    return render_annual_report(annual_data(year))
