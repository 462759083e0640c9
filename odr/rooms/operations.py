"""What happens in rooms: who may enter, storing and numbering messages, the mediator's controls."""

import functools
import json
import threading
from collections import defaultdict

import sqlalchemy as sa
from blinker import ANY
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from odr.accounts.models import User
from odr.audit.operations import record
from odr.cases import workflow
from odr.cases.models import Case, CaseState
from odr.cases.workflow import Capacity
from odr.core import storage
from odr.core.db import utcnow
from odr.core.emits import emit_after_commit
from odr.core.failures import UserError
from odr.extensions import db
from odr.rooms.models import MEDIATION_ROOMS, Message, MessageKind, Mute, ReadMark, Room, RoomKind

ACTIVE_STATES = (CaseState.MEDIATING,)
# Whether a hearing room is in use: the arbitration package says (the case itself is "referred" then).
HEARING_ACTIVE: list = []
# Who else may take part in a room's sessions (e.g. the arbitrators): functions case -> users.
PARTICIPANT_SOURCES: list = []
FILE_TYPES = ("application/pdf", "image/png", "image/jpeg")


class RoomError(UserError):
    """Something a user may not do in a room; the message is shown to them."""

    def __init__(self, message, code="refused"):
        super().__init__(message)
        self.code = code


# Rooms of a case -----------------------------------------------------------------------------------


def ensure_rooms(case: Case, kinds=MEDIATION_ROOMS) -> list[Room]:
    """The joint room and one caucus room per side (or the KINDS asked for), created once."""
    existing = {r.kind: r for r in db.session.scalars(sa.select(Room).where(Room.case_id == case.id))}
    for kind in kinds:
        if kind not in existing:
            existing[kind] = Room(case=case, kind=kind, is_open=False, last_seq=0, invited=[])
            db.session.add(existing[kind])
    db.session.flush()
    return [existing[k] for k in kinds]


def ensure_hearing_room(case: Case) -> Room:
    """The room where the arbitral tribunal hears the parties (the tribunal is in charge)."""
    return ensure_rooms(case, (RoomKind.HEARING,))[0]


@workflow.transitioned.connect_via(ANY, weak=False)
def _rooms_for_mediation(case, *, target, **_):
    if target == CaseState.MEDIATING:
        ensure_rooms(case)


def is_mediator(room: Room, user) -> bool:
    """Whether USER is in charge of ROOM: a mediator of the case, or in a hearing room the presiding
    (or sole) arbitrator."""
    if room.kind == RoomKind.HEARING:
        return Capacity.PRESIDING_ARBITRATOR in workflow.capacities(room.case, user)
    return Capacity.MEDIATOR in workflow.capacities(room.case, user)


def can_join(room: Room, user) -> bool:
    """Parties of the side (both sides in the joint room), the mediators, and whoever the mediator
    invited into the joint room (a technical investigator)."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    case = room.case
    if room.kind == RoomKind.HEARING and Capacity.ARBITRATOR in workflow.capacities(case, user):
        return True
    if is_mediator(room, user):
        return True
    party = case.party_of(user)
    if party is not None:
        return room.kind in (RoomKind.JOINT, RoomKind.HEARING) or room.kind.side == party.side
    if room.kind == RoomKind.JOINT and user.id in (room.invited or []):
        # Invited while serving on the case; an expert released from it no longer comes in.
        return bool(workflow.capacities(case, user) - RELEASED)
    return False


RELEASED = frozenset({Capacity.FORMER_MEDIATOR, Capacity.FORMER_INVESTIGATOR})
TRIBUNAL_RECORD = frozenset({Capacity.ARBITRATOR, Capacity.PRESIDING_ARBITRATOR, Capacity.ARBITRATION_CLERK})


def record_readers(room: Room) -> frozenset:
    """Who, besides those who may be in ROOM, reads its record (transcript, sessions, minutes): the
    tribunal and the commission's clerk for the hearing room; for the mediation rooms the mediators,
    also once released (they chaired them), and for the joint room the clerk who keeps the file. A
    caucus is private to its side and the mediator: the clerk does not read it."""
    if room.kind == RoomKind.HEARING:
        return TRIBUNAL_RECORD
    if room.kind == RoomKind.JOINT:
        return frozenset({Capacity.MEDIATOR, Capacity.FORMER_MEDIATOR, Capacity.CLERK})
    return frozenset({Capacity.MEDIATOR, Capacity.FORMER_MEDIATOR})


def can_read_record(room: Room, user) -> bool:
    """Whether USER may read ROOM's transcript and the records of its sessions."""
    if user is None or not user.is_authenticated or not room.case.can_view(user):
        return False
    return can_join(room, user) or bool(workflow.capacities(room.case, user) & record_readers(room))


