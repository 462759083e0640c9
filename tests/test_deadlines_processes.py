"""Two scheduler processes (`flask odr scheduler`) against one database: each due deadline is
acted on once, and when the leading process is killed the other takes over. Real processes,
committed data (cleaned up afterwards); with PostgreSQL, the leader holds an advisory lock."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState

ROOT = Path(__file__).resolve().parent.parent


def _start(app):
    env = {
        **os.environ,
        "ODR_CONFIG": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FILE_STORAGE_DIR": app.config["FILE_STORAGE_DIR"],
        "SCHEDULER_SECONDS": "1",
        "SCHEDULER_IN_WEB_PROCESS": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "odr", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _add_due(db, count, offset):
    rows = [
        Deadline(
            kind=DeadlineKind.SESSION_REMINDER_1H,
            object_type="mediation_sessions",
            object_id=-(offset + n + 1),
            due_at=datetime.now(UTC) - timedelta(minutes=1),
            state=DeadlineState.PENDING,
        )
        for n in range(count)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [d.id for d in rows]


def _wait_until_acted(db, ids, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        left = db.session.scalar(
            sa.select(sa.func.count()).where(Deadline.id.in_(ids), Deadline.state == DeadlineState.PENDING)
        )
        db.session.rollback()
        if left == 0:
            return True
        time.sleep(0.2)
    return False


def _leaders(db):
    from odr.deadlines.scheduler import LEADER_LOCK_KEY

    count = db.session.scalar(
        sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = :key"
        ),
        {"key": LEADER_LOCK_KEY},
    )
    db.session.rollback()
    return count


def test_two_scheduler_processes_act_once_and_the_standby_takes_over(app):
    from odr.audit.models import AuditEntry
    from odr.extensions import db

    processes, ids = [], []
    with app.app_context():
        head = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.position), 0)))
        db.session.rollback()
        try:
            first = _start(app)
            processes.append(first)
            batch = _add_due(db, 20, 0)
            ids += batch
            assert _wait_until_acted(db, batch), "the first scheduler did not sweep"
            second = _start(app)
            processes.append(second)
            time.sleep(3)  # the second one has started and tries to lead at its ticks
            batch = _add_due(db, 40, 100)
            ids += batch
            assert _wait_until_acted(db, batch)
            if db.engine.dialect.name == "postgresql":
                assert _leaders(db) == 1  # one process holds the lock; the other stands by
            # The leader dies without a word; the standby takes over at its next tick.
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
            batch = _add_due(db, 20, 200)
            ids += batch
            assert _wait_until_acted(db, batch), "the standby did not take over"
            acted = db.session.scalars(
                sa.select(AuditEntry.object_id).where(
                    AuditEntry.action == "deadline.acted", AuditEntry.position > head
                )
            ).all()
            assert sorted(acted) == sorted(ids)  # each deadline once
            assert second.poll() is None  # still running
        finally:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    try:
                        process.wait(10)
                    except subprocess.TimeoutExpired:
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait(10)
            db.session.rollback()
            db.session.execute(sa.delete(AuditEntry).where(AuditEntry.position > head))
            db.session.execute(sa.delete(Deadline).where(Deadline.id.in_(ids or [0])))
            db.session.commit()
            db.session.remove()
