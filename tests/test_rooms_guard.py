"""The rooms' door: every event is answered, malformed payloads are "invalid", floods are refused
to their sender, and client ids are refused rather than cut."""

import io

import pytest
import sqlalchemy as sa

from odr.extensions import db
from odr.rooms.models import Message, RoomKind
from tests.room_support import SocketClient, sio

LIMIT = 3  # per minute, for the flood tests


def joint_id(mediation):
    return mediation["rooms"][RoomKind.JOINT].id


def valid_payloads(room_id):
    """One well-formed payload per event, as the page's script sends it."""
    return {
        "join": lambda i: {"room_id": room_id, "last_seq": 0},
        "leave": lambda i: {"room_id": room_id},
        "send": lambda i: {"room_id": room_id, "client_id": f"flood-{i}", "body": f"第{i}条"},
        "sync": lambda i: {"room_id": room_id, "after_seq": 0},
        "history": lambda i: {"room_id": room_id, "before_seq": 5},
        "typing": lambda i: {"room_id": room_id, "typing": i % 2 == 0},
        "read": lambda i: {"room_id": room_id, "seq": 1},
    }


@pytest.mark.parametrize("event", ["join", "leave", "send", "sync", "history", "typing", "read"])
def test_a_flood_of_each_event_is_refused_to_its_sender_only(app, mediation, make_client, room_limits, event):
    room_limits(**{event: f"{LIMIT} per minute"})
    payload = valid_payloads(joint_id(mediation))[event]
    flooder = sio(app, make_client, mediation["claimant"])
    answers = [flooder.emit(event, payload(i), callback=True) for i in range(LIMIT + 7)]
    assert [a["ok"] for a in answers] == [True] * LIMIT + [False] * 7
    assert {a["code"] for a in answers[LIMIT:]} == {"rate_limited"}
    assert "too often" in answers[-1]["error"]
    # The other members are not held back by the flooder's count.
    other = sio(app, make_client, mediation["respondent"])
    assert other.emit(event, payload(100), callback=True)["ok"]
    if event == "send":  # nothing the flood was refused was stored
        bodies = db.session.scalars(sa.select(Message.body).where(Message.client_id.like("flood-%"))).all()
        assert sorted(bodies) == ["第0条", "第100条", "第1条", "第2条"]


def test_a_flood_of_connections_is_refused_to_its_sender_only(app, mediation, make_client, room_limits):
    room_limits(connect=f"{LIMIT} per minute")
    connections = [sio(app, make_client, mediation["claimant"]) for _ in range(LIMIT + 2)]
    assert [c.is_connected() for c in connections] == [True] * LIMIT + [False] * 2
    assert sio(app, make_client, mediation["respondent"]).is_connected()


def test_the_limits_are_per_event_type(app, mediation, make_client, room_limits):
    room_limits(typing="2 per minute")
    room_id = joint_id(mediation)
    member = sio(app, make_client, mediation["claimant"])
    for _ in range(5):
        member.emit("typing", {"room_id": room_id, "typing": True}, callback=True)
    # Typing too much does not stop the member from talking.
    assert member.emit("send", {"room_id": room_id, "client_id": "a", "body": "仍可发言"}, callback=True)[
        "ok"
    ]


MALFORMED = [
    ("join", None),
    ("join", []),
    ("join", "1"),
    ("join", {}),
    ("join", {"room_id": True}),
    ("join", {"room_id": False}),
    ("join", {"room_id": "1"}),
    ("join", {"room_id": 1.0}),
    ("join", {"room_id": 0}),
    ("join", {"room_id": -1}),
    ("join", {"room_id": 10**30}),
    ("join", {"room_id": 2**31}),
    ("join", {"room_id": {"$gt": 0}}),
    ("join", {"room_id": "ROOM", "last_seq": 2**63}),
    ("sync", {"room_id": 2**100, "after_seq": 0}),
    ("history", {"room_id": 1, "before_seq": 0}),
    ("read", {"room_id": 1}),
    ("read", {"room_id": 1, "seq": "10"}),
    ("typing", {"room_id": 1, "typing": "yes"}),
    ("send", {"room_id": 1, "body": "无编号"}),
    ("send", {"room_id": 1, "client_id": 7, "body": "编号是数字"}),
    ("send", {"room_id": 1, "client_id": "x", "body": ["列表"]}),
    ("leave", {"room_id": [1]}),
]


@pytest.mark.parametrize(("event", "payload"), MALFORMED)
def test_malformed_payloads_are_answered_invalid(app, mediation, make_client, event, payload):
    member = sio(app, make_client, mediation["claimant"])
    answer = member.emit(event, payload, callback=True)
    assert answer["ok"] is False and answer["code"] == "invalid", answer
    assert "not understood" in answer["error"]


@pytest.mark.parametrize("field", ["last_seq", "after_seq", "before_seq", "seq"], ids=lambda f: f"huge-{f}")
def test_huge_numbers_in_the_members_own_room_are_invalid(app, mediation, make_client, field):
    room_id = joint_id(mediation)
    event = {"last_seq": "join", "after_seq": "sync", "before_seq": "history", "seq": "read"}[field]
    member = sio(app, make_client, mediation["claimant"])
    for number in (2**31, 10**30, -1):
        answer = member.emit(event, {"room_id": room_id, field: number}, callback=True)
        assert answer["code"] == "invalid", (number, answer)
    assert member.emit(event, {"room_id": room_id, field: 2**31 - 1}, callback=True)["ok"]


