"""How fast the main pages answer, and how many SQL statements each costs, over a generated database.

    nice -n 10 .venv/bin/python bench/pages.py postgresql://postgres@127.0.0.1:5432/bench_10k
    nice -n 10 .venv/bin/python bench/pages.py URL --code /path/to/other/checkout --label baseline
    nice -n 10 .venv/bin/python bench/pages.py URL --sweep 1000        # then the deadline sweep

The database is one bench/generate.py built. The script signs in through the login form as each
role (the clerk of the busiest mediation organisation, a mediator, the court liaison officer, the
claimant who files 1% of all cases, a respondent), opens each main page a few times to warm up,
then times it (wall time of the whole request in the Flask test client, so templates included)
and counts the statements it sent. With --code it runs another checkout of the platform (e.g. main
as it was) against the same database, so both are measured in the same run on the same data.

--sweep N makes N mediation periods of cases in mediation fall due (a different half of them for
each --label), runs the deadline sweep once and reports its time and statements (and, apart, the
time to render the hand-over summaries it left for after its acts); it changes the data (those
cases end as failed), so run it after the pages.

Printed: one JSON object per line (label, page, p50_ms, p95_ms, statements, runs); bench/table.py
turns several runs' lines into one table.
"""

import argparse
import base64
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
parser.add_argument("--label", default="current")
parser.add_argument("--runs", type=int, default=15)
parser.add_argument("--sweep", type=int, default=0)
parser.add_argument("--only", default="")
parser.add_argument("--skip", action="append", default=[], help="pages not to open (names contain this)")
args = parser.parse_args()
sys.path.insert(0, args.code)
os.environ["ODR_TEST_DATABASE_URL"] = args.url

import sqlalchemy as sa  # noqa: E402

import config  # noqa: E402
from odr import create_app  # noqa: E402
from odr.extensions import db  # noqa: E402

PASSWORD = os.environ.get("BENCH_PASSWORD", "Bench-2026!")
KEYSET = (Path(args.code) / "odr" / "core" / "paging.py").exists()


