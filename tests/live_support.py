"""Signing in over HTTP and talking to a real server over Socket.IO (python-socketio client)."""

import functools
import re
import threading
import uuid

import requests
import socketio

DEMO_PASSWORD = "Demo-2026!"


def login_cookie(base_url, email, password=DEMO_PASSWORD) -> str:
    """Sign in through the login form and return the session cookie header."""
    http = requests.Session()
    page = http.get(base_url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = http.post(
        base_url + "/login",
        data={"csrf_token": token, "email": email, "password": password},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def joint_room_id(base_url, cookie, case_title) -> int:
    page = requests.get(base_url + "/cases", headers={"Cookie": cookie}, timeout=10).text
    case_id = re.search(r'href="/cases/(\d+)">' + re.escape(case_title), page).group(1)
    page = requests.get(f"{base_url}/cases/{case_id}", headers={"Cookie": cookie}, timeout=10).text
    return int(re.search(r'href="/rooms/(\d+)" data-testid="room-joint"', page).group(1))


class Member:
    """One connected member of a room, recording every message event it receives."""

    def __init__(self, base_url, cookie, room_id):
        self.url, self.cookie, self.room_id = base_url, cookie, room_id
        self.received = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("msg", self._on_message)

    def _on_message(self, message):
        if message["room_id"] == self.room_id:
            with self.lock:
                self.received.append(message)

    def connect(self, last_seq=None):
        self.client.connect(
            self.url, headers={"Cookie": self.cookie}, transports=["websocket"], wait_timeout=10
        )
        payload = {"room_id": self.room_id}
        if last_seq is not None:
            payload["last_seq"] = last_seq
        answer = self.client.call("join", payload, timeout=10)
        assert answer["ok"], answer
        return answer

    def send(self, body, client_id=None):
        return self.client.call(
            "send",
            {"room_id": self.room_id, "client_id": client_id or uuid.uuid4().hex, "body": body},
            timeout=20,
        )

    def seqs(self):
        with self.lock:
            return [m["seq"] for m in self.received]

    def disconnect(self):
        if self.client.connected:
            # The client library's read loop and its close() both read the socket; when the loop takes
            # the server's close frame, close() waits its whole timeout (3 s) for it. Wait briefly.
            ws = getattr(self.client.eio, "ws", None)
            if ws is not None:
                ws.close = functools.partial(ws.close, timeout=0.2)
            self.client.disconnect()
