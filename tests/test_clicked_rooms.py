"""The mediator's buttons in a mediation room and on a session's page, posted as the page renders
them (tests/form_support.py): what the button says happens, and the user reads it in their language."""

from datetime import timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.experts import operations as expert_ops
from odr.experts.models import Seat
from odr.extensions import db
from odr.rooms import operations as room_ops
from odr.rooms import sessions
from odr.rooms.models import Room, RoomKind
from tests import evidence_support
from tests.agreement_support import T0
from tests.form_support import alerts, find_form, follow, submit

docket = evidence_support.docket  # the fixture: a case with its mediator and technical investigator


def rooms_of(case) -> dict:
    return {r.kind: r for r in db.session.scalars(sa.select(Room).where(Room.case_id == case.id))}


def test_the_mediator_closes_and_opens_the_room_and_mutes_a_party_in_chinese(
    in_mediation, claimant, respondent, make_client
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    mediator.locale = "zh_CN"
    joint = rooms_of(case)[RoomKind.JOINT]
    room = f"/rooms/{joint.id}"
    browser = make_client(mediator)
    page = follow(browser, submit(browser, room, button="开放调解室"))
    assert "success: 调解室已开放。" in alerts(page) and joint.is_open
    assert 'aria-label="关闭提示"' in page  # the message's own close button, not "close the case"
    party = make_client(claimant)
    assert 'data-open="1"' in party.get(room).get_data(as_text=True)

    page = follow(browser, submit(browser, room, button="禁言", action=f"/mute/{claimant.id}"))
    assert room_ops.muted_users(joint) == {claimant.id}
    assert alerts(page) == [f"success: 已在本调解室对{claimant.name}禁言。"]
    mine = find_form(page, action=f"/mute/{claimant.id}")
    assert [b[2] for b in mine.buttons] == ["解除禁言"]  # the button now offers the way back
    claimant_page = party.get(room).get_data(as_text=True)
    assert (
        "The mediator has muted you in this room."
        in claimant_page.split('data-testid="cannot-post"')[1][:300]
    )
    assert room_ops.why_not_post(joint, respondent) is None  # only the one muted

    page = follow(browser, submit(browser, room, button="解除禁言", action=f"/mute/{claimant.id}"))
    assert alerts(page) == [f"success: {claimant.name}可以在本调解室重新发言。"]
    assert room_ops.muted_users(joint) == set() and room_ops.why_not_post(joint, claimant) is None

    page = follow(browser, submit(browser, room, button="关闭调解室"))
    assert "success: 调解室已关闭。" in alerts(page) and not joint.is_open
    claimant_page = party.get(room).get_data(as_text=True)
    assert (
        "The mediator has not opened this room." in claimant_page.split('data-testid="cannot-post"')[1][:300]
    )


def test_a_co_mediator_is_offered_no_mute_button(docket, make_user, make_client):
    """Another mediator cannot be muted, so the page offers no button that could only fail."""
    from odr.experts.models import ExpertProfile

    served = docket()
    case, clerk, mediator, claimant = served["case"], served["clerk"], served["mediator"], served["claimant"]
    co = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="覃副调解员")
    db.session.add(ExpertProfile(user=co, specialties=["utility_model"], max_open_cases=5))
    db.session.flush()
    expert_ops.accept(expert_ops.propose(case, Seat.CO_MEDIATOR, co, actor=clerk), co)
    joint = rooms_of(case)[RoomKind.JOINT]
    page = make_client(mediator).get(f"/rooms/{joint.id}").get_data(as_text=True)
    assert f"/mute/{claimant.id}" in page
    assert f"/mute/{co.id}" not in page


def test_the_mediator_invites_the_technical_investigator_into_the_joint_room(docket, make_client):
    served = docket()
    case, mediator, investigator = served["case"], served["mediator"], served["investigator"]
    joint = rooms_of(case)[RoomKind.JOINT]
    expert = make_client(investigator)
    assert expert.get(f"/rooms/{joint.id}").status_code == 404  # not in the room before the invitation
    browser = make_client(mediator)
    page = follow(browser, submit(browser, f"/rooms/{joint.id}", button="Invite 技术调查官"))
    assert "success: Invited." in alerts(page)
    assert "Invite 技术调查官" not in page  # invited once; the button is gone
    assert expert.get(f"/rooms/{joint.id}").status_code == 200
    case_page = expert.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'data-testid="room-{RoomKind.JOINT.value}"' in case_page


