"""How fast the statistics dashboard answers with 1,000,000 cases, from the rollups, beside the
same figures computed from the per-case facts (the baseline) in the same run.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/stats_dashboard.py

The database named by BENCH_DATABASE_URL is emptied first (SQLite in a temp dir when unset; use
BENCH_CASES to make it smaller). The cases are bulk-loaded as bare rows and their fact rows written
directly with realistic spreads (five years, three intake organisations, skewed IP types and
industries), then the rollups are built by the code the scheduler runs. Aim: the whole dashboard
page under 100 ms.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

import config
from odr import create_app
from odr.extensions import db

CASES = int(os.environ.get("BENCH_CASES", 1_000_000))
RUNS = 20
YEARS = (2022, 2023, 2024, 2025, 2026)
IP_TYPES = {
    "trademark": 50,
    "geographical_indication": 14,
    "copyright": 12,
    "utility_model": 8,
    "design_patent": 6,
    "invention_patent": 4,
    "software_copyright": 3,
    "trade_secret": 1,
    "unfair_competition": 2,
}
INDUSTRIES = {
    "liubao_tea": 25,
    "ecommerce": 15,
    "lychee": 8,
    "honey": 6,
    "kudzu": 5,
    "city_brand": 8,
    "agriculture": 8,
    "electronics": 6,
    "pharmaceuticals": 5,
    "building_materials": 4,
    "tourism": 3,
    "culture": 4,
    "other": 3,
}
PLACES = {"ecommerce_platform": 45, "market": 20, "exhibition": 12, "import_export": 8, "offline": 15}
CHANNELS = {
    "self_filed": 55,
    "court_delegated": 20,
    "market_regulator": 8,
    "hotline_12315": 5,
    "ecommerce_platform": 7,
    "park_station": 3,
    "arbitration": 2,
}


def pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def copy_rows(table, columns, rows):
    """COPY on PostgreSQL, one executemany transaction on SQLite."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                ([str(v) if isinstance(v, date) else v for v in row] for row in rows),
            )
        raw.commit()
    finally:
        raw.close()


