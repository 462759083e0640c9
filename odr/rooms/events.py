"""Socket.IO handlers of the rooms. Every event checks, from the login session, that the user may
be in the room it names."""

import functools
import threading
import time

from flask import current_app, request, session
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import emit, join_room, leave_room
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from odr.accounts import sessions
from odr.core.db import one_statement, reading
from odr.extensions import db, socketio
from odr.rooms import operations, payloads, presence, ratelimits
from odr.rooms.models import Room, RoomKind

# Which rooms each connection joined, to leave them on disconnect.
_joined: dict[str, set[int]] = {}
_joined_lock = threading.Lock()
PAGE = 50
# A connection that was let into a room is let in again without the whole check (the case's
# parties, seats and invitations) for this many seconds. What may change from one moment to the
# next (the room open, the case in mediation, the member muted) is read where it matters: a
# message is stored only if all three allow it, in the statement that stores it.
DOOR_SECONDS = 10


class Door:
    """A connection's pass into one room: what the events need to know of the room without
    reading it (its id, kind and channel), and when the whole check last let the user in."""

    __slots__ = ("channel", "checked_at", "id", "kind")

    def __init__(self, room):
        self.id, self.kind, self.channel = room.id, room.kind, room.channel
        self.checked_at = time.monotonic()

    @property
    def room(self) -> Room | None:
        """The room itself, read from the database at most once per event (the event's session
        keeps it), for the events that need more than its id."""
        return db.session.get(Room, self.id)

    def fresh(self) -> bool:
        return time.monotonic() - self.checked_at < DOOR_SECONDS


_doors: dict[str, dict[int, Door]] = {}  # sid -> {room id: the pass}


def _error(message, code="refused"):
    return {"ok": False, "error": str(message), "code": code}


def _busy():
    return _error(_("The platform is busy; please try again in a moment."), "busy")


def _door(room_id) -> Door | None:
    """The pass into ROOM_ID if the signed-in user may be in it, else None. Within DOOR_SECONDS of
    the whole check this reads nothing."""
    doors = _doors.setdefault(request.sid, {})
    door = doors.get(room_id)
    if door is not None and door.fresh():
        return door
    room = db.session.get(Room, room_id)
    if room is None or not operations.can_join(room, current_user):
        doors.pop(room_id, None)
        return None
    doors[room_id] = door = Door(room)
    return door


def _me():
    """The signed-in user's id and name, kept with the connection (no database read)."""
    return {"id": int(session["_user_id"]), "name": session.get("odr_name", "")}


