"""The hand-over package when mediation fails or does not start, undisputed facts, and the
receiving organisation's queue, with frozen time."""

from datetime import date, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from pypdf import PdfReader

from odr.accounts.models import OrgKind, Role
from odr.cases import operations as case_ops
from odr.cases.models import CaseState
from odr.core import storage
from odr.handover import operations as handover_ops
from odr.handover.models import Handover, HandoverState
from tests import evidence_support
from tests.deadline_support import T0, end_of, english, mediating_case, notes, sweep_at  # noqa: F401  (english: fixture)

docket = evidence_support.docket  # the fixture

EN = {"Accept-Language": "en"}
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def court(make_org):
    return make_org(
        OrgKind.INTERMEDIATE_COURT, name="梧州市中级人民法院（测试）", name_en="Test Intermediate Court"
    )


@pytest.fixture
def liaison(make_user, court):
    return make_user(Role.COURT_LIAISON, organisation=court, name="法院联络员")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def handover_of(db, case):
    return db.session.scalar(sa.select(Handover).where(Handover.case_id == case.id))


def test_an_expired_period_hands_a_delegated_case_to_its_court_unattended(
    db, make_case, make_user, make_client, clerk, claimant, respondent, court, liaison
):
    case, mediator = mediating_case(
        db, make_case, make_user, clerk, respondent, channel="court_delegated", delegating_court=court
    )
    from odr.rooms import operations as rooms
    from odr.rooms.models import Room, RoomKind

    joint = db.session.scalar(sa.select(Room).where(Room.case_id == case.id, Room.kind == RoomKind.JOINT))
    with freeze_time(T0 + timedelta(days=2)):
        rooms.set_open(joint, mediator, True)
        shared = rooms.share_file(joint, claimant, "购买公证书.pdf", b"%PDF-1.4\n% notarised purchase\n")
        rooms.share_file(joint, respondent, "同一文件.pdf", b"%PDF-1.4\n% notarised purchase\n")  # same bytes
        fact = handover_ops.record_fact(case, mediator, "被申请人于2026年9月在其网店销售标注“六堡茶”的茶叶。")
        disputed = handover_ops.record_fact(case, mediator, "销售数量为500盒。")
        handover_ops.answer_fact(fact, case, claimant, confirmed=True)
        handover_ops.answer_fact(fact, case, respondent, confirmed=True)
        handover_ops.answer_fact(disputed, case, claimant, confirmed=True)
        handover_ops.answer_fact(disputed, case, respondent, confirmed=False, comment="仅销售约50盒")
    assert handover_of(db, case) is None
    # Nobody acts: the period runs out, the sweep fails the case and hands it over.
    assert sweep_at(db, end_of("2026-11-17")) == 1  # 24:00 of the 15th day
    db.session.expire_all()
    assert case.state == CaseState.FAILED
    handover = handover_of(db, case)
    assert handover.state == HandoverState.SENT and handover.organisation_id == court.id
    assert [e["sha256"] for e in handover.evidence] == [shared.file_sha256]
    pdf = storage.read(handover.pdf_sha256)
    text = pdf_text(pdf)
    for expected in (
        "调解不成移交材料",
        case.number,
        "梧州茂圣六堡茶业有限公司",
        "苍梧县聚香茶叶商行",
        "调解期限届满未达成协议",
        "购买公证书.pdf",
        shared.file_sha256[:16],
        "调解员甲",
    ):
        assert expected in text.replace("\n", ""), expected
    assert "网店销售标注" in text and "销售数量为500盒" not in text  # only facts every party confirmed
    assert "handover.received" in notes(db, liaison)
    assert "handover.produced" in notes(db, claimant) and "handover.sent" in notes(db, claimant)
    assert "handover.produced" in notes(db, clerk)
    # Downloadable by the parties, the clerk and the court; not by others.
    with freeze_time(T0 + timedelta(days=16)):
        for who in (claimant, respondent, clerk, liaison):
            with make_client(who).get(f"/handovers/{handover.id}/summary.pdf") as response:
                assert response.status_code == 200 and response.data == pdf
        other_court = make_user(Role.COURT_LIAISON, organisation=make_user().organisation or None)
        for who in (mediator, make_user(), other_court):
            assert make_client(who).get(f"/handovers/{handover.id}/summary.pdf").status_code == 404
            assert make_client(who).get(f"/handovers/{handover.id}").status_code == 404
        with make_client(liaison).get(f"/handovers/{handover.id}/evidence/{shared.file_sha256}") as evidence:
            assert evidence.status_code == 200 and evidence.data.startswith(b"%PDF")


