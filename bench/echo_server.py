"""A bare Socket.IO server speaking the rooms' protocol (join, send, msg) with nothing behind it:
no login, no database. bench/rooms_load.py measures it beside the platform, in the same run, in
the same async mode:

    python bench/echo_server.py PORT [threading|gevent]
"""

import sys

if __name__ == "__main__" and sys.argv[2:3] == ["gevent"]:
    from gevent import monkey

    monkey.patch_all()

import threading

from flask import Flask
from flask_socketio import SocketIO, join_room

app = Flask(__name__)
socketio = SocketIO(app, async_mode=(sys.argv[2:3] or ["threading"])[0])
counters: dict[int, int] = {}
lock = threading.Lock()


@socketio.on("join")
def join(data):
    join_room(f"room:{data['room_id']}")
    return {"ok": True, "last_seq": counters.get(data["room_id"], 0), "messages": []}


@socketio.on("send")
def send(data):
    room_id = data["room_id"]
    with lock:
        counters[room_id] = seq = counters.get(room_id, 0) + 1
        socketio.emit("msg", {"room_id": room_id, "seq": seq, "body": data["body"]}, to=f"room:{room_id}")
    return {"ok": True, "seq": seq}


@socketio.on("typing")
def typing(data):
    return {"ok": True}


if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=int(sys.argv[1]), allow_unsafe_werkzeug=True, log_output=False)
