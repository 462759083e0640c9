"""Socket.IO events sent only once the transaction that caused them has committed.

Operations call ``emit_after_commit``; a rolled-back transaction sends nothing, so nobody is
told of a message or an event that was never stored.
"""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from odr.extensions import socketio

_KEY = "odr_pending_emits"
logger = logging.getLogger(__name__)


def emit_after_commit(session, name, data, to):
    session.info.setdefault(_KEY, []).append((name, data, to))


@event.listens_for(Session, "after_commit")
def _send(session):
    for name, data, to in session.info.pop(_KEY, []):
        try:
            socketio.emit(name, data, to=to)
        except Exception:  # what was committed stays committed; clients catch up when they sync
            logger.exception("Could not send %s to %s", name, to)


@event.listens_for(Session, "after_rollback")
def _drop(session):
    session.info.pop(_KEY, None)