def rooms_for(case: Case, user) -> list[Room]:
    rooms = db.session.scalars(sa.select(Room).where(Room.case_id == case.id).order_by(Room.id)).all()
    return [r for r in rooms if can_join(r, user)]


# Messages ------------------------------------------------------------------------------------------


def _next_seq(room: Room) -> int:
    """Take the room's next number in this transaction: concurrent senders queue on the row."""
    rooms = Room.__table__
    seq = db.session.execute(
        sa.update(rooms)
        .where(rooms.c.id == room.id)
        .values(last_seq=rooms.c.last_seq + 1)
        .returning(rooms.c.last_seq)
    ).scalar_one()
    room.last_seq = seq
    sa.orm.attributes.set_committed_value(room, "last_seq", seq)
    return seq


def message_dict(message: Message) -> dict:
    sender = message.sender
    data = {
        "room_id": message.room_id,
        "seq": message.seq,
        "id": message.id,
        "kind": message.kind.value,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "sender": {"id": sender.id, "name": sender.name} if sender else None,
        "client_id": message.client_id,
    }
    if message.kind == MessageKind.FILE:
        data["file"] = {
            "name": message.file_name,
            "size": message.file_size,
            "type": message.file_type,
            "sha256": message.file_sha256,
        }
    return data


def _store(room: Room, *, sender, kind, body="", client_id=None, **file_fields) -> Message:
    message = Message(
        room_id=room.id,
        seq=_next_seq(room),
        sender=sender,
        client_id=client_id,
        kind=kind,
        body=body,
        created_at=utcnow(),
        **file_fields,
    )
    db.session.add(message)
    db.session.flush()
    emit_after_commit(db.session, "msg", message_dict(message), room.channel)
    return message


INACTIVE_TEXT = _l("This case is not in mediation; the room is read-only.")


def is_active(room: Room) -> bool:
    """Whether people can talk in ROOM now: mediation rooms while the case is in mediation, the
    hearing room while the arbitration is before its tribunal."""
    if room.kind == RoomKind.HEARING:
        return any(check(room.case) for check in HEARING_ACTIVE)
    return room.case.state in ACTIVE_STATES


def _check_can_post(room: Room, user, *, member_checked=False):
    if not member_checked and not can_join(room, user):
        raise RoomError(_l("You are not a member of this room."), "forbidden")
    if not is_active(room):
        raise RoomError(INACTIVE_TEXT, "closed")
    if not room.is_open and not is_mediator(room, user):
        raise RoomError(_l("The mediator has not opened this room."), "closed")
    if db.session.get(Mute, (room.id, user.id)) is not None:
        raise RoomError(_l("The mediator has muted you in this room."), "muted")


def why_not_post(room: Room, user) -> str | None:
    """Why USER cannot write in ROOM now (shown beside the disabled text box), or None if they can."""
    try:
        _check_can_post(room, user)
    except RoomError as error:
        return str(error)
    return None


CLIENT_ID_MAX = Message.client_id.type.length


def _check_client_id(client_id, *, required):
    """The page names each message it sends, so that a retry is stored once. An id longer than the
    column is refused, never cut: two ids that differ only past the cut would be one message."""
    if client_id is None and not required:
        return
    if not isinstance(client_id, str) or not client_id.strip():
        raise RoomError(_l("The message has no client id."), "invalid")
    if len(client_id) > CLIENT_ID_MAX:
        raise RoomError(
            _l("The message's client id is too long (at most %(limit)d characters).", limit=CLIENT_ID_MAX),
            "invalid",
        )


def stored_message(room_id: int, user_id: int, client_id: str) -> Message | None:
    """USER_ID's message of CLIENT_ID in the room, if it was stored already (a retried send)."""
    return db.session.scalar(
        sa.select(Message).where(
            Message.room_id == room_id, Message.sender_id == user_id, Message.client_id == client_id
        )
    )


