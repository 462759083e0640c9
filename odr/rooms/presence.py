"""Who is in which room right now.

One process keeps the count in memory. With several processes (SOCKETIO_MESSAGE_QUEUE set to a
Redis URL) the counts live in Redis, so every process answers the same. A process that dies
without saying goodbye leaves its counts behind until they expire (a day) or the users return.
"""

import threading
from collections import Counter, defaultdict

PRESENCE_TTL = 24 * 3600


class MemoryPresence:
    def __init__(self):
        self._lock = threading.Lock()
        self._rooms: dict[int, Counter] = defaultdict(Counter)

    def enter(self, room_id, user_id):
        with self._lock:
            self._rooms[room_id][user_id] += 1

    def leave(self, room_id, user_id):
        with self._lock:
            counts = self._rooms[room_id]
            counts[user_id] -= 1
            if counts[user_id] <= 0:
                del counts[user_id]

    def online(self, room_id) -> set[int]:
        with self._lock:
            return set(self._rooms[room_id])


class RedisPresence:
    def __init__(self, url):
        import redis

        self._redis = redis.Redis.from_url(url)

    def _key(self, room_id):
        return f"odr:presence:{room_id}"

    def enter(self, room_id, user_id):
        pipe = self._redis.pipeline()
        pipe.hincrby(self._key(room_id), str(user_id), 1)
        pipe.expire(self._key(room_id), PRESENCE_TTL)
        pipe.execute()

    def leave(self, room_id, user_id):
        if self._redis.hincrby(self._key(room_id), str(user_id), -1) <= 0:
            self._redis.hdel(self._key(room_id), str(user_id))

    def online(self, room_id) -> set[int]:
        return {int(k) for k, v in self._redis.hgetall(self._key(room_id)).items() if int(v) > 0}


_store = None


def store(app):
    global _store
    if _store is None:
        url = app.config.get("SOCKETIO_MESSAGE_QUEUE")
        _store = RedisPresence(url) if url and url.startswith("redis") else MemoryPresence()
    return _store
