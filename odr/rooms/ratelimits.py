"""Per-user limits on every room event, so that one member flooding the server with any kind of
event (messages, typing, sync, history, ...) is refused and costs the others nothing.

Counted in RATELIMIT_STORAGE_URI (memory, or Redis shared by several processes), before the event
touches the database.
"""

import functools
import threading

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EVENTS = ("connect", "join", "leave", "send", "sync", "history", "typing", "read")

_limiter = None
_lock = threading.Lock()


def _get_limiter():
    global _limiter
    with _lock:
        if _limiter is None:
            _limiter = MovingWindowRateLimiter(
                storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
            )
    return _limiter


@functools.lru_cache(maxsize=64)
def _parse(text):
    return parse(text)


def allow(event: str, user_id) -> bool:
    """Count one EVENT of USER_ID; False when the user has gone past the event's limit."""
    limit = current_app.config["ROOM_RATE_LIMITS"][event]
    return _get_limiter().hit(_parse(limit), "room", event, str(user_id))


def reset():
    """Forget every count (tests use this to start from zero)."""
    if _limiter is not None:
        _limiter.storage.reset()
