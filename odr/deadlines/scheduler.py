"""The periodic jobs: every SCHEDULER_SECONDS, act on the deadlines that have fallen due and send
the mail waiting, and, as a job of its own, fold new events into the statistics; every
AUDIT_CHECKPOINT_SECONDS, sign a checkpoint of the audit chain.

With several processes only one sweeps: the holder of a PostgreSQL advisory lock, kept on a
connection of its own for the life of the process. The others try at each tick and take over as
soon as the holder dies (its connection closes and the lock is released). The embedded SQLite
default has one process, which always sweeps.
"""

import logging
import threading

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from odr.extensions import db

logger = logging.getLogger(__name__)
LEADER_LOCK_KEY = 72_0423_0007


class Leadership:
    """Whether this process is the one that sweeps."""

    def __init__(self, engine):
        self.engine = engine
        self.connection = None
        self.lock = threading.Lock()

    def held(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        with self.lock:
            if self.connection is not None:
                try:
                    self.connection.execute(sa.text("SELECT 1"))
                    return True
                except sa.exc.DBAPIError:
                    self.connection = None  # the connection died, and the lock with it
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if connection.execute(sa.select(sa.func.pg_try_advisory_lock(LEADER_LOCK_KEY))).scalar():
                self.connection = connection
                logger.info("This process now runs the deadline sweep")
                return True
            connection.close()
            return False

    def release(self):
        with self.lock:
            if self.connection is not None:
                # The pool would keep the connection, and the lock with it: unlock and drop it.
                try:
                    self.connection.execute(sa.select(sa.func.pg_advisory_unlock(LEADER_LOCK_KEY)))
                finally:
                    self.connection.invalidate()
                    self.connection.close()
                    self.connection = None


def tick(app, leadership):
    """One sweep, if this process leads."""
    from odr.deadlines.operations import sweep

    with app.app_context():
        try:
            if leadership.held():
                done = sweep()
                if done:
                    logger.info("Deadline sweep acted on %d deadlines", done)
                from odr.notifications.mail import deliver

                deliver()
        except Exception:  # the next tick tries again
            logger.exception("Deadline sweep failed")
        finally:
            db.session.remove()


def statistics_tick(app, leadership):
    """Fold what happened since the last tick into the statistics' rollups (odr.stats), if this
    process leads. A job of its own: building the rollups the first time, over years of cases, takes
    minutes, and the time limits must not wait for it."""
    from odr.stats.facts import refresh

    with app.app_context():
        try:
            if leadership.held():
                refresh()
                db.session.commit()
        except Exception:  # the figures lag a tick
            db.session.rollback()
            logger.exception("Refreshing the statistics failed")
        finally:
            db.session.remove()


def _schedule(scheduler, app):
    leadership = Leadership(db.engine)
    seconds = app.config["SCHEDULER_SECONDS"]
    # coalesce + no misfire grace limit: a tick missed while busy or down is run once, never dropped.
    for job, name in ((tick, "deadline-sweep"), (statistics_tick, "statistics-refresh")):
        scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            args=(app, leadership),
            id=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            next_run_time=_now(),
        )
    if app.config.get("AUDIT_CHECKPOINT_SECONDS"):
        scheduler.add_job(
            checkpoint_tick,
            "interval",
            seconds=app.config["AUDIT_CHECKPOINT_SECONDS"],
            args=(app, leadership),
            id="audit-checkpoint",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    return leadership


def checkpoint_tick(app, leadership):
    """Sign the audit chain's head, if it moved since the last checkpoint (odr.audit.checkpoints)."""
    from odr.audit.checkpoints import make_checkpoint

    with app.app_context():
        try:
            if leadership.held():
                make_checkpoint("interval")
                db.session.commit()
        except Exception:  # the next interval tries again
            db.session.rollback()
            logger.exception("Signing an audit checkpoint failed")
        finally:
            db.session.remove()


def _now():
    from odr.core.db import utcnow

    return utcnow()


def start_in_background(app):
    """Run the sweep inside this (web) process."""
    with app.app_context():
        scheduler = BackgroundScheduler(timezone="UTC")
        leadership = _schedule(scheduler, app)
    scheduler.start()
    app.extensions["odr_scheduler"] = (scheduler, leadership)
    return scheduler


def run_forever(app):
    """`flask odr scheduler`: the sweep as a process of its own."""
    with app.app_context():
        scheduler = BlockingScheduler(timezone="UTC")
        leadership = _schedule(scheduler, app)
    try:
        scheduler.start()
    finally:
        leadership.release()
