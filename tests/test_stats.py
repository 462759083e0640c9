"""Statistics: every figure on a data set built through the platform's own operations, compared
with numbers worked out by hand; the rollups against the per-case facts and against a plain
Python count of the same rows."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from freezegun import freeze_time

from odr.cases import operations as case_ops
from odr.deadlines.models import Deadline, DeadlineState
from odr.stats.facts import LIMIT_KINDS, NOT_MISSED, fold, rebuild, rebuild_months, refresh
from odr.stats.figures import Filters, breakdown, by_month, compute, median, percentile
from odr.stats.models import AMOUNTS, COUNTS, DAY_METRICS, DIMENSIONS, StatsCaseFact, StatsFactOrg

SPRING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
YEAR = Filters.year(2026)


def test_median_and_nearest_rank_percentile():
    assert median([(1, 1), (3, 1)]) == 2
    assert median([(4, 3)]) == 4
    assert percentile([(d, 1) for d in range(1, 11)], 0.9) == 9
    assert percentile([(d, 1) for d in range(1, 21)], 0.9) == 18
    assert percentile([(5, 1), (100, 1)], 0.9) == 100
    assert median([]) is None and percentile([], 0.9) is None


def limits_from_deadlines(db):
    """The time limits met and missed, read from the deadlines themselves."""
    rows = db.session.execute(
        sa.select(Deadline.kind, Deadline.state, Deadline.outcome).where(Deadline.case_id.is_not(None))
    ).all()
    met = sum(1 for k, s, _ in rows if k.value in LIMIT_KINDS and s == DeadlineState.MET)
    missed = sum(
        1 for k, s, o in rows if k.value in LIMIT_KINDS and s == DeadlineState.MISSED and o not in NOT_MISSED
    )
    return met, missed


def test_every_figure_of_the_year(db, stats_data):
    f = compute(YEAR)
    assert f.source == "rollups"
    expected = {
        "filed": 6,
        "accepted": 4,
        "refused": 1,
        "mediated": 2,
        "settled": 1,
        "failed": 1,
        "withdrawn": 1,
        "conf_applied": 1,
        "conf_confirmed": 1,
        "conf_rejected": 0,
        "awarded": 0,
        "enforceable": 1,
        "performed": 1,
        "defaulted": 0,
        "enforcement": 0,
        "answers": 3,
        "overall_sum": 15,
        "fairness_sum": 12,
        "professionalism_sum": 15,
        "speed_sum": 9,
        "cost_sum": 12,
        "again_sum": 15,
        "claimed_settled": Decimal("80000.00"),
        "agreed": Decimal("30000.00"),
    }
    assert {k: f[k] for k in expected} == expected
    met, missed = limits_from_deadlines(db)
    assert missed == 1 and met >= 8
    assert (f["limits_met"], f["limits_missed"]) == (met, missed)
    assert f.success_rate == 0.5
    assert f.confirmation_rate == 1.0
    assert f.performance_rate == 1.0 and f.enforcement_rate == 0.0
    assert f.compensation_ratio == 0.375
    # Filed 26 November 10:00, effective 1 December, confirmed 6 December, performed 7 December;
    # the court had it from 3 December (the last party joined) to 6 December.
    assert f.days("agreement") == {"cases": 1, "median": 5, "p90": 5}
    assert f.days("confirmation") == {"cases": 1, "median": 10, "p90": 10}
    assert f.days("enforceable") == {"cases": 1, "median": 10, "p90": 10}
    assert f.days("performed") == {"cases": 1, "median": 11, "p90": 11}
    assert f.days("court") == {"cases": 1, "median": 3, "p90": 3}
    assert f.survey is None  # three answers: below the minimum of five


def test_filters_and_breakdowns(db, stats_data):
    by_ip = {value: fig["filed"] for value, fig in breakdown(YEAR, "ip_type")}
    assert by_ip == {"geographical_indication": 3, "trademark": 3}
    court = compute(Filters.year(2026, org_id=stats_data["court"].id))
    assert (court["filed"], court["settled"], court["conf_confirmed"]) == (1, 1, 1)
    electronics = compute(Filters.year(2026, industry="electronics"))
    assert (electronics["filed"], electronics["accepted"], electronics["limits_missed"]) == (1, 1, 1)
    months = dict((m, fig["filed"]) for m, fig in by_month(YEAR))
    assert months[202603] == 5 and months[202611] == 1 and sum(months.values()) == 6
    assert compute(Filters(202604, 202610))["filed"] == 0
    two = compute(Filters.year(2026, ip_type="trademark", track="simple"))
    assert two.source == "facts"
    courts = dict((value, fig["conf_confirmed"]) for value, fig in breakdown(YEAR, "court"))
    assert courts == {str(stats_data["court"].id): 1}


def test_rollups_equal_the_facts_for_every_single_filter(db, stats_data):
    filters = [YEAR, Filters.year(2026, org_id=stats_data["court"].id)]
    for dim in DIMENSIONS:
        for value in db.session.scalars(sa.select(getattr(StatsCaseFact, dim)).distinct()):
            if value:
                filters.append(Filters.year(2026, **{dim: value}))
    for f in filters:
        a, b = compute(f, source="rollups"), compute(f, source="facts")
        assert (a.counts, a.hist) == (b.counts, b.hist), f


def snapshot(db):
    from odr.stats.models import StatsDays, StatsRollup

    def rows(model):
        return sorted(tuple(r) for r in db.session.execute(sa.select(*model.__table__.columns)).all())

    return rows(StatsRollup), rows(StatsDays)


def test_the_refresh_by_difference_leaves_what_a_rebuild_makes(db, stats_data, make_case, claimant, clerk):
    kept = snapshot(db)  # made by the scheduler's refresh, case by case
    assert kept[0] and kept[1]
    with freeze_time(SPRING):
        case = make_case(title="改变", ip_type="copyright")
        case_ops.accept_case(case, clerk)
    refresh()
    with freeze_time(SPRING + timedelta(days=1)):
        case_ops.withdraw_case(case, claimant)
        case_ops.withdraw_case(make_case(title="又撤回"), claimant)
    refresh()
    changed = snapshot(db)
    rebuild()
    assert snapshot(db) == changed


def test_the_scheduler_refresh_follows_new_events(db, stats_data, make_case, claimant):
    before = compute(YEAR)["withdrawn"]
    with freeze_time(SPRING):
        case = make_case(title="又一件")
        case_ops.withdraw_case(case, claimant)
    assert compute(YEAR)["withdrawn"] == before  # not yet folded in
    assert refresh() == 1
    assert compute(YEAR)["withdrawn"] == before + 1
    assert refresh() == 0
    figures = compute(YEAR)
    rebuild()
    assert (compute(YEAR).counts, compute(YEAR).hist) == (figures.counts, figures.hist)


def test_an_award_not_performed_and_enforced():
    class Case:
        id, organisation_id, delegating_court_id = 1, 7, None
        submitted_at = datetime(2026, 1, 10, 2, tzinfo=UTC)
        ip_type = industry = place = channel = track = type("V", (), {"value": "x"})()
        claim_amount = Decimal("100")

    t = Case.submitted_at
    entries = [
        ("arbitration.applied", t + timedelta(days=1), {"commission_id": 9}),
        ("arbitration.issue", t + timedelta(days=40), {}),
        ("deadline.acted", t + timedelta(days=60), {"kind": "award_performance", "outcome": "not performed"}),
        ("arbitration.performance_overdue", t + timedelta(days=60), {}),
        ("arbitration.apply_enforcement", t + timedelta(days=61), {}),
        ("deadline.acted", t + timedelta(days=61), {"kind": "obligation_due", "outcome": "nothing to do"}),
    ]
    row, orgs = fold(Case, entries)
    assert orgs == {7, 9}
    assert (row["awarded"], row["enforceable"], row["defaulted"], row["enforcement"], row["performed"]) == (
        1,
        1,
        1,
        1,
        0,
    )
    assert (row["days_enforceable"], row["days_agreement"], row["limits_missed"]) == (40, None, 1)


def test_rollups_equal_a_plain_count_of_random_facts(db, claimant, mediation_org, make_org):
    from odr.cases.models import Case

    rng = random.Random(19)
    choices = {
        "ip_type": ["trademark", "copyright", "invention_patent"],
        "industry": ["liubao_tea", "agriculture", "electronics"],
        "place": ["market", "exhibition"],
        "channel": ["self_filed", "court_delegated"],
        "track": ["simple", "complex", ""],
        "court": ["", "c1", "c2"],
    }
    other = make_org()
    n = 300
    now = datetime(2026, 6, 1, tzinfo=UTC)
    db.session.execute(
        sa.insert(Case),
        [
            {
                "title": f"随机{i}",
                "ip_type": "trademark",
                "dispute_kind": "infringement",
                "industry": "other",
                "place": "market",
                "claim_amount": Decimal(1000),
                "remedies": "-",
                "facts": "-",
                "channel": "self_filed",
                "state": "submitted",
                "organisation_id": mediation_org.id,
                "filed_by_id": claimant.id,
                "submitted_at": now,
                "updated_at": now,
                "triage_reasons": [],
            }
            for i in range(n)
        ],
    )
    ids = db.session.scalars(sa.select(Case.id).where(Case.title.like("随机%")).order_by(Case.id)).all()
    rows, links = [], []
    for case_id in ids:
        month = 202600 + rng.randint(1, 12)
        row = {"case_id": case_id, "month": month, "filed_on": date(2026, month % 100, 1)}
        row |= {d: rng.choice(v) for d, v in choices.items()}
        row |= {c: rng.randint(0, 3) for c in COUNTS}
        row |= {a: Decimal(rng.randint(0, 90000)) for a in AMOUNTS}
        row |= {"organisation_id": mediation_org.id, "claim_amount": Decimal(1000)}
        row |= {f"days_{m}": rng.choice([None, rng.randint(0, 200)]) for m in DAY_METRICS}
        rows.append(row)
        links.append({"case_id": case_id, "org_id": mediation_org.id})
        if rng.random() < 0.4:
            links.append({"case_id": case_id, "org_id": other.id})
    db.session.execute(sa.insert(StatsCaseFact), rows)
    db.session.execute(sa.insert(StatsFactOrg), links)
    rebuild_months({r["month"] for r in rows})
    in_other = {link["case_id"] for link in links if link["org_id"] == other.id}

    def plain(selected):
        counts = {c: sum(r[c] for r in selected) for c in (*COUNTS, *AMOUNTS)}
        hist = {}
        for m in DAY_METRICS:
            days = sorted(r[f"days_{m}"] for r in selected if r[f"days_{m}"] is not None)
            hist[m] = sorted({d: days.count(d) for d in days}.items())
        return counts, hist

    period = Filters(202603, 202609)
    cases = [(period, lambda r: True)]
    cases.append((Filters(202603, 202609, org_id=other.id), lambda r: r["case_id"] in in_other))
    for dim, options in choices.items():
        for value in options:
            if value:
                cases.append((Filters(202603, 202609, **{dim: value}), lambda r, d=dim, v=value: r[d] == v))
    checked = 0
    for filters, keep in cases:
        selected = [r for r in rows if 202603 <= r["month"] <= 202609 and keep(r)]
        figures = compute(filters)
        assert figures.source == "rollups"
        assert (figures.counts, figures.hist) == plain(selected), filters
        checked += 1
    assert checked == 2 + 14
    # Two filters at once are read from the facts, and agree with the plain count too.
    both = compute(Filters(202603, 202609, ip_type="trademark", place="market"))
    assert both.source == "facts"
    expected = plain(
        [
            r
            for r in rows
            if 202603 <= r["month"] <= 202609 and r["ip_type"] == "trademark" and r["place"] == "market"
        ]
    )
    assert (both.counts, both.hist) == expected
    # Breakdowns from the rollups agree with the plain count per value.
    for value, figures in breakdown(period, "industry"):
        assert (
            figures.counts
            == plain([r for r in rows if 202603 <= r["month"] <= 202609 and r["industry"] == value])[0]
        )