def test_minutes_are_written_and_confirmed_on_the_session_page(
    in_mediation, claimant, respondent, make_client
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    joint = rooms_of(case)[RoomKind.JOINT]
    with freeze_time(T0 - timedelta(days=4)):
        session = sessions.schedule(
            joint,
            mediator,
            starts_at=T0 - timedelta(days=3),
            duration_minutes=60,
            agenda="第一次调解",
            participant_ids=[claimant.id, respondent.id],
        )
    url = f"/sessions/{session.id}"
    mediator.locale = "zh_CN"
    browser = make_client(mediator)
    blank = submit(browser, url, button="保存笔录", values={"m-text": "  "})
    assert blank.status_code == 200 and session.minutes is None
    assert "danger: 请修改标注的栏目；未保存任何内容。" in alerts(blank.get_data(as_text=True))
    assert '<div class="invalid-feedback">此项为必填项。</div>' in blank.get_data(as_text=True)

    page = follow(browser, submit(browser, url, button="保存笔录", values={"m-text": "双方同意下线商品。"}))
    assert "success: 笔录已保存。" in alerts(page)
    assert session.minutes.text == "双方同意下线商品。" and session.minutes.version == 1

    party = make_client(claimant)
    assert "双方同意下线商品。" in party.get(url).get_data(as_text=True)
    objection = submit(party, url, button="Send my answer", values={"a-answer": "object"})
    assert objection.status_code == 200 and "Say what you object to." in objection.get_data(as_text=True)
    page = follow(party, submit(party, url, button="Send my answer", values={"a-answer": "agree"}))
    assert "success: Your answer is recorded." in alerts(page)
    assert sessions.minutes_status(session.minutes)[claimant.id].agreed
    other = make_client(respondent)
    follow(
        other,
        submit(
            other, url, button="Send my answer", values={"a-answer": "object", "a-objection": "金额记录有误"}
        ),
    )
    assert sessions.minutes_status(session.minutes)[respondent.id].objection == "金额记录有误"

    page = follow(
        browser, submit(browser, url, button="记录出席情况", values={"att-present": [str(claimant.id)]})
    )
    assert {a.user_id: a.present for a in session.attendance} == {
        mediator.id: False,
        claimant.id: True,
        respondent.id: False,
    }


def test_the_mediator_schedules_a_session_from_the_case_page_in_chinese(
    in_mediation, claimant, respondent, make_client
):
    from odr.rooms.models import MediationSession

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    mediator.locale = "zh_CN"
    case_page = f"/cases/{case.id}"
    planned = {"starts_at": "2026-12-08T15:30", "duration_minutes": "90", "agenda": "确认赔偿金额"}
    with freeze_time(T0):
        browser = make_client(mediator)
        page = follow(browser, submit(browser, case_page, button="安排", values={**planned, "starts_at": ""}))
        assert "danger: 开始时间（北京时间）: 请填写调解会议的日期和时间。" in alerts(page)
        page = follow(
            browser,
            submit(browser, case_page, button="安排", values={**planned, "starts_at": "2026-11-30T09:00"}),
        )
        assert "danger: 开始时间（北京时间）: 调解会议时间须晚于当前时间。" in alerts(page)
        page = follow(
            browser,
            submit(browser, case_page, button="安排", values={**planned, "starts_at": "2026-12-45T09:00"}),
        )
        assert "danger: 开始时间（北京时间）: 不是有效的日期与时间值。" in alerts(page)
        assert db.session.scalar(sa.select(sa.func.count(MediationSession.id))) == 0
        page = follow(browser, submit(browser, case_page, button="安排", values=planned))
    assert "success: 调解会议已安排。" in alerts(page)
    session = db.session.scalar(sa.select(MediationSession).where(MediationSession.case_id == case.id))
    assert session.starts_at.replace(tzinfo=None) == T0.replace(tzinfo=None) + timedelta(
        days=7, hours=5, minutes=30
    )
    assert set(session.participants) == {mediator.id, claimant.id, respondent.id}
    assert session.duration_minutes == 90 and session.agenda == "确认赔偿金额"
    assert "确认赔偿金额" in make_client(claimant).get(case_page).get_data(as_text=True)
