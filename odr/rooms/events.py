"""Socket.IO handlers of the rooms. Every event checks, from the login session, that the user may
be in the room it names."""

import functools
import threading

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import emit, join_room, leave_room
from sqlalchemy.exc import OperationalError

from odr.accounts import sessions
from odr.extensions import db, socketio
from odr.rooms import operations, presence
from odr.rooms.models import Room

# Which rooms each connection joined, to leave them on disconnect.
_joined: dict[str, set[int]] = {}
_joined_lock = threading.Lock()
PAGE = 50


def _error(message, code="refused"):
    return {"ok": False, "error": str(message), "code": code}


def _room(data):
    """The room named in DATA if the signed-in user may be in it, else None."""
    try:
        room_id = int((data or {}).get("room_id"))
    except (TypeError, ValueError):
        return None
    room = db.session.get(Room, room_id)
    if room is None or not operations.can_join(room, current_user):
        return None
    return room


def room_event(handler):
    """The handler gets the room named in the event's data, or the event is refused."""

    @functools.wraps(handler)
    def wrapped(data=None, *args):
        data = data if isinstance(data, dict) else {}
        room = _room(data)
        if room is None:
            return _error(_("You may not enter this room."), "forbidden")
        return handler(room, data)

    return wrapped


def _online(room):
    from odr.accounts.models import User

    ids = presence.store(current_app).online(room.id)
    users = db.session.query(User.id, User.name).filter(User.id.in_(ids)).all() if ids else []
    return [{"id": uid, "name": name} for uid, name in sorted(users)]


def _broadcast_presence(room):
    data, channel = {"room_id": room.id, "online": _online(room)}, room.channel
    _end_transaction()
    socketio.emit("presence", data, to=channel)


def _end_transaction():
    """Finish this event's reads before writing to sockets: the embedded SQLite database holds its
    write lock for a whole transaction, and other members' messages should not wait on our I/O."""
    db.session.commit()


@socketio.on("connect")
def on_connect(auth=None):
    if not current_user.is_authenticated or not sessions.socket_connected(request.sid):
        return False  # refused: no valid login session
    with _joined_lock:
        _joined[request.sid] = set()
    join_room(f"user:{current_user.id}")  # the user's own channel: notifications reach every open page
    return True


@socketio.on("disconnect")
def on_disconnect(*_args):
    with current_app.app_context():
        sessions.socket_disconnected(request.sid)
        db.session.remove()
    with _joined_lock:
        rooms = _joined.pop(request.sid, set())
    if not rooms:
        return
    user_id = session.get("_user_id")
    if not user_id:
        return
    # A disconnect can be noticed while another event's transaction is committing (a write to
    # this client's socket failed): use an app context, and so a database session, of its own.
    with current_app.app_context():
        for room_id in rooms:
            presence.store(current_app).leave(room_id, int(user_id))
            room = db.session.get(Room, room_id)
            if room is not None:
                _broadcast_presence(room)
        db.session.remove()


@socketio.on("join")
@room_event
def on_join(room, data):
    """Enter a room. With ``last_seq`` (a reconnecting client) the messages after it come back in
    order; without it, the newest page of history."""
    join_room(room.channel)
    with _joined_lock:
        first_join = room.id not in _joined.setdefault(request.sid, set())
        _joined[request.sid].add(room.id)
    if first_join:
        presence.store(current_app).enter(room.id, current_user.id)
    last_seq = data.get("last_seq")
    if isinstance(last_seq, int) and last_seq >= 0:
        messages = operations.messages_after(room, last_seq, limit=500)
        more = bool(messages) and messages[-1].seq < room.last_seq
    else:
        messages = operations.messages_before(room, None, limit=PAGE)
        more = False
    answer = {
        "ok": True,
        "room_id": room.id,
        "kind": room.kind.value,
        "is_open": room.is_open,
        "last_seq": room.last_seq,
        "messages": [operations.message_dict(m) for m in messages],
        "more": more,
        "read_marks": operations.read_marks(room),
        "muted": sorted(operations.muted_users(room)),
        "online": _online(room),
        "mediator": operations.is_mediator(room, current_user),
    }
    _broadcast_presence(room)
    return answer


@socketio.on("leave")
@room_event
def on_leave(room, data):
    leave_room(room.channel)
    with _joined_lock:
        was_in = room.id in _joined.get(request.sid, set())
        _joined.get(request.sid, set()).discard(room.id)
    if was_in:
        presence.store(current_app).leave(room.id, current_user.id)
        _broadcast_presence(room)
    return {"ok": True}


@socketio.on("send")
@room_event
def on_send(room, data):
    """Store a message, then acknowledge it with its number; members receive it after the commit."""
    body = data.get("body")
    if not isinstance(body, str):
        return _error(_("The message is empty."), "invalid")
    # One sender at a time per room in this process, so this process's members get the numbers in order.
    with operations.room_lock(room.id):
        try:
            message, _new = operations.post_message(
                room,
                current_user._get_current_object(),
                body,
                str(data.get("client_id") or ""),
                member_checked=True,
            )
            db.session.commit()
        except operations.RoomError as error:
            db.session.rollback()
            return _error(error, error.code)
        except OperationalError:
            # The database stayed busy past its timeout: nothing was stored; the client resends.
            db.session.rollback()
            current_app.logger.warning("Room %s: message not stored, database busy", room.id)
            return _error(_("The platform is busy; your message will be sent again shortly."), "busy")
    return {"ok": True, "seq": message.seq, "id": message.id, "created_at": message.created_at.isoformat()}


@socketio.on("sync")
@room_event
def on_sync(room, data):
    """The messages after ``after_seq`` (a client that saw a gap or came back)."""
    after = data.get("after_seq")
    after = after if isinstance(after, int) and after >= 0 else 0
    messages = operations.messages_after(room, after, limit=500)
    return {
        "ok": True,
        "messages": [operations.message_dict(m) for m in messages],
        "more": bool(messages) and messages[-1].seq < room.last_seq,
        "last_seq": room.last_seq,
    }


@socketio.on("history")
@room_event
def on_history(room, data):
    """A page of older messages, before ``before_seq``."""
    before = data.get("before_seq")
    before = before if isinstance(before, int) and before > 0 else None
    messages = operations.messages_before(room, before, limit=PAGE)
    return {
        "ok": True,
        "messages": [operations.message_dict(m) for m in messages],
        "more": bool(messages) and messages[0].seq > 1,
    }


@socketio.on("typing")
@room_event
def on_typing(room, data):
    payload = {
        "room_id": room.id,
        "user": {"id": current_user.id, "name": current_user.name},
        "typing": bool(data.get("typing")),
    }
    channel = room.channel
    _end_transaction()
    emit("typing", payload, to=channel, include_self=False)
    return {"ok": True}


@socketio.on("read")
@room_event
def on_read(room, data):
    seq = data.get("seq")
    if not isinstance(seq, int):
        return _error(_("Invalid read mark."), "invalid")
    mark = operations.mark_read(room, current_user._get_current_object(), seq)
    db.session.commit()
    return {"ok": True, "seq": mark}