def room_event(name):
    """Register HANDLER(door, payload) for the event NAME. Every event is answered: counted against
    the user's limit for NAME, its payload checked, the room's door checked; and when the database
    cannot serve it now, "busy" (nothing was done, the page tries again)."""

    def decorate(handler):
        @functools.wraps(handler)
        def wrapped(data=None, *_args):
            # The user's language was kept with the connection: refusing a flood reads nothing.
            with force_locale(session.get("odr_locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
                return guarded(data)

        def guarded(data):
            try:
                if not ratelimits.allow(name, session.get("_user_id")):
                    return _error(_("You are doing this too often. Please wait a moment."), "rate_limited")
                try:
                    payload = payloads.check(name, data)
                except payloads.Invalid as error:
                    return _error(error, "invalid")
                with reading():  # the door and every read take no write lock (SQLite)
                    door = _door(payload["room_id"])
                    if door is None:
                        return _error(_("You may not enter this room."), "forbidden")
                    return handler(door, payload)
            except SQLAlchemyError:
                # The database stayed busy past its timeout, or no connection was free: nothing was
                # stored; the page sends again with the same client id.
                db.session.rollback()
                current_app.logger.warning("Room event %s not served: database busy", name, exc_info=True)
                return _busy()
            except Exception:
                db.session.rollback()
                current_app.logger.exception("Room event %s failed", name)
                return _error(_("Something went wrong; nothing was changed. Please try again."), "error")

        return socketio.on(name)(wrapped)

    return decorate


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
    user_id = session.get("_user_id")
    if not user_id:
        return False  # refused: no login session
    if not ratelimits.allow("connect", user_id):  # before anything is read
        raise ConnectionRefusedError(_("You are connecting too often. Please wait a moment."))
    if not current_user.is_authenticated:
        return False  # refused: the session's user is gone or disabled
    # Kept with the connection (its own copy of the session) for the events that follow.
    session["odr_name"] = current_user.name
    session["odr_locale"] = str(get_locale())
    if not sessions.socket_connected(request.sid):
        return False  # the login session ended meanwhile
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
    _doors.pop(request.sid, None)
    if not rooms:
        return
    user_id = session.get("_user_id")
    if not user_id:
        return
    # A disconnect can be noticed while another event's transaction is committing (a write to
    # this client's socket failed): use an app context, and so a database session, of its own.
    with current_app.app_context(), reading():
        for room_id in rooms:
            presence.store(current_app).leave(room_id, int(user_id))
            room = db.session.get(Room, room_id)
            if room is not None:
                _broadcast_presence(room)
        db.session.remove()


@room_event("join")
def on_join(door, data):
    """Enter a room. With ``last_seq`` (a reconnecting client) the messages after it come back in
    order; without it, the newest page of history."""
    room = door.room
    if room is None:
        return _error(_("You may not enter this room."), "forbidden")
    join_room(room.channel)
    with _joined_lock:
        first_join = room.id not in _joined.setdefault(request.sid, set())
        _joined[request.sid].add(room.id)
    if first_join:
        presence.store(current_app).enter(room.id, _me()["id"])
    last_seq = data.get("last_seq")
    if last_seq is not None:
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


@room_event("leave")
def on_leave(door, data):
    leave_room(door.channel)
    with _joined_lock:
        was_in = door.id in _joined.get(request.sid, set())
        _joined.get(request.sid, set()).discard(door.id)
    _doors.get(request.sid, {}).pop(door.id, None)
    if was_in:
        presence.store(current_app).leave(door.id, _me()["id"])
        room = door.room
        if room is not None:
            _broadcast_presence(room)
    return {"ok": True}


@room_event("send")
def on_send(door, data):
    """Store a message, then acknowledge it with its number; members receive it after the commit.

    A member of an open room in mediation, not muted, sending a new message: one short write that
    checks all of that and stores (``operations.store_text``), nothing read before it. Anything
    else (a retry of a stored message, a closed or hearing room, a muted member, a case no longer
    in mediation) takes the whole check, which says why or finds the stored message.
    """
    me = _me()
    try:
        body = operations.check_form(data["body"], data["client_id"])
    except operations.RoomError as error:
        return _error(error, error.code)
    db.session.commit()  # the door's reads, if any, end here
    if door.kind != RoomKind.HEARING:  # a hearing room's activity is the arbitration's to say
        message = _store(door, me, body, data["client_id"])
        if message is not None:
            return _stored(message)
    try:
        body, existing = _check_send(door.room, data)
    except operations.RoomError as error:
        return _error(error, error.code)
    if existing is not None:  # a retry of a message already stored: the same number, nothing new
        return _stored(operations.message_dict(existing))
    db.session.commit()  # the reads end here
    message = _store(door, me, body, data["client_id"], checked=True)
    return _stored(message)


def _store(door, me, body, client_id, checked=False):
    """Store the message in one short write (None: the room did not take it without the whole
    check). One sender at a time per room in this process, so that this process's members get the
    numbers in order. CHECKED: the whole check passed (a mediator in a closed room, a hearing)."""
    with operations.room_lock(door.id):
        try:
            with one_statement():
                message = operations.store_text(door.id, door.channel, me, body, client_id, checked=checked)
                db.session.commit()
        except IntegrityError:  # the same message, sent again meanwhile, was stored first
            db.session.rollback()
            with reading():
                existing = operations.stored_message(door.id, me["id"], client_id)
                if existing is None:
                    raise
                message = operations.message_dict(existing)
                db.session.commit()
    return message


def _check_send(room, data):
    """The whole check: (text to store, None) or (None, the message already stored under this
    client id). RoomError says why the message cannot be stored."""
    if room is None:
        raise operations.RoomError(_("You may not enter this room."), "forbidden")
    user = current_user._get_current_object()
    existing = operations.stored_message(room.id, user.id, data["client_id"])
    if existing is not None:
        return None, existing
    return operations.check_text(room, user, data["body"], data["client_id"], member_checked=True), None


def _stored(message):
    return {"ok": True, "seq": message["seq"], "id": message["id"], "created_at": message["created_at"]}


@room_event("sync")
def on_sync(door, data):
    """The messages after ``after_seq`` (a client that saw a gap or came back)."""
    room = door.room
    if room is None:
        return _error(_("You may not enter this room."), "forbidden")
    messages = operations.messages_after(room, data.get("after_seq", 0), limit=500)
    return {
        "ok": True,
        "messages": [operations.message_dict(m) for m in messages],
        "more": bool(messages) and messages[-1].seq < room.last_seq,
        "last_seq": room.last_seq,
    }


@room_event("history")
def on_history(door, data):
    """A page of older messages, before ``before_seq``."""
    room = door.room
    if room is None:
        return _error(_("You may not enter this room."), "forbidden")
    messages = operations.messages_before(room, data.get("before_seq"), limit=PAGE)
    return {
        "ok": True,
        "messages": [operations.message_dict(m) for m in messages],
        "more": bool(messages) and messages[0].seq > 1,
    }


@room_event("typing")
def on_typing(door, data):
    """Tell the other members; within the door's seconds this reads nothing."""
    payload = {
        "room_id": door.id,
        "user": _me(),
        "typing": data.get("typing", False),
    }
    _end_transaction()
    emit("typing", payload, to=door.channel, include_self=False)
    return {"ok": True}


@room_event("read")
def on_read(door, data):
    """Note how far the member has read; one statement, nothing read before it."""
    db.session.commit()  # the door's reads, if any, end here
    with one_statement():
        mark = operations.mark_read(door.id, door.channel, _me()["id"], data["seq"])
        db.session.commit()
    return {"ok": True, "seq": mark}