def test_the_court_queue_and_recording_the_filing(
    db, make_case, make_user, make_client, make_org, clerk, claimant, respondent, court, liaison
):
    case, _ = mediating_case(
        db, make_case, make_user, clerk, respondent, channel="court_delegated", delegating_court=court
    )
    sweep_at(db, T0 + timedelta(days=16))
    db.session.expire_all()
    handover = handover_of(db, case)
    other = make_org(OrgKind.BASIC_COURT, name="万秀区人民法院（测试）")
    other_liaison = make_user(Role.COURT_LIAISON, organisation=other)
    with freeze_time(T0 + timedelta(days=17)):
        mine = make_client(liaison)
        page = mine.get("/handovers", headers=EN).get_data(as_text=True)
        assert case.number in page and "Not yet filed" in page
        theirs = make_client(other_liaison)
        assert case.number not in theirs.get("/handovers").get_data(as_text=True)
        assert theirs.get(f"/handovers/{handover.id}").status_code == 404
        assert (
            theirs.post(
                f"/handovers/{handover.id}", data={"number": "x", "filed_on": "2026-11-19"}
            ).status_code
            == 404
        )
        assert make_client(claimant).get("/handovers").status_code == 403
        bad = [
            ({"number": "", "filed_on": "2026-11-19"}, "Give your organisation"),
            ({"number": "(2026)桂04民初123号", "filed_on": "2026-12-30"}, "cannot be in the future"),
            (
                {"number": "(2026)桂04民初123号", "filed_on": "2026-11-01"},
                "before the case was handed over (2026-11-18)",
            ),
            ({"number": "(2026)桂04民初123号", "filed_on": "soon"}, "Not a valid date value"),
        ]
        for data, message in bad:
            response = mine.post(f"/handovers/{handover.id}", data=data, headers=EN, follow_redirects=True)
            assert response.status_code == 200 and message in response.get_data(as_text=True), message
        db.session.expire_all()
        assert handover.state == HandoverState.SENT
        response = mine.post(
            f"/handovers/{handover.id}",
            data={"number": "(2026)桂04民初123号", "filed_on": "2026-11-19"},
            headers=EN,
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert handover.state == HandoverState.FILED and handover.filed_number == "(2026)桂04民初123号"
    assert handover.filed_on == date(2026, 11, 19) and handover.filed_by_id == liaison.id
    assert "handover.filed" in notes(db, claimant) and "handover.filed" in notes(db, clerk)
    with pytest.raises(handover_ops.HandoverError, match="already recorded"):
        handover_ops.record_filing(handover, liaison, number="x", filed_on=date(2026, 11, 19))
    with freeze_time(T0 + timedelta(days=17)):
        page = make_client(liaison).get("/handovers?show=filed", headers=EN).get_data(as_text=True)
        liaison.locale = "zh_CN"  # the hand-over's state, not the case's ("案件状态")
        shown = make_client(liaison).get(f"/handovers/{handover.id}").get_data(as_text=True)
    assert "(2026)桂04民初123号" in page
    assert '<dt class="col-sm-4">移交状态</dt>' in shown and "案件状态" not in shown


def test_a_declined_case_waits_for_the_clerk_to_refer_it_to_arbitration(
    db, make_case, make_user, make_client, make_org, clerk, respondent
):
    commission = make_org(OrgKind.ARBITRATION_COMMISSION, name="梧州仲裁委员会（测试）")
    commission_clerk = make_user(Role.CLERK, organisation=commission)
    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=False, reason="双方已在诉讼中")
    handover = handover_of(db, case)
    assert case.state == CaseState.NOT_MEDIATED and handover.state == HandoverState.AWAITING_REFERRAL
    assert "双方已在诉讼中" in handover.ended_reason
    assert "被申请人不同意调解" in pdf_text(storage.read(handover.pdf_sha256))
    with freeze_time(T0 + timedelta(hours=1)):
        assert make_client(commission_clerk).get(f"/handovers/{handover.id}").status_code == 404
        case_ops.refer_case(case, clerk, commission, "请依仲裁协议处理")
    assert handover.state == HandoverState.SENT and handover.organisation_id == commission.id
    assert "handover.received" in notes(db, commission_clerk)
    with freeze_time(T0 + timedelta(hours=2)):
        page = make_client(commission_clerk).get("/handovers", headers=EN).get_data(as_text=True)
    assert case.number in page