def check_text(room: Room, user: User, body: str, client_id: str, *, member_checked=False) -> str:
    """The text USER may post in ROOM now, stripped; RoomError says why not. Only reads."""
    _check_client_id(client_id, required=True)
    _check_can_post(room, user, member_checked=member_checked)
    return _check_body(body)


def check_form(body, client_id) -> str:
    """The text of a message as it may be stored (stripped), if its client id and size are
    acceptable; RoomError says why not. Reads nothing."""
    _check_client_id(client_id, required=True)
    return _check_body(body)


def _check_body(body) -> str:
    body = (body or "").strip()
    if not body:
        raise RoomError(_l("The message is empty."), "invalid")
    limit = current_app.config["ROOM_MESSAGE_MAX_CHARS"]
    if len(body) > limit:
        raise RoomError(
            _l("The message is too long (at most %(limit)d characters).", limit=limit), "too_long"
        )
    return body


@functools.cache
def _store_statements(one_statement: bool, checked: bool):
    """The statements of ``store_text``, built once: (None, insert) for PostgreSQL, where the
    room's number is bumped in a CTE of the insert; (bump, insert) for SQLite."""
    rooms, messages, mutes, cases = Room.__table__, Message.__table__, Mute.__table__, Case.__table__
    # Parameters are named apart from the columns: an UPDATE executed with a parameter named as one
    # of the table's columns would set that column.
    room_id, user_id = sa.bindparam("new_room_id"), sa.bindparam("new_sender_id")
    takes_it = [
        ~sa.exists().where(
            messages.c.room_id == room_id,
            messages.c.sender_id == user_id,
            messages.c.client_id == sa.bindparam("new_client_id"),
        )
    ]
    if not checked:
        takes_it += [
            rooms.c.is_open.is_(True),
            sa.exists().where(cases.c.id == rooms.c.case_id, cases.c.state.in_(ACTIVE_STATES)),
            ~sa.exists().where(mutes.c.room_id == room_id, mutes.c.user_id == user_id),
        ]
    bump = (
        sa.update(rooms)
        .where(rooms.c.id == room_id, *takes_it)
        .values(last_seq=rooms.c.last_seq + 1)
        .returning(rooms.c.last_seq)
    )
    names = ("room_id", "sender_id", "client_id", "kind", "body", "created_at")
    if not one_statement:
        insert = sa.insert(messages).values(
            seq=sa.bindparam("new_seq"),
            **{n: sa.bindparam(f"new_{n}", type_=messages.c[n].type) for n in names},
        )
        return bump, insert.returning(messages.c.id)
    bumped = bump.cte("bumped")
    insert = sa.insert(messages).from_select(
        ["seq", *names],
        sa.select(bumped.c.last_seq, *(sa.bindparam(f"new_{n}", type_=messages.c[n].type) for n in names)),
    )
    return None, insert.returning(messages.c.id, messages.c.seq)


def store_text(
    room_id: int, channel: str, sender: dict, body: str, client_id: str, *, checked=False
) -> dict | None:
    """Store a text message already checked for its form (``check_form``) in one short write, if
    the room takes it without further questions: the room open, the case in mediation, the sender
    not muted, and no message of theirs stored under CLIENT_ID. The room's number is bumped and the
    message inserted together, checks included: one statement on PostgreSQL (committed on its own,
    no BEGIN or COMMIT sent), two in one transaction on SQLite. Members receive it once committed.
    SENDER: {"id", "name"}.

    Returns the message, or None when nothing was stored and the whole check must say why (or find
    the message a retry already stored). CHECKED: the whole check has passed (a mediator writing
    in a closed room, a hearing room): the room takes it as it is. The caller commits, holding
    ``room_lock(room_id)``.

    A concurrent retry of the same client id makes the insert fail (IntegrityError): nothing is
    stored or numbered; the caller rolls back and answers with the message already stored.
    """
    created_at = utcnow()
    params = {
        "new_room_id": room_id,
        "new_sender_id": sender["id"],
        "new_client_id": client_id,
        "new_kind": MessageKind.TEXT,
        "new_body": body,
        "new_created_at": created_at,
    }
    dialect = db.session.get_bind().dialect.name
    bump, insert = _store_statements(dialect == "postgresql", checked)
    if bump is None:  # PostgreSQL: the number and the message in one statement
        row = db.session.execute(insert, params).first()
    else:
        keys = ("new_room_id", "new_sender_id", "new_client_id")
        seq = db.session.execute(bump, {k: params[k] for k in keys}).scalar()
        row = None
        if seq is not None:
            row = (db.session.execute(insert, {**params, "new_seq": seq}).scalar_one(), seq)
    if row is None:
        return None
    message_id, seq = row
    data = {
        "room_id": room_id,
        "seq": seq,
        "id": message_id,
        "kind": MessageKind.TEXT.value,
        "body": body,
        "created_at": created_at.isoformat(),
        "sender": sender,
        "client_id": client_id,
    }
    emit_after_commit(db.session, "msg", data, channel)
    return data