def build(rng):
    from odr.accounts.models import Organisation, OrgKind, User
    from odr.stats.models import COUNTS

    orgs = [Organisation(name=f"调解组织{i}", kind=OrgKind.MEDIATION_COMMITTEE) for i in range(3)]
    courts = [Organisation(name=f"法院{i}", kind=OrgKind.BASIC_COURT) for i in range(2)]
    commission = Organisation(name="仲裁委", kind=OrgKind.ARBITRATION_COMMISSION)
    filer = User(email="filer@bench.test", password_hash="x", name="申请人", locale="zh_CN")
    admin = User(email="admin@bench.test", password_hash="x", name="管理员", locale="zh_CN")
    admin.add_role("admin")
    db.session.add_all([*orgs, *courts, commission, filer, admin])
    db.session.commit()
    for obj in (*orgs, *courts, commission, filer, admin):
        db.session.refresh(obj)
    db.session.close()  # the bulk load takes connections of its own
    now = datetime(2026, 12, 1, tzinfo=UTC).replace(tzinfo=None)
    case_cols = [
        "id",
        "title",
        "ip_type",
        "dispute_kind",
        "industry",
        "place",
        "claim_amount",
        "remedies",
        "facts",
        "channel",
        "state",
        "organisation_id",
        "filed_by_id",
        "submitted_at",
        "updated_at",
        "triage_reasons",
        "online_consent",
        "track_overridden",
        "opinion_visibility",
    ]
    copy_rows(
        "cases",
        case_cols,
        (
            (
                n,
                "基准",
                "trademark",
                "infringement",
                "other",
                "market",
                1000,
                "-",
                "-",
                "self_filed",
                "submitted",
                orgs[0].id,
                filer.id,
                now,
                now,
                "[]",
                True,
                False,
                "neutrals",
            )
            for n in range(1, CASES + 1)
        ),
    )
    fact_cols = [
        "case_id",
        "month",
        "filed_on",
        "organisation_id",
        "ip_type",
        "industry",
        "place",
        "channel",
        "track",
        "court",
        "claim_amount",
        "claimed_settled",
        "agreed",
        "days_agreement",
        "days_confirmation",
        "days_enforceable",
        "days_performed",
        "days_court",
        *COUNTS,
    ]
    links = []

    def facts():
        for n in range(1, CASES + 1):
            year = rng.choice(YEARS)
            month = year * 100 + rng.randint(1, 12)
            org = rng.choices(orgs, weights=[60, 25, 15])[0]
            accepted = rng.random() < 0.9
            mediated = accepted and rng.random() < 0.7
            settled = mediated and rng.random() < 0.65
            failed = mediated and not settled and rng.random() < 0.8
            applied = settled and rng.random() < 0.5
            confirmed = applied and rng.random() < 0.9
            performed = settled and rng.random() < 0.8
            defaulted = settled and not performed
            claim = rng.randint(5_000, 500_000)
            court = rng.choice(courts) if applied else None
            links.append((n, org.id))
            if court:
                links.append((n, court.id))
            days_agreement = rng.randint(3, 60) if settled else None
            counts = {c: 0 for c in COUNTS}
            counts.update(
                filed=1,
                accepted=int(accepted),
                refused=int(not accepted),
                mediated=int(mediated),
                settled=int(settled),
                failed=int(failed),
                conf_applied=int(applied),
                conf_confirmed=int(confirmed),
                conf_rejected=int(applied and not confirmed),
                enforceable=int(confirmed),
                performed=int(performed),
                defaulted=int(defaulted),
                enforcement=int(defaulted and rng.random() < 0.5),
                limits_met=rng.randint(1, 6),
                limits_missed=int(rng.random() < 0.1),
            )
            if settled and rng.random() < 0.6:
                counts.update(
                    answers=2,
                    overall_sum=rng.randint(6, 10),
                    fairness_sum=rng.randint(6, 10),
                    professionalism_sum=rng.randint(6, 10),
                    speed_sum=rng.randint(5, 10),
                    cost_sum=rng.randint(5, 10),
                    again_sum=rng.randint(6, 10),
                )
            yield (
                n,
                month,
                date(month // 100, month % 100, 1),
                org.id,
                pick(rng, IP_TYPES),
                pick(rng, INDUSTRIES),
                pick(rng, PLACES),
                pick(rng, CHANNELS),
                rng.choice(["simple", "simple", "complex", ""]),
                str(court.id) if court else "",
                claim,
                claim if settled else 0,
                int(claim * rng.uniform(0.2, 0.9)) if settled else 0,
                days_agreement,
                days_agreement + rng.randint(5, 30) if confirmed else None,
                days_agreement + rng.randint(5, 30) if confirmed else None,
                days_agreement + rng.randint(10, 90) if performed else None,
                rng.randint(2, 20) if applied else None,
                *counts.values(),
            )

    copy_rows("stats_case_facts", fact_cols, facts())
    copy_rows("stats_fact_orgs", ["case_id", "org_id"], iter(links))
    return admin, orgs


def timed(fn, runs=RUNS):
    fn()  # warm the caches, as a page viewed before
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
        db.session.rollback()
    return statistics.median(samples), max(samples)


def main():
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    cfg = config.Testing()
    cfg.SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    cfg.FILE_STORAGE_DIR = tmp.name
    cfg.WTF_CSRF_ENABLED = False
    app = create_app(cfg)
    with app.app_context():
        from flask_migrate import upgrade

        from odr.stats import figures, tables
        from odr.stats.facts import apply_changes, rebuild_months
        from odr.stats.figures import Filters, breakdown, compute
        from odr.stats.models import StatsCaseFact, StatsDays, StatsRollup

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        rng = random.Random(19)
        t0 = time.perf_counter()
        admin, orgs = build(rng)
        loaded = time.perf_counter() - t0
        months = set(db.session.scalars(sa.select(StatsCaseFact.month).distinct()))
        t0 = time.perf_counter()
        rebuild_months(months)
        db.session.commit()
        built = time.perf_counter() - t0
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
        # The scheduler's refresh folds changed cases in by difference: time it for 100 cases.
        old = [
            ({c.key: getattr(f, c.key) for c in StatsCaseFact.__table__.columns}, {f.organisation_id})
            for f in db.session.scalars(
                sa.select(StatsCaseFact).where(StatsCaseFact.month == 202611).limit(100)
            )
        ]
        new = [({**fact, "settled": 1 - fact["settled"], "days_agreement": 7}, orgs) for fact, orgs in old]
        t0 = time.perf_counter()
        apply_changes(old, new)
        apply_changes(new, old)  # and back, so the figures below are the loaded ones
        db.session.commit()
        one_month = (time.perf_counter() - t0) / 2
        cases = db.session.scalar(sa.select(sa.func.count()).select_from(StatsCaseFact))
        rollups = db.session.scalar(sa.select(sa.func.count()).select_from(StatsRollup))
        days = db.session.scalar(sa.select(sa.func.count()).select_from(StatsDays))
        print(
            f"database: {db.engine.dialect.name}; {cases:,} cases loaded in {loaded:.0f} s; rollups built in "
            f"{built:.1f} s ({rollups:,} rollup rows, {days:,} day-histogram rows); 100 changed cases "
            f"folded in (the scheduler's refresh) in {one_month * 1000:.0f} ms"
        )

        year = Filters.year(2026)
        one = Filters.year(2026, ip_type="trademark")
        org = Filters.year(2026, org_id=orgs[0].id)
        two = Filters.year(2026, ip_type="trademark", industry="liubao_tea")
        rows = [
            ("figures, 2026, no filter", lambda: compute(year), lambda: compute(year, source="facts")),
            ("figures, 2026, IP type", lambda: compute(one), lambda: compute(one, source="facts")),
            ("figures, 2026, organisation", lambda: compute(org), lambda: compute(org, source="facts")),
            (
                "breakdown by industry, 2026",
                lambda: breakdown(year, "industry"),
                lambda: breakdown(year, "industry", source="facts"),
            ),
        ]
        print(f"{'query':34} {'rollups median/max':>20} {'facts (baseline)':>20}")
        for label, fast, slow in rows:
            a, b = timed(fast), timed(slow, runs=3)
            print(f"{label:34} {a[0]:9.1f} /{a[1]:7.1f} ms {b[0]:9.1f} /{b[1]:7.1f} ms")
        a = timed(lambda: compute(two), runs=3)
        print(f"{'figures, 2026, two filters (facts)':34} {a[0]:9.1f} /{a[1]:7.1f} ms")

        from odr.accounts.models import User
        from odr.accounts.sessions import token_for_test

        client = app.test_client()
        token = token_for_test(db.session.get(User, admin.id))
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = str(admin.id)
            session["_fresh"] = True
            session["sid"] = token

        def page(query="from=2026-01&to=2026-12"):
            response = client.get(f"/stats?{query}", headers={"Accept-Language": "zh-CN"})
            assert response.status_code == 200, response.status_code

        whole = timed(page)
        one_filter = timed(lambda: page("from=2026-01&to=2026-12&ip_type=trademark"))
        public = timed(lambda: client.get("/statistics?year=2026"))
        original = figures.uses_rollups
        figures.uses_rollups = lambda *a, **k: False
        tables.uses_rollups = figures.uses_rollups
        try:
            baseline = timed(page, runs=3)
        finally:
            figures.uses_rollups = original
        print(
            f"dashboard page /stats (all {len(tables.staff_tables(year))} tables), 2026: "
            f"{whole[0]:.1f} ms median, {whole[1]:.1f} ms max (from the facts: {baseline[0]:.0f} ms)"
        )
        print(
            f"dashboard page /stats, 2026, one filter: {one_filter[0]:.1f} ms median, {one_filter[1]:.1f} ms max"
        )
        print(f"public page /statistics, 2026: {public[0]:.1f} ms median, {public[1]:.1f} ms max")


if __name__ == "__main__":
    main()