def cursor(values):
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def deep_page(conn, per_page=20, page=500):
    """The clerk's list far down (page 500, or the last full page of a smaller database)."""
    total = conn.execute(sa.text("SELECT count(*) FROM cases WHERE organisation_id = 1")).scalar()
    page = max(1, min(page, total // per_page - 1))
    if not KEYSET:
        return f"/cases?page={page}", page
    row = conn.execute(
        sa.text(
            "SELECT updated_at, id FROM cases WHERE organisation_id = 1 "
            "ORDER BY updated_at DESC, id DESC OFFSET :n LIMIT 1"
        ),
        {"n": (page - 1) * per_page - 1},
    ).one()
    return f"/cases?after={cursor([row[0].replace(tzinfo=UTC), row[1]])}", page


def plan(conn):
    """(role, email, [(page name, path)]) for every role."""
    number = conn.execute(
        sa.text(
            "SELECT number FROM cases WHERE organisation_id = 1 AND number IS NOT NULL "
            "ORDER BY id DESC LIMIT 1"
        )
    ).scalar()
    party = conn.execute(
        sa.text("SELECT name FROM case_parties WHERE side = 'respondent' ORDER BY case_id DESC LIMIT 1")
    ).scalar()
    clerk_case = conn.execute(
        sa.text(
            "SELECT id FROM cases WHERE organisation_id = 1 AND state = 'mediating' ORDER BY id DESC LIMIT 1"
        )
    ).scalar()
    mediator = conn.execute(
        sa.text(
            "SELECT expert_id, case_id FROM assignments WHERE state = 'accepted' "
            "ORDER BY case_id DESC LIMIT 1"
        )
    ).one()
    liaison_case = conn.execute(
        sa.text("SELECT case_id, court_id FROM confirmation_applications ORDER BY id DESC LIMIT 1")
    ).one()
    liaison = conn.execute(
        sa.text("SELECT id FROM users WHERE organisation_id = :c ORDER BY id LIMIT 1"), {"c": liaison_case[1]}
    ).scalar()
    big = conn.execute(  # the claimant who files 1% of the cases
        sa.text(
            "SELECT filed_by_id FROM cases WHERE mod(id, 100) = 0 GROUP BY filed_by_id ORDER BY count(*) DESC LIMIT 1"
        )
    ).scalar()
    big_case = conn.execute(
        sa.text(f"SELECT id FROM cases WHERE filed_by_id = {int(big)} ORDER BY id DESC LIMIT 1")
    ).scalar()
    respondent = conn.execute(
        sa.text(
            "SELECT user_id FROM case_parties WHERE side = 'respondent' AND user_id IS NOT "
            "NULL ORDER BY case_id DESC LIMIT 1"
        )
    ).scalar()
    deep, page = deep_page(conn)
    return [
        (
            "clerk",
            "clerk2@bench.odr",
            [
                ("clerk dashboard", "/dashboard"),
                ("case list page 1", "/cases"),
                (f"case list page {page}", deep),
                ("intake queue", "/cases/intake"),
                ("search with filters", "/cases?state=mediating&ip_type=trademark&q=六堡"),
                ("search by case number", "/cases?q=" + number),
                ("search by party name", "/cases?q=" + party[-12:]),
                ("assignments", "/assignments"),
                ("case page (clerk)", f"/cases/{clerk_case}"),
            ],
        ),
        (
            "mediator",
            f"mediator{mediator[0]}@bench.odr",
            [
                ("mediator dashboard", "/dashboard"),
                ("mediator case list", "/cases"),
                ("caseload", "/caseload"),
                ("case page (mediator)", f"/cases/{mediator[1]}"),
            ],
        ),
        (
            "court",
            f"liaison{liaison}@bench.odr",
            [
                ("court dashboard", "/dashboard"),
                ("court queue", "/court/"),
                ("case page (court)", f"/cases/{liaison_case[0]}"),
            ],
        ),
        (
            "party",
            f"party{big}@bench.odr",
            [
                ("party dashboard (1% filer)", "/dashboard"),
                ("party case list (1% filer)", "/cases"),
                ("notifications", "/notifications"),
                ("case page (party)", f"/cases/{big_case}"),
            ],
        ),
        (
            "respondent",
            f"party{respondent}@bench.odr",
            [
                ("respondent dashboard", "/dashboard"),
                ("respondent case list", "/cases"),
            ],
        ),
    ]


def measure(client, path, runs):
    statements = []

    def count(*_a, **_k):
        statements.append(1)

    started = time.perf_counter()
    response = client.get(path)  # warm up: caches, the first plan of each statement
    if response.status_code != 200:
        return None  # reported as failed (e.g. an older checkout that does not know the schema)
    if time.perf_counter() - started > 2:
        runs = 1  # a page this slow is timed once
    else:
        client.get(path)
    times = []
    for _ in range(runs):
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        sa.event.remove(db.engine, "before_cursor_execute", count)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(statements), len(times)


def sweep(app, n, label):
    """Make N mediation periods fall due and time one sweep that acts on them.

    They fall due a minute before any other running limit, and the sweep runs at that moment, so it
    acts on exactly these N. Where the checkout renders the hand-over summaries after the acts
    (sweep(documents=False), then complete_pending), the two are timed apart: the first line is the
    acts (cases failed, parties and clerks told, every audit entry), the second the PDFs."""
    import inspect

    from odr.deadlines.operations import sweep as run_sweep

    half = 0 if label == "baseline" else 1
    with db.engine.begin() as conn:
        ids = (
            conn.execute(
                sa.text(
                    "SELECT d.id FROM deadlines d JOIN cases c ON c.id = d.case_id "
                    "WHERE d.kind = 'mediation_period' AND d.state = 'pending' AND c.state = 'mediating' "
                    "AND mod(d.id, 2) = :half ORDER BY d.id LIMIT :n"
                ),
                {"half": half, "n": n},
            )
            .scalars()
            .all()
        )
        first_due = conn.execute(
            sa.text("SELECT min(due_at) FROM deadlines WHERE state = 'pending' AND NOT (id = ANY(:ids))"),
            {"ids": list(ids)},
        ).scalar()
        due = (first_due or datetime.now(UTC).replace(tzinfo=None)) - timedelta(minutes=1)
        conn.execute(
            sa.text("UPDATE deadlines SET due_at = :t WHERE id = ANY(:ids)"), {"t": due, "ids": list(ids)}
        )
    now = due.replace(tzinfo=UTC) + timedelta(seconds=1)
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
    deferred = "documents" in inspect.signature(run_sweep).parameters
    started = time.perf_counter()
    if deferred:
        done = run_sweep(now=now, limit=max(500, len(ids)), documents=False)
    else:
        done = run_sweep(now=now, limit=max(500, len(ids)))
    elapsed = time.perf_counter() - started
    lines = [
        {
            "label": label,
            "page": f"sweep: {len(ids):,} due deadlines",
            "p50_ms": elapsed * 1000,
            "p95_ms": elapsed * 1000,
            "statements": len(statements),
            "runs": 1,
            "acted": done,
        }
    ]
    if deferred:
        from odr.handover.operations import complete_pending

        statements.clear()
        started = time.perf_counter()
        rendered = complete_pending()
        elapsed = time.perf_counter() - started
        lines.append(
            {
                "label": label,
                "page": f"sweep: then {rendered:,} hand-over summaries (PDF)",
                "p50_ms": elapsed * 1000,
                "p95_ms": elapsed * 1000,
                "statements": len(statements),
                "runs": 1,
                "rendered": rendered,
            }
        )
    return lines


def main():
    cfg = config.Testing()
    cfg.SQLALCHEMY_DATABASE_URI = args.url
    cfg.FILE_STORAGE_DIR = "/tmp/odr-bench-files"
    app = create_app(cfg)
    with app.app_context():
        cases = db.session.scalar(sa.text("SELECT count(*) FROM cases"))
        db.session.rollback()
        if args.sweep:
            for line in sweep(app, args.sweep, args.label):
                print(json.dumps({**line, "cases": cases}, ensure_ascii=False), flush=True)
            return
        with db.engine.connect() as conn:
            roles = plan(conn)
    for _role, email, pages in roles:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code in (302, 303), (email, response.status_code)
        for name, path in pages:
            if (args.only and args.only not in name) or any(skip in name for skip in args.skip):
                continue
            with app.app_context():
                result = measure(client, path, args.runs)
            if result is None:
                print(
                    json.dumps({"label": args.label, "cases": cases, "page": name, "failed": True}),
                    flush=True,
                )
                continue
            p50, p95, statements, runs = result
            print(
                json.dumps(
                    {
                        "label": args.label,
                        "cases": cases,
                        "page": name,
                        "p50_ms": round(p50, 1),
                        "p95_ms": round(p95, 1),
                        "statements": statements,
                        "runs": runs,
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