def post_message(
    room: Room, user: User, body: str, client_id: str, *, member_checked=False
) -> tuple[Message, bool]:
    """Store USER's text message once per CLIENT_ID, in the caller's transaction; returns
    (message, newly stored). The rooms' socket handler uses the shorter ``store_text``.

    MEMBER_CHECKED: the caller has just checked that USER may be in ROOM.
    """
    _check_client_id(client_id, required=True)
    existing = stored_message(room.id, user.id, client_id)
    if existing is not None:
        return existing, False  # a retry of a message already stored: the same number, nothing new
    body = check_text(room, user, body, client_id, member_checked=member_checked)
    return _store(room, sender=user, kind=MessageKind.TEXT, body=body, client_id=client_id), True


def share_file(room: Room, user: User, filename: str, data: bytes, client_id: str | None = None) -> Message:
    """Share a file into the room: kept by SHA-256, and its deposit recorded on the audit chain."""
    _check_client_id(client_id, required=False)
    _check_can_post(room, user)
    stored = storage.store(data, allowed=FILE_TYPES, max_size=current_app.config["ROOM_FILE_MAX_BYTES"])
    message = _store(
        room,
        sender=user,
        kind=MessageKind.FILE,
        body=filename[:255],
        client_id=client_id,
        file_sha256=stored.sha256,
        file_name=filename[:255],
        file_size=stored.size,
        file_type=stored.content_type,
    )
    record(
        "room.file_shared",
        message,
        case=room.case,
        actor=user,
        details={
            "room": room.kind.value,
            "seq": message.seq,
            "sha256": stored.sha256,
            "size": stored.size,
            "name": filename[:255],
        },
    )
    return message


def post_system(room: Room, code: str, /, **params) -> Message:
    """A notice from the platform in the room (session started, expert joined, ...).

    It is stored as a code and its parameters, so every reader sees it in their own language. ROOM and
    CODE are positional only: a notice may well have a parameter named `room` (the room moved to).
    """
    return _store(
        room,
        sender=None,
        kind=MessageKind.SYSTEM,
        body=json.dumps({"code": code, "params": params}, ensure_ascii=False),
    )


def post_system_to_case(case: Case, code: str, /, kind: RoomKind = RoomKind.JOINT, **params):
    room = db.session.scalar(sa.select(Room).where(Room.case_id == case.id, Room.kind == kind))
    if room is not None:
        post_system(room, code, **params)


def messages_after(room: Room, after_seq: int, limit: int = 200) -> list[Message]:
    return db.session.scalars(
        sa.select(Message)
        .where(Message.room_id == room.id, Message.seq > after_seq)
        .order_by(Message.seq)
        .limit(limit)
    ).all()


def messages_before(room: Room, before_seq: int | None, limit: int = 50) -> list[Message]:
    """A page of history ending just before BEFORE_SEQ (the newest page when None), oldest first."""
    query = sa.select(Message).where(Message.room_id == room.id)
    if before_seq is not None:
        query = query.where(Message.seq < before_seq)
    page = db.session.scalars(query.order_by(Message.seq.desc()).limit(limit)).all()
    return list(reversed(page))


def mark_read(room_id: int, channel: str, user_id: int, seq: int) -> int:
    """Note that USER_ID has read ROOM_ID up to SEQ (never beyond the room's last number, never
    back): one statement, an insert or an update of the mark. The members are told once committed."""
    marks, rooms = ReadMark.__table__, Room.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(marks)
    upto = (
        sa.select(sa.case((rooms.c.last_seq < seq, rooms.c.last_seq), else_=max(0, int(seq))))
        .where(rooms.c.id == room_id)
        .scalar_subquery()
    )
    now = utcnow()
    mark = db.session.execute(
        insert.values(room_id=room_id, user_id=user_id, seq=upto, updated_at=now)
        .on_conflict_do_update(
            index_elements=[marks.c.room_id, marks.c.user_id],
            set_={"seq": insert.excluded.seq, "updated_at": now},
            where=insert.excluded.seq > marks.c.seq,
        )
        .returning(marks.c.seq)
    ).scalar()
    if mark is None:  # the mark was already there or further
        mark = db.session.scalar(
            sa.select(marks.c.seq).where(marks.c.room_id == room_id, marks.c.user_id == user_id)
        )
    emit_after_commit(db.session, "read", {"room_id": room_id, "user_id": user_id, "seq": mark}, channel)
    return mark


