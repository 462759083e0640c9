"""Per-user limits on every room event, so that one member flooding the server with any kind of
event (messages, typing, sync, history, ...) is refused and costs the others nothing.

Counted before the event touches the database: in this process's memory (a moving window per user
and event, a few microseconds), or, when RATELIMIT_STORAGE_URI is Redis, in Redis shared by every
process (one round trip).
"""

import functools
import threading
import time
from collections import deque

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EVENTS = ("connect", "join", "leave", "send", "sync", "history", "typing", "read")


class MemoryWindows:
    """Moving windows kept in this process: the times of each key's hits within its window.

    (The `limits` package's memory storage starts a timer thread to expire its counts, one per hit
    on a busy server: more than the event it guards.)"""

    PRUNE_EVERY = 10_000  # hits between sweeps of the keys whose window has emptied

    def __init__(self):
        self._lock = threading.Lock()
        self._hits: dict[tuple, deque] = {}
        self._since_prune = 0

    def hit(self, limit, *key) -> bool:
        now = time.monotonic()
        window = limit.get_expiry()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - window:
                hits.popleft()
            allowed = len(hits) < limit.amount
            if allowed:
                hits.append(now)
            self._since_prune += 1
            if self._since_prune >= self.PRUNE_EVERY:
                self._prune(now)
        return allowed

    def _prune(self, now):
        self._since_prune = 0
        longest = max((parse_limit(text).get_expiry() for text in _configured()), default=3600)
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - longest]:
            del self._hits[key]

    def reset(self):
        with self._lock:
            self._hits.clear()


class SharedWindows:
    """Moving windows counted in Redis (several processes share the counts)."""

    def __init__(self, uri):
        self._limiter = MovingWindowRateLimiter(storage_from_string(uri))

    def hit(self, limit, *key) -> bool:
        return self._limiter.hit(limit, *key)

    def reset(self):
        self._limiter.storage.reset()


_windows = None
_lock = threading.Lock()


def _configured():
    return current_app.config["ROOM_RATE_LIMITS"].values()


def _get_windows():
    global _windows
    if _windows is None:
        with _lock:
            if _windows is None:
                uri = current_app.config["RATELIMIT_STORAGE_URI"]
                _windows = MemoryWindows() if uri.startswith("memory") else SharedWindows(uri)
    return _windows


@functools.lru_cache(maxsize=64)
def parse_limit(text):
    return parse(text)


def allow(event: str, user_id) -> bool:
    """Count one EVENT of USER_ID; False when the user has gone past the event's limit."""
    limit = current_app.config["ROOM_RATE_LIMITS"][event]
    return _get_windows().hit(parse_limit(limit), "room", event, str(user_id))


def reset():
    """Forget every count (tests use this to start from zero)."""
    if _windows is not None:
        _windows.reset()