def test_a_well_formed_request_for_another_room_is_forbidden(app, mediation, make_client):
    member = sio(app, make_client, mediation["claimant"])
    caucus = mediation["rooms"][RoomKind.CAUCUS_RESPONDENT].id
    assert member.emit("join", {"room_id": caucus}, callback=True)["code"] == "forbidden"
    assert member.emit("join", {"room_id": 2**31 - 1}, callback=True)["code"] == "forbidden"


def test_client_ids_longer_than_the_limit_are_refused_not_cut(app, mediation, make_client):
    room_id = joint_id(mediation)
    member = sio(app, make_client, mediation["claimant"])
    prefix = "x" * 63
    first = member.emit(
        "send", {"room_id": room_id, "client_id": prefix + "a", "body": "第一条"}, callback=True
    )
    second = member.emit(
        "send", {"room_id": room_id, "client_id": prefix + "b", "body": "第二条"}, callback=True
    )
    assert first["ok"] and second["ok"] and second["seq"] == first["seq"] + 1  # two messages, not one
    too_long = member.emit(
        "send", {"room_id": room_id, "client_id": prefix + "a" + "z", "body": "第三条"}, callback=True
    )
    assert too_long["ok"] is False and too_long["code"] == "invalid"
    assert "client id is too long" in too_long["error"] and "64" in too_long["error"]
    stored = db.session.scalars(
        sa.select(Message.body).where(Message.room_id == room_id, Message.client_id.like("xxx%"))
    ).all()
    assert sorted(stored) == ["第一条", "第二条"]


def test_a_file_with_an_over_long_client_id_is_refused(mediation, make_client):
    member = make_client(mediation["claimant"])
    response = member.post(
        f"/rooms/{joint_id(mediation)}/files",
        data={"file": (io.BytesIO(b"%PDF-1.4\n% evidence\n"), "证据.pdf"), "client_id": "y" * 65},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400 and "client id is too long" in response.json["error"]
    assert db.session.scalar(sa.select(sa.func.count()).where(Message.file_name == "证据.pdf")) == 0


def test_a_send_the_database_cannot_take_is_answered_busy_and_stored_on_retry(app, mediation, make_client):
    """The database refuses (no connection free, lock timeout): the sender hears "busy", nothing is
    stored, and the page's retry with the same client id is stored once."""
    room_id = joint_id(mediation)
    member = sio(app, make_client, mediation["claimant"])
    connection = db.session.connection()
    failures = {"left": 1}

    @sa.event.listens_for(connection, "before_cursor_execute")
    def refuse(*_args):
        if failures["left"]:
            failures["left"] -= 1
            raise sa.exc.OperationalError("SELECT", {}, Exception("sorry, too many clients already"))

    try:
        busy = member.emit(
            "send", {"room_id": room_id, "client_id": "retry-me", "body": "稍后重发"}, callback=True
        )
    finally:
        sa.event.remove(connection, "before_cursor_execute", refuse)
    assert busy["ok"] is False and busy["code"] == "busy"
    stored = member.emit(
        "send", {"room_id": room_id, "client_id": "retry-me", "body": "稍后重发"}, callback=True
    )
    again = member.emit(
        "send", {"room_id": room_id, "client_id": "retry-me", "body": "稍后重发"}, callback=True
    )
    assert stored["ok"] and again["seq"] == stored["seq"]
    assert db.session.scalar(sa.select(sa.func.count()).where(Message.client_id == "retry-me")) == 1


def test_an_anonymous_connection_is_refused(app, client):
    assert not SocketClient(app, client).is_connected()


def test_a_guest_whose_invitation_ends_is_let_out_within_seconds(
    app, db, mediation, make_client, make_user, clerk
):
    """The whole door check is remembered for a connection a few seconds only."""
    from freezegun import freeze_time

    from odr.accounts.models import Role
    from odr.experts import operations as expert_ops
    from odr.experts.models import ExpertProfile, Seat
    from odr.rooms import events, operations

    investigator = make_user(Role.TECHNICAL_INVESTIGATOR, organisation=clerk.organisation, name="技术调查官")
    db.session.add(ExpertProfile(user=investigator, technical_fields=["food_processing"], max_open_cases=5))
    db.session.flush()
    expert_ops.accept(
        expert_ops.propose(mediation["case"], Seat.TECHNICAL_INVESTIGATOR, investigator, actor=clerk),
        investigator,
    )
    joint = mediation["rooms"][RoomKind.JOINT]
    operations.invite(joint, mediation["mediator"], investigator)
    db.session.flush()
    with freeze_time() as clock:
        guest = sio(app, make_client, investigator)
        assert guest.emit("join", {"room_id": joint.id}, callback=True)["ok"]
        joint.invited = []
        db.session.flush()
        clock.tick(events.DOOR_SECONDS + 1)
        refused = guest.emit("sync", {"room_id": joint.id, "after_seq": 0}, callback=True)
    assert refused["code"] == "forbidden"
