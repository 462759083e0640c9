"""How long the deadline sweep takes over 1,000,000 stored deadlines of which 1% are due.

    .venv/bin/python bench/deadline_sweep.py                      # SQLite file in a temp dir
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_deadlines .venv/bin/python bench/deadline_sweep.py

The database named by BENCH_DATABASE_URL is emptied first. The stored deadlines are a mix, as a
platform that has run for a while holds them: most are closed (met, acted on, cancelled) or run
in the future; 1% are pending and past due. The due ones are session reminders whose sessions no
longer exist, so acting on one is the cheapest real action (a look-up, then the deadline is closed
on the audit chain); what is measured is the sweep's own cost.

Printed: the time to find what is due (the query each tick runs, over the index on state and due
time), then the time of the full sweep that claims and acts on every due deadline (in audited
transactions of 50), and a second sweep that finds nothing left.
"""

import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

import config
from odr import create_app
from odr.extensions import db

TOTAL = int(os.environ.get("BENCH_DEADLINES", 1_000_000))
DUE_SHARE = 0.01
COLUMNS = ("kind", "object_type", "object_id", "case_id", "due_at", "state", "extensions", "created_at")
KINDS = [
    "respondent_answer",
    "expert_answer",
    "mediation_period",
    "session_reminder_24h",
    "session_reminder_1h",
]


def rows(now, rng):
    """TOTAL deadlines: 1% pending and due, the rest closed in the past or pending in the future."""
    due = int(TOTAL * DUE_SHARE)
    for n in range(TOTAL):
        if n % (TOTAL // due) == 0 and n // (TOTAL // due) < due:
            # Due: a session reminder of a session that no longer exists (acted on cheaply).
            yield (
                "session_reminder_1h",
                "mediation_sessions",
                -(n + 1),
                None,
                now - timedelta(minutes=rng.randrange(1, 600)),
                "pending",
                0,
                now - timedelta(days=3),
            )
        elif rng.random() < 0.6:
            past = now - timedelta(minutes=rng.randrange(1, 2 * 365 * 24 * 60))
            yield (
                rng.choice(KINDS),
                "cases",
                n,
                None,
                past,
                rng.choice(["met", "missed", "cancelled"]),
                0,
                past - timedelta(days=7),
            )
        else:
            future = now + timedelta(minutes=rng.randrange(1, 60 * 24 * 60))
            yield (rng.choice(KINDS), "cases", n, None, future, "pending", 0, now - timedelta(days=1))


def load(now):
    """Bulk-insert the deadlines: COPY on PostgreSQL, one executemany transaction on SQLite."""
    rng = random.Random(6)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY deadlines ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows(now, rng):
                    copy.write_row(
                        tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row)
                    )
        else:
            fmt = "%Y-%m-%d %H:%M:%S.%f"
            cursor.execute("BEGIN")
            cursor.executemany(
                f"INSERT INTO deadlines ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                (
                    tuple(v.strftime(fmt) if isinstance(v, datetime) else v for v in row)
                    for row in rows(now, rng)
                ),
            )
        raw.commit()
    finally:
        raw.close()


def main():
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    cfg = config.Testing()
    cfg.SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    cfg.FILE_STORAGE_DIR = tmp.name
    app = create_app(cfg)
    with app.app_context():
        from flask_migrate import upgrade

        from odr.deadlines.models import Deadline, DeadlineState
        from odr.deadlines.operations import sweep

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        load(now)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                sa.text("ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE deadlines")
            )
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Deadline))
        due_query = (
            sa.select(Deadline.id)
            .where(Deadline.state == DeadlineState.PENDING, Deadline.due_at <= now)
            .order_by(Deadline.due_at, Deadline.id)
        )
        due = db.session.scalar(sa.select(sa.func.count()).select_from(due_query.subquery()))
        db.session.rollback()
        print(
            f"database: {db.engine.dialect.name}; stored {stored:,} deadlines, {due:,} due; "
            f"loaded in {time.perf_counter() - t0:.1f} s"
        )
        if db.engine.dialect.name == "postgresql":
            plan = (
                db.session.execute(
                    sa.text(
                        "EXPLAIN "
                        + str(due_query.limit(500).compile(db.engine, compile_kwargs={"literal_binds": True}))
                    )
                )
                .scalars()
                .all()
            )
            print("plan of the tick's query:", " / ".join(line.strip() for line in plan[:6]))
            db.session.rollback()

        timings = []
        for _ in range(5):
            t = time.perf_counter()
            db.session.scalars(due_query.limit(500)).all()
            db.session.rollback()
            timings.append(time.perf_counter() - t)
        print(
            f"find the due deadlines (first batch of 500): best {min(timings) * 1000:.1f} ms, "
            f"worst {max(timings) * 1000:.1f} ms"
        )

        t = time.perf_counter()
        done = sweep(now=now)
        elapsed = time.perf_counter() - t
        print(
            f"full sweep: acted on {done:,} deadlines in {elapsed:.2f} s "
            f"({elapsed / max(done, 1) * 1000:.2f} ms each, in audited transactions of 50)"
        )
        t = time.perf_counter()
        again = sweep(now=now)
        print(f"next tick with nothing due: {again} acted on in {(time.perf_counter() - t) * 1000:.1f} ms")
        db.session.remove()
    tmp.cleanup()


if __name__ == "__main__":
    main()
