"""Rooms through the Socket.IO test client: who may enter, order, retries, replay, limits, mute."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.core.db import utcnow
from odr.experts import operations as expert_ops
from odr.experts.models import ExpertProfile, Seat
from odr.rooms import operations, sessions
from odr.rooms.models import MEDIATION_ROOMS, Message, RoomKind
from tests.conftest import PASSWORD
from tests.room_support import SocketClient, sio


def test_rooms_are_created_when_mediation_starts(mediation):
    assert set(mediation["rooms"]) == set(MEDIATION_ROOMS)  # the hearing room is for arbitration
    assert (
        mediation["rooms"][RoomKind.JOINT].is_open
        and not mediation["rooms"][RoomKind.CAUCUS_CLAIMANT].is_open
    )


def test_connection_without_login_is_refused(app, client):
    anonymous = SocketClient(app, client)
    assert not anonymous.is_connected()


def test_entry_is_checked_against_the_case(app, db, mediation, make_client, make_user, make_case):
    rooms = mediation["rooms"]
    claimant = sio(app, make_client, mediation["claimant"])
    assert claimant.emit("join", {"room_id": rooms[RoomKind.JOINT].id}, callback=True)["ok"]
    assert claimant.emit("join", {"room_id": rooms[RoomKind.CAUCUS_CLAIMANT].id}, callback=True)["ok"]
    refused = claimant.emit("join", {"room_id": rooms[RoomKind.CAUCUS_RESPONDENT].id}, callback=True)
    assert refused == {"ok": False, "error": refused["error"], "code": "forbidden"}
    # A party of another case may not enter, nor send, nor read.
    stranger = sio(app, make_client, make_user(Role.PARTY))
    assert not stranger.emit("join", {"room_id": rooms[RoomKind.JOINT].id}, callback=True)["ok"]
    assert not stranger.emit(
        "send", {"room_id": rooms[RoomKind.JOINT].id, "client_id": "x", "body": "hi"}, callback=True
    )["ok"]
    assert not stranger.emit("sync", {"room_id": rooms[RoomKind.JOINT].id, "after_seq": 0}, callback=True)[
        "ok"
    ]
    assert not stranger.emit("join", {"room_id": "nonsense"}, callback=True)["ok"]
    mediator = sio(app, make_client, mediation["mediator"])
    assert mediator.emit("join", {"room_id": rooms[RoomKind.CAUCUS_RESPONDENT].id}, callback=True)["ok"]


def test_messages_are_numbered_in_order_and_reach_members(app, db, mediation, make_client):
    joint = mediation["rooms"][RoomKind.JOINT]
    claimant = sio(app, make_client, mediation["claimant"])
    respondent = sio(app, make_client, mediation["respondent"])
    for c in (claimant, respondent):
        c.emit("join", {"room_id": joint.id}, callback=True)
        c.get_received()
    acks = [
        claimant.emit(
            "send", {"room_id": joint.id, "client_id": f"c{i}", "body": f"第{i}条 <b>"}, callback=True
        )
        for i in range(3)
    ]
    seqs = [a["seq"] for a in acks]
    assert all(a["ok"] for a in acks) and seqs == list(range(seqs[0], seqs[0] + 3))
    received = [e["args"][0] for e in respondent.get_received() if e["name"] == "msg"]
    assert [m["seq"] for m in received] == seqs
    assert received[0]["body"] == "第0条 <b>"  # stored as written; the page shows it as text
    stored = db.session.scalars(
        sa.select(Message.seq).where(Message.room_id == joint.id).order_by(Message.seq)
    ).all()
    assert stored == list(range(1, stored[-1] + 1))  # gapless from 1


def test_a_retried_send_is_stored_once(app, db, mediation, make_client):
    joint = mediation["rooms"][RoomKind.JOINT]
    claimant = sio(app, make_client, mediation["claimant"])
    first = claimant.emit(
        "send", {"room_id": joint.id, "client_id": "same-id", "body": "只存一次"}, callback=True
    )
    again = claimant.emit(
        "send", {"room_id": joint.id, "client_id": "same-id", "body": "只存一次"}, callback=True
    )
    assert first["seq"] == again["seq"]
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Message).where(Message.client_id == "same-id")
    )
    assert count == 1


def test_reconnecting_client_gets_what_it_missed_in_order(app, db, mediation, make_client):
    joint = mediation["rooms"][RoomKind.JOINT]
    respondent = sio(app, make_client, mediation["respondent"])
    seen = respondent.emit("join", {"room_id": joint.id}, callback=True)["last_seq"]
    respondent.disconnect()
    claimant = sio(app, make_client, mediation["claimant"])
    sent = [
        claimant.emit("send", {"room_id": joint.id, "client_id": f"m{i}", "body": str(i)}, callback=True)[
            "seq"
        ]
        for i in range(5)
    ]
    back = sio(app, make_client, mediation["respondent"])
    replay = back.emit("join", {"room_id": joint.id, "last_seq": seen}, callback=True)
    assert [m["seq"] for m in replay["messages"]] == sent
    assert [m["body"] for m in replay["messages"]] == ["0", "1", "2", "3", "4"]
    assert (
        back.emit("sync", {"room_id": joint.id, "after_seq": sent[2]}, callback=True)["messages"][0]["seq"]
        == sent[3]
    )


def test_history_loads_in_pages(app, db, mediation, make_client):
    joint = mediation["rooms"][RoomKind.JOINT]
    for i in range(120):
        operations.post_message(joint, mediation["claimant"], f"消息{i}", f"h{i}")
    claimant = sio(app, make_client, mediation["claimant"])
    first = claimant.emit("join", {"room_id": joint.id}, callback=True)
    assert len(first["messages"]) == 50 and first["messages"][-1]["seq"] == joint.last_seq
    page = claimant.emit(
        "history", {"room_id": joint.id, "before_seq": first["messages"][0]["seq"]}, callback=True
    )
    assert len(page["messages"]) == 50 and page["messages"][-1]["seq"] == first["messages"][0]["seq"] - 1
    assert page["more"]


def test_size_and_rate_limits(app, db, mediation, make_client, room_limits):
    joint = mediation["rooms"][RoomKind.JOINT]
    claimant = sio(app, make_client, mediation["claimant"])
    too_long = claimant.emit(
        "send", {"room_id": joint.id, "client_id": "long", "body": "长" * 4001}, callback=True
    )
    assert too_long["code"] == "too_long" and "4000" in too_long["error"]
    room_limits(send="3 per minute")
    results = [
        claimant.emit("send", {"room_id": joint.id, "client_id": f"r{i}", "body": "快"}, callback=True)
        for i in range(4)
    ]
    assert [r["ok"] for r in results] == [True, True, True, False]
    assert results[3]["code"] == "rate_limited"
    # Others are not affected.
    respondent = sio(app, make_client, mediation["respondent"])
    assert respondent.emit(
        "send", {"room_id": joint.id, "client_id": "other", "body": "我可以"}, callback=True
    )["ok"]


def test_mute_and_closed_rooms(app, db, mediation, make_client):
    rooms = mediation["rooms"]
    joint = rooms[RoomKind.JOINT]
    operations.set_muted(joint, mediation["mediator"], mediation["respondent"], True)
    db.session.flush()
    respondent = sio(app, make_client, mediation["respondent"])
    muted = respondent.emit("send", {"room_id": joint.id, "client_id": "m", "body": "说话"}, callback=True)
    assert muted["code"] == "muted"
    with pytest.raises(operations.RoomError):
        operations.set_muted(joint, mediation["claimant"], mediation["respondent"], False)
    operations.set_muted(joint, mediation["mediator"], mediation["respondent"], False)
    db.session.flush()
    assert respondent.emit("send", {"room_id": joint.id, "client_id": "m2", "body": "说话"}, callback=True)[
        "ok"
    ]
    caucus = rooms[RoomKind.CAUCUS_RESPONDENT]
    closed = respondent.emit("send", {"room_id": caucus.id, "client_id": "c", "body": "?"}, callback=True)
    assert closed["code"] == "closed"


def test_presence_typing_and_read_marks(app, db, mediation, make_client):
    joint = mediation["rooms"][RoomKind.JOINT]
    claimant = sio(app, make_client, mediation["claimant"])
    respondent = sio(app, make_client, mediation["respondent"])
    claimant.emit("join", {"room_id": joint.id}, callback=True)
    joined = respondent.emit("join", {"room_id": joint.id}, callback=True)
    assert {p["id"] for p in joined["online"]} == {mediation["claimant"].id, mediation["respondent"].id}
    claimant.get_received()
    respondent.emit("typing", {"room_id": joint.id, "typing": True}, callback=True)
    events = {e["name"]: e["args"][0] for e in claimant.get_received()}
    assert events["typing"]["user"]["id"] == mediation["respondent"].id
    seq = claimant.emit("send", {"room_id": joint.id, "client_id": "r", "body": "读了吗"}, callback=True)[
        "seq"
    ]
    assert respondent.emit("read", {"room_id": joint.id, "seq": seq}, callback=True) == {
        "ok": True,
        "seq": seq,
    }
    assert operations.read_marks(joint)[mediation["respondent"].id] == seq
    respondent.disconnect()
    left = [e["args"][0] for e in claimant.get_received() if e["name"] == "presence"][-1]
    assert {p["id"] for p in left["online"]} == {mediation["claimant"].id}


def test_case_events_appear_as_notices(db, mediation, make_user, clerk):
    investigator = make_user(Role.TECHNICAL_INVESTIGATOR, organisation=clerk.organisation, name="技术调查官")
    db.session.add(ExpertProfile(user=investigator, technical_fields=["food_processing"], max_open_cases=5))
    db.session.flush()
    case = mediation["case"]
    expert_ops.accept(
        expert_ops.propose(case, Seat.TECHNICAL_INVESTIGATOR, investigator, actor=clerk), investigator
    )
    joint = mediation["rooms"][RoomKind.JOINT]
    last = db.session.scalar(
        sa.select(Message).where(Message.room_id == joint.id).order_by(Message.seq.desc())
    )
    assert last.kind == "system" and '"expert_joined"' in last.body and "技术调查官" in last.body
    from odr.rooms.labels import render_system

    assert render_system(last.body, "en") == "技术调查官 joined the case as Technical investigator."


def test_files_shared_into_a_room(client, db, mediation, make_client):
    joint = mediation["rooms"][RoomKind.JOINT]
    claimant = make_client(mediation["claimant"])
    pdf = b"%PDF-1.4\n% evidence\n"
    response = claimant.post(
        f"/rooms/{joint.id}/files",
        data={"file": (__import__("io").BytesIO(pdf), "证据.pdf")},
        content_type="multipart/form-data",
    )
    assert response.json["ok"]
    message = db.session.scalar(sa.select(Message).where(Message.id == response.json["id"]))
    assert message.file_size == len(pdf) and len(message.file_sha256) == 64
    with make_client(mediation["respondent"]).get(f"/rooms/files/{message.id}") as download:
        assert download.data == pdf and "attachment" in download.headers["Content-Disposition"]
    bad = claimant.post(
        f"/rooms/{joint.id}/files",
        data={"file": (__import__("io").BytesIO(b"MZ\x90exe"), "a.pdf")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 400 and "not accepted" in bad.json["error"]


def test_sessions_minutes_and_the_record(app, client, db, mediation, make_client):
    joint = mediation["rooms"][RoomKind.JOINT]
    mediator, claimant, respondent = mediation["mediator"], mediation["claimant"], mediation["respondent"]
    with freeze_time("2026-11-20 02:00:00"):
        starts = utcnow() + timedelta(days=2)
        session = sessions.schedule(
            joint,
            mediator,
            starts_at=starts,
            duration_minutes=90,
            agenda="确认争议焦点",
            participant_ids=[claimant.id, respondent.id],
        )
    assert session.reminder_24h_at == starts - timedelta(
        hours=24
    ) and session.reminder_1h_at == starts - timedelta(hours=1)
    assert set(session.participants) == {mediator.id, claimant.id, respondent.id}
    sessions.record_attendance(session, mediator, [claimant.id, mediator.id])
    minutes = sessions.write_minutes(session, mediator, "双方确认：被申请人已下架商品。")
    sessions.answer_minutes(minutes, claimant, agreed=True)
    with pytest.raises(operations.RoomError):
        sessions.answer_minutes(minutes, respondent, agreed=False, objection=" ")
    sessions.answer_minutes(minutes, respondent, agreed=False, objection="下架时间记录有误")
    status = sessions.minutes_status(minutes)
    assert status[claimant.id].agreed and status[respondent.id].objection == "下架时间记录有误"
    sessions.write_minutes(session, mediator, "双方确认：被申请人已于11月18日下架商品。")
    assert all(v is None for v in sessions.minutes_status(minutes).values())  # a revision asks again
    operations.post_message(joint, claimant, "同意", "x1")
    db.session.flush()
    pdf = make_client(mediator).get(f"/sessions/{session.id}/record.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf.data)).pages)
    assert "调解笔录" in text and "11月18日下架商品" in text and "同意" in text
    assert make_client(claimant).get(f"/sessions/{session.id}").status_code == 200
    # The joint room's record is the parties' too (a caucus's stays with its own side).
    transcript = make_client(claimant).get(f"/rooms/{joint.id}/transcript.pdf")
    assert transcript.status_code == 200
    transcript.close()


def test_room_page_renders_for_members_only(client, db, mediation, make_client, make_user):
    joint = mediation["rooms"][RoomKind.JOINT]
    page = make_client(mediation["mediator"]).get(f"/rooms/{joint.id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Close the room" in page.get_data(as_text=True)
    assert make_client(make_user(Role.PARTY)).get(f"/rooms/{joint.id}").status_code == 404
    caucus = mediation["rooms"][RoomKind.CAUCUS_RESPONDENT]
    assert make_client(mediation["claimant"]).get(f"/rooms/{caucus.id}").status_code == 404
    assert make_client(mediation["claimant"]).post(f"/rooms/{joint.id}/close").status_code == 302
    assert joint.is_open  # only the mediator closes it
    assert PASSWORD


def test_a_session_is_scheduled_only_in_a_room_of_the_case_the_address_names(
    db, mediation, make_client, make_case, make_user, clerk, respondent
):
    """The schedule form names its room among the case's rooms; posted to another case's room, it is
    refused, even by a mediator who may schedule in the room the form names."""
    from werkzeug.datastructures import MultiDict

    from odr.cases import operations as case_ops
    from odr.rooms.models import MediationSession
    from tests.form_support import fill, find_form

    other = make_case(respondents=[respondent], title="另一起纠纷")
    case_ops.accept_case(other, clerk)
    case_ops.answer_invitation(other, respondent, consent=True)
    other_mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="另一调解员")
    db.session.add(
        ExpertProfile(user=other_mediator, specialties=["geographical_indication"], max_open_cases=5)
    )
    db.session.flush()
    expert_ops.accept(expert_ops.propose(other, Seat.MEDIATOR, other_mediator, actor=clerk), other_mediator)
    other_joint = next(r for r in operations.ensure_rooms(other) if r.kind == RoomKind.JOINT)
    browser = make_client(mediation["mediator"])
    page = browser.get(f"/cases/{mediation['case'].id}").get_data(as_text=True)
    form = find_form(page, action="/sessions")
    data = fill(form, {"agenda": "确认争议焦点", "starts_at": "2030-01-08T10:00"})
    data = MultiDict(data)
    response = browser.post(f"/rooms/{other_joint.id}/sessions", data=data)
    assert response.status_code == 404
    assert not db.session.scalars(sa.select(MediationSession)).all()
    assert browser.post(form.action, data=data).status_code == 302  # where the form belongs, it schedules
    assert len(db.session.scalars(sa.select(MediationSession)).all()) == 1