def test_a_silent_respondent_produces_a_package_too(db, make_case, clerk, respondent):
    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
    sweep_at(db, T0 + timedelta(days=8))
    db.session.expire_all()
    handover = handover_of(db, case)
    assert handover is not None and "未答复" in handover.ended_reason
    assert handover_ops.produce(case, None) is handover  # once per case


def test_facts_are_recorded_by_the_mediator_and_confirmed_by_the_parties(
    db, make_case, make_user, make_client, clerk, claimant, respondent
):
    case, mediator = mediating_case(db, make_case, make_user, clerk, respondent)
    with freeze_time(T0 + timedelta(days=1)):
        with pytest.raises(handover_ops.HandoverError, match="Only the mediator"):
            handover_ops.record_fact(case, claimant, "事实")
        with pytest.raises(handover_ops.HandoverError, match="Write the fact down"):
            handover_ops.record_fact(case, mediator, "   ")
        as_mediator = make_client(mediator)
        assert (
            as_mediator.post(
                f"/cases/{case.id}/facts", data={"fact-text": "原告系“六堡茶”地理标志的合法使用人。"}
            ).status_code
            == 302
        )
        fact = handover_ops.facts_of(case)[0]
        assert "fact.recorded" in notes(db, claimant)
        as_claimant = make_client(claimant)
        response = as_claimant.post(
            f"/cases/{case.id}/facts/{fact.id}/answer",
            data={"factans-decision": "dispute"},
            headers=EN,
            follow_redirects=True,
        )
        assert "Say what you hold instead" in response.get_data(as_text=True)
        as_claimant.post(f"/cases/{case.id}/facts/{fact.id}/answer", data={"factans-decision": "confirm"})
        assert not handover_ops.is_undisputed(fact, case)
        make_client(respondent).post(
            f"/cases/{case.id}/facts/{fact.id}/answer", data={"factans-decision": "confirm"}
        )
        db.session.expire_all()
        assert handover_ops.is_undisputed(fact, case)
        page = as_claimant.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "confirmed by every party" in page


def test_the_evidence_list_carries_shared_exhibits_and_leaves_private_ones(db, docket):
    from odr.evidence import operations as evidence_ops
    from odr.handover.operations import evidence_list
    from tests.evidence_support import PNG, deposit

    d = docket()
    shared = deposit(d["case"], d["claimant"], title="公证购买的被诉产品")
    evidence_ops.change_visibility(shared, d["claimant"], "share")
    deposit(d["case"], d["claimant"], data=PNG, filename="内部.png", title="内部成本核算")
    items = evidence_list(d["case"])
    assert [i["sha256"] for i in items] == [shared.sha256]
    assert items[0]["name"].startswith("申请人证据1 公证购买的被诉产品")


def test_the_package_lists_every_session_and_marks_unconfirmed_minutes(
    db, make_case, make_user, clerk, claimant, respondent, court, liaison
):
    """A session that took place and has minutes is in the package even when the mediator never
    marked it as held; minutes not every participant confirmed are marked so, not left out."""
    from odr.rooms import operations as rooms
    from odr.rooms import sessions
    from odr.rooms.models import Room, RoomKind

    case, mediator = mediating_case(
        db, make_case, make_user, clerk, respondent, channel="court_delegated", delegating_court=court
    )
    joint = db.session.scalar(sa.select(Room).where(Room.case_id == case.id, Room.kind == RoomKind.JOINT))
    with freeze_time(T0 + timedelta(days=1)):
        rooms.set_open(joint, mediator, True)
        first = sessions.schedule(
            joint,
            mediator,
            starts_at=T0 + timedelta(days=2),
            duration_minutes=60,
            agenda="第一次调解：赔偿数额",
            participant_ids=[claimant.id, respondent.id],
        )
    with freeze_time(T0 + timedelta(days=2, hours=2)):
        minutes = sessions.write_minutes(first, mediator, "双方就赔偿数额分歧较大，被申请人愿赔偿一万元。")
        sessions.answer_minutes(minutes, claimant, agreed=True)  # the respondent never answers
    assert sweep_at(db, end_of("2026-11-17")) >= 1  # the period runs out: failed and handed over
    db.session.expire_all()
    assert case.state == CaseState.FAILED
    text = pdf_text(storage.read(handover_of(db, case).pdf_sha256)).replace("\n", "")
    assert "未举行调解会议" not in text
    assert "第一次调解：赔偿数额" in text and "未标记为已举行，有笔录" in text
    assert "被申请人愿赔偿一万元" in text and "（未经全部参会人员确认）" in text