def read_marks(room: Room) -> dict[int, int]:
    return dict(
        db.session.execute(sa.select(ReadMark.user_id, ReadMark.seq).where(ReadMark.room_id == room.id)).all()
    )


# The mediator's controls ---------------------------------------------------------------------------


def _require_mediator(room: Room, user):
    if not is_mediator(room, user):
        raise RoomError(_l("Only the mediator can do this."), "forbidden")


def set_open(room: Room, mediator: User, is_open: bool):
    _require_mediator(room, mediator)
    if room.is_open == is_open:
        return
    room.is_open = is_open
    record(
        "room.opened" if is_open else "room.closed",
        room,
        case=room.case,
        actor=mediator,
        details={"room": room.kind.value},
    )
    post_system(room, "room_opened" if is_open else "room_closed")
    emit_after_commit(db.session, "room_state", {"room_id": room.id, "is_open": is_open}, room.channel)


def can_be_muted(room: Room, user: User) -> bool:
    """Whether the mediator may mute USER in ROOM: a member who is not a mediator of it."""
    return can_join(room, user) and not is_mediator(room, user)


def set_muted(room: Room, mediator: User, target: User, muted: bool):
    _require_mediator(room, mediator)
    if not can_be_muted(room, target):
        raise RoomError(_l("This person cannot be muted here."), "invalid")
    mute = db.session.get(Mute, (room.id, target.id))
    if muted and mute is None:
        db.session.add(Mute(room_id=room.id, user_id=target.id, muted_by_id=mediator.id))
    elif not muted and mute is not None:
        db.session.delete(mute)
    else:
        return
    record(
        "room.muted" if muted else "room.unmuted",
        room,
        case=room.case,
        actor=mediator,
        details={"room": room.kind.value, "user_id": target.id},
    )
    post_system(room, "muted" if muted else "unmuted", name=target.name)
    emit_after_commit(
        db.session, "muted", {"room_id": room.id, "user_id": target.id, "muted": muted}, room.channel
    )


def muted_users(room: Room) -> set[int]:
    return set(db.session.scalars(sa.select(Mute.user_id).where(Mute.room_id == room.id)))


def invite(room: Room, mediator: User, guest: User):
    """Invite someone who serves on the case (a technical investigator) into the joint room."""
    _require_mediator(room, mediator)
    if room.kind != RoomKind.JOINT or not room.case.can_view(guest):
        raise RoomError(_l("Only someone serving on the case can be invited into the joint room."), "invalid")
    if guest.id in (room.invited or []):
        return
    room.invited = [*(room.invited or []), guest.id]
    record("room.invited", room, case=room.case, actor=mediator, details={"user_id": guest.id})
    post_system(room, "invited", name=guest.name)


def move_to(room: Room, mediator: User, target_kind: RoomKind):
    """Move the conversation: the members concerned are asked to go to the other room."""
    _require_mediator(room, mediator)
    target = db.session.scalar(sa.select(Room).where(Room.case_id == room.case_id, Room.kind == target_kind))
    if target is None or target.id == room.id:
        raise RoomError(_l("There is no such room."), "invalid")
    if not target.is_open:
        set_open(target, mediator, True)
    post_system(room, "moved", room=target_kind.value)
    side = target_kind.side
    emit_after_commit(
        db.session,
        "move",
        {
            "room_id": room.id,
            "to_room_id": target.id,
            "to_kind": target_kind.value,
            "side": side.value if side else None,
            "by": mediator.id,
        },
        room.channel,
    )
    record("room.moved", room, case=room.case, actor=mediator, details={"to": target_kind.value})
    return target


# Locks that keep one process's sends to a room in number order -------------------------------------

_room_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)


def room_lock(room_id: int) -> threading.Lock:
    return _room_locks[room_id]
