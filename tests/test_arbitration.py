"""Arbitration with frozen time: entry, service and defence, forming the tribunal on both tracks (with
default appointment, challenge and replacement), the consent and contested awards, the time limits."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from freezegun import freeze_time
from pypdf import PdfReader

from odr.accounts.models import Role
from odr.arbitration import awards, tribunal
from odr.arbitration import operations as arb_ops
from odr.arbitration import workflow as arb_workflow
from odr.arbitration.models import ArbitrationState, SeatRole, SeatState
from odr.arbitration.operations import ArbitrationError
from odr.arbitration.workflow import TRANSITIONS, ArbitrationAction
from odr.cases.models import CaseState
from odr.cases.workflow import Capacity, TransitionError
from odr.core import storage
from odr.deadlines import operations as deadlines
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from odr.notifications.models import Notification
from odr.rooms import operations as rooms
from odr.rooms.models import Room, RoomKind
from tests.agreement_support import T0
from tests.arbitration_support import accepted_arbitration, review_and_sign, seat_and_accept
from tests.conftest import PASSWORD
from tests.deadline_support import end_of


@pytest.fixture(autouse=True)
def english(app, db):
    with app.test_request_context(), force_locale("en"):
        yield


def sweep_at(db, when):
    db.session.commit()
    with freeze_time(when):
        return deadlines.sweep()


def deadline(kind, obj):
    return (
        sa.select(Deadline)
        .where(Deadline.kind == kind, Deadline.object_id == obj.id)
        .order_by(Deadline.id.desc())
    )


def pdf_text(sha256):
    from io import BytesIO

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(storage.read(sha256))).pages)
    return text.replace("\n", "").replace(" ", "")


def test_entry_from_failed_mediation_and_service(
    db, failed_case, claimant, respondent, commission, commission_clerk, make_user
):
    with freeze_time(T0):
        with pytest.raises(ArbitrationError, match="arbitration agreement"):
            arb_ops.start_from_mediation(
                failed_case, claimant, commission_id=commission.id, basis=" ", claims="x"
            )
        with pytest.raises(ArbitrationError, match="claimant or the mediation centre"):
            arb_ops.start_from_mediation(
                failed_case, respondent, commission_id=commission.id, basis="x", claims="x"
            )
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    assert arbitration.state == ArbitrationState.FORMING_TRIBUNAL
    assert arbitration.number.startswith("（2026）梧仲字第")
    assert failed_case.state == CaseState.REFERRED and failed_case.referred_to == commission
    # accepted (and served) Tuesday 1 Dec: 15 days to 24:00 on Wednesday 16 Dec
    assert arbitration.answer_due_at == end_of("2026-12-16")
    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.code == "arbitration.accept")
    ).all()
    assert respondent.id in told
    with (
        freeze_time(end_of("2026-12-16")),
        pytest.raises(ArbitrationError, match="time for the defence ended at 24:00 on 16 Dec 2026"),
    ):
        arb_ops.answer(arbitration, respondent, defence="不同意")
    with freeze_time(T0 + timedelta(days=3)):
        with pytest.raises(ArbitrationError, match="Only a respondent"):
            arb_ops.answer(arbitration, claimant, defence="x")
        arb_ops.answer(arbitration, respondent, defence="被申请人已停止销售。", counterclaims="确认不侵权")
        with pytest.raises(ArbitrationError, match="already been filed"):
            arb_ops.answer(arbitration, respondent, defence="again")
    assert (
        db.session.scalar(deadline(DeadlineKind.ARBITRATION_ANSWER, arbitration)).state == DeadlineState.MET
    )


def test_a_direct_application_numbers_the_dispute_on_acceptance(
    db, claimant, respondent, commission, commission_clerk
):
    from decimal import Decimal

    from tests.conftest import respondent_data

    with freeze_time(T0):
        arbitration = arb_ops.apply_directly(
            claimant,
            commission_id=commission.id,
            basis="合同第九条：提交梧州仲裁委员会仲裁。",
            respondents=[respondent_data(respondent)],
            title="商标许可使用费纠纷",
            ip_type="trademark",
            dispute_kind="licence_contract",
            industry="liubao_tea",
            place="offline",
            claim_amount=Decimal("90000"),
            remedies="支付许可使用费90000元",
            facts="被申请人未按约支付许可使用费。",
            online_consent=True,
        )
        case = arbitration.case
        assert case.state == CaseState.SUBMITTED and case.number is None
        arb_ops.accept(arbitration, commission_clerk)
    assert case.state == CaseState.REFERRED and case.number.startswith("WZIP-2026-")
    assert case.respondents[0].user == respondent


def test_periods_run_from_the_recorded_service_on_a_respondent_without_an_account(
    client, db, claimant, commission, commission_clerk
):
    from decimal import Decimal

    from tests.conftest import respondent_data

    with freeze_time(T0):  # Tuesday 1 Dec 2026
        arbitration = arb_ops.apply_directly(
            claimant,
            commission_id=commission.id,
            basis="合同第九条：提交梧州仲裁委员会仲裁。",
            respondents=[respondent_data()],  # a company with no account on the platform
            title="商标许可使用费纠纷",
            ip_type="trademark",
            dispute_kind="licence_contract",
            industry="liubao_tea",
            place="offline",
            claim_amount=Decimal("90000"),
            remedies="支付许可使用费90000元",
            facts="被申请人未按约支付许可使用费。",
            online_consent=True,
        )
        arb_ops.accept(arbitration, commission_clerk)
    # Not served yet: no period runs, and the commission may not appoint in the parties' place.
    assert arbitration.served_at is None and arbitration.answer_due_at is None
    assert not db.session.scalars(deadline(DeadlineKind.ARBITRATION_ANSWER, arbitration)).all()
    EN = {"Accept-Language": "en"}
    with freeze_time(T0 + timedelta(days=5)):  # Sunday 6 Dec: served by post on Friday 4 Dec
        client.login(commission_clerk)
        page = client.get(f"/cases/{arbitration.case_id}", headers=EN).get_data(as_text=True)
        assert "not yet served" in page
        refused = client.post(
            f"/arbitrations/{arbitration.id}/service",
            data={"srv-served_on": "2026-12-09", "srv-method": "post"},
            headers=EN,
            follow_redirects=True,
        )
        assert "between the acceptance and today" in refused.get_data(as_text=True)
        client.post(
            f"/arbitrations/{arbitration.id}/service",
            data={"srv-served_on": "2026-12-04", "srv-method": "post"},
        )
    db.session.expire_all()
    assert arbitration.service_method == "post"
    # 15 days from Friday 4 Dec end on Saturday 19 Dec, a rest day: 24:00 on Monday 21 Dec.
    assert arbitration.answer_due_at == end_of("2026-12-21")
    assert arbitration.nomination_due_at == end_of("2026-12-21")
    assert db.session.scalar(deadline(DeadlineKind.ARBITRATION_ANSWER, arbitration)).due_at == end_of(
        "2026-12-21"
    )
    with freeze_time(T0 + timedelta(days=6)):
        page = (
            client.login(commission_clerk)
            .get(f"/cases/{arbitration.case_id}", headers=EN)
            .get_data(as_text=True)
        )
    assert "By post (EMS), with the receipt" in page and "until 24:00 on 21 Dec 2026" in page


def test_sole_arbitrator_named_by_the_parties_or_appointed_after_the_limit(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, in_mediation
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    assert arbitration.roles == [SeatRole.SOLE]
    with freeze_time(T0 + timedelta(days=1)):
        with pytest.raises(ArbitrationError, match="commission appoints after that"):
            tribunal.nominate(arbitration, commission_clerk, SeatRole.SOLE, panel[0])
        # The parties choose differently: nobody is asked yet.
        assert tribunal.nominate(arbitration, claimant, SeatRole.SOLE, panel[0]) is None
        assert tribunal.nominate(arbitration, respondent, SeatRole.SOLE, panel[1]) is None
        with pytest.raises(ArbitrationError, match="cannot sit on this tribunal"):
            tribunal.nominate(arbitration, claimant, SeatRole.SOLE, in_mediation["mediator"])
    with freeze_time(end_of("2026-12-16")), pytest.raises(ArbitrationError, match="time for naming"):
        tribunal.nominate(arbitration, claimant, SeatRole.SOLE, panel[1])
    assert sweep_at(db, end_of("2026-12-16")) >= 1
    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.code == "arbitration.nomination_period_over")
    ).all()
    assert commission_clerk.id in told
    seat = seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[2], T0 + timedelta(days=16))
    assert seat.appointed_by == "commission"
    assert arbitration.state == ArbitrationState.HEARING
    # formed Thursday 17 Dec: 90 days to 24:00 on Wednesday 17 Mar 2027
    assert arbitration.award_due_at == end_of("2027-03-17")
    hearing = db.session.scalar(
        sa.select(Room).where(Room.case_id == failed_case.id, Room.kind == RoomKind.HEARING)
    )
    assert rooms.can_join(hearing, claimant) and rooms.can_join(hearing, panel[2])
    assert rooms.is_mediator(hearing, panel[2]) and not rooms.is_mediator(hearing, claimant)
    assert not rooms.can_join(hearing, in_mediation["mediator"])
    assert rooms.is_active(hearing)


def test_three_arbitrators_joint_presiding_choice_challenge_and_replacement(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk, expedited=False)
    day1 = T0 + timedelta(days=1)
    with freeze_time(day1), pytest.raises(ArbitrationError, match="cannot name"):
        tribunal.nominate(arbitration, respondent, SeatRole.CLAIMANT_NOMINEE, panel[0])
    seat_and_accept(arbitration, claimant, SeatRole.CLAIMANT_NOMINEE, panel[0], day1)
    seat_and_accept(arbitration, respondent, SeatRole.RESPONDENT_NOMINEE, panel[1], day1)
    with freeze_time(day1):
        assert tribunal.nominate(arbitration, claimant, SeatRole.PRESIDING, panel[2]) is None
    seat_and_accept(arbitration, respondent, SeatRole.PRESIDING, panel[2], day1)
    assert arbitration.state == ArbitrationState.HEARING
    assert arbitration.award_due_at == end_of("2027-04-01")  # formed Wednesday 2 Dec, + 120 days
    assert arbitration.chair.arbitrator == panel[2]
    respondent_seat = arbitration.seat(SeatRole.RESPONDENT_NOMINEE)
    with freeze_time(day1 + timedelta(days=2)):
        challenge = tribunal.challenge(respondent_seat, claimant, "该仲裁员曾担任被申请人的法律顾问。")
        with pytest.raises(ArbitrationError, match="already waiting"):
            tribunal.challenge(respondent_seat, claimant, "again")
        with pytest.raises(ArbitrationError, match="commission decides"):
            tribunal.decide_challenge(challenge, claimant, uphold=True, reason="x")
        tribunal.decide_challenge(challenge, commission_clerk, uphold=True, reason="经查证属实，予以回避。")
    assert respondent_seat.state == SeatState.REMOVED
    assert arbitration.state == ArbitrationState.FORMING_TRIBUNAL
    seat_and_accept(arbitration, respondent, SeatRole.RESPONDENT_NOMINEE, panel[3], day1 + timedelta(days=3))
    assert arbitration.state == ArbitrationState.HEARING
    assert [s.arbitrator for s in arbitration.serving] == [panel[0], panel[2], panel[3]]


def test_a_silent_arbitrator_lapses_and_a_decline_needs_a_reason(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    with freeze_time(T0 + timedelta(days=1)):
        tribunal.nominate(arbitration, claimant, SeatRole.SOLE, panel[0])
        seat = tribunal.nominate(arbitration, respondent, SeatRole.SOLE, panel[0])
        with pytest.raises(ArbitrationError, match="reason for declining"):
            tribunal.answer_seat(seat, panel[0], accept=False)
        with pytest.raises(ArbitrationError, match="password is not correct"):
            tribunal.answer_seat(seat, panel[0], accept=True, password="wrong")
    sweep_at(db, T0 + timedelta(days=3, hours=1))
    db.session.expire_all()
    assert seat.state == SeatState.DECLINED and seat.decline_reason == "未在期限内答复"
    assert arbitration.seat(SeatRole.SOLE) is None


def _tribunal_of_three(db, failed_case, claimant, respondent, commission, commission_clerk, panel):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk, expedited=False)
    day1 = T0 + timedelta(days=1)
    seat_and_accept(arbitration, claimant, SeatRole.CLAIMANT_NOMINEE, panel[0], day1)
    seat_and_accept(arbitration, respondent, SeatRole.RESPONDENT_NOMINEE, panel[1], day1)
    with freeze_time(day1):
        tribunal.nominate(arbitration, claimant, SeatRole.PRESIDING, panel[2])
    seat_and_accept(arbitration, respondent, SeatRole.PRESIDING, panel[2], day1)
    return arbitration


def test_contested_award_signed_with_a_dissent_is_issued(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    arbitration = _tribunal_of_three(
        db, failed_case, claimant, respondent, commission, commission_clerk, panel
    )
    with freeze_time(T0 + timedelta(days=40)):
        with pytest.raises(TransitionError):
            awards.draft_award(arbitration, panel[0], facts_found="f", reasons="r", decisions="d", costs="c")
        with pytest.raises(ArbitrationError, match="the decision on each claim"):
            awards.draft_award(arbitration, panel[2], facts_found="f", reasons="r", decisions="", costs="c")
        award = awards.draft_award(
            arbitration,
            panel[2],
            facts_found="被申请人在其网店销售侵犯申请人商标权的商品。",
            reasons="被诉商品使用的标识与申请人注册商标近似，容易导致混淆。",
            decisions="被申请人于本裁决书送达之日起十日内向申请人支付赔偿金人民币50,000元。\n驳回申请人的其他仲裁请求。",
            costs="仲裁费人民币2,300元，由被申请人承担。",
        )
        # The draft goes to the commission first: nobody signs before its review, not even the chair.
        assert arbitration.state == ArbitrationState.AWARD_REVIEW and award.signatures == []
        with pytest.raises(ArbitrationError, match="not reviewed the draft award yet"):
            awards.sign_award(award, panel[2], password=PASSWORD)
        with pytest.raises(TransitionError):
            awards.review_award(award, panel[2])
        awards.review_award(award, commission_clerk, remarks="请核对赔偿数额的计算依据。")
        assert arbitration.state == ArbitrationState.AWARD_PENDING
        with pytest.raises(ArbitrationError, match="no draft award awaiting review"):
            awards.review_award(award, commission_clerk)
        with pytest.raises(ArbitrationError, match="password is not correct"):
            awards.sign_award(award, panel[2], password="wrong")
        awards.sign_award(award, panel[2], password=PASSWORD)
        awards.sign_award(award, panel[0], password=PASSWORD)
        with pytest.raises(ArbitrationError, match="already signed"):
            awards.sign_award(award, panel[0], password=PASSWORD)
        with pytest.raises(ArbitrationError, match="Only the arbitrators"):
            awards.sign_award(award, claimant, password=PASSWORD)
        awards.sign_award(
            award, panel[1], password=PASSWORD, dissent="本人认为赔偿数额过高，应以30,000元为宜。"
        )
    assert arbitration.state == ArbitrationState.AWARDED
    assert award.number.startswith("（2027）梧仲裁字第")  # issued in January 2027
    text = pdf_text(award.pdf_sha256)
    assert "50,000元" in text and "应以30,000元为宜" in text and award.number in text
    assert db.session.scalar(deadline(DeadlineKind.AWARD_PERIOD, arbitration)).state == DeadlineState.MET


def test_consent_award_on_the_parties_settlement(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with freeze_time(T0 + timedelta(days=20)):
        with pytest.raises(ArbitrationError, match="terms the parties agreed"):
            awards.record_settlement(arbitration, panel[0], terms=" ", costs="各半")
        award = awards.record_settlement(
            arbitration,
            panel[0],
            terms="被申请人于2027年1月10日前支付40,000元。\n被申请人删除侵权链接。",
            costs="仲裁费减半收取，由双方各半负担。",
        )
        # Recording it is not issuing it: the commission reviews it, then the arbitrator signs it.
        assert arbitration.state == ArbitrationState.AWARD_REVIEW and award.issued_at is None
    review_and_sign(award, commission_clerk, [panel[0]], T0 + timedelta(days=21))
    assert arbitration.state == ArbitrationState.AWARDED
    text = pdf_text(award.pdf_sha256)
    assert "40,000元" in text and "删除侵权链接" in text


def test_award_period_runs_out_and_is_escalated(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    due = arbitration.award_due_at
    sweep_at(db, due - timedelta(minutes=1))
    assert db.session.scalar(deadline(DeadlineKind.AWARD_PERIOD, arbitration)).state == DeadlineState.PENDING
    sweep_at(db, due + timedelta(minutes=1))
    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.code == "arbitration.award_overdue")
    ).all()
    assert set(told) == {commission_clerk.id, panel[0].id}


def test_deliberation_notes_are_for_the_tribunal_only(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with pytest.raises(ArbitrationError, match="Only the tribunal"):
        tribunal.add_note(arbitration, claimant, "x")
    tribunal.add_note(arbitration, panel[0], "合议：赔偿额以五万元为宜。")
    assert tribunal.notes_for(arbitration, claimant) == []
    assert tribunal.notes_for(arbitration, commission_clerk) == []
    assert [n.text for n in tribunal.notes_for(arbitration, panel[0])] == ["合议：赔偿额以五万元为宜。"]


@pytest.mark.parametrize("state", list(ArbitrationState))
def test_every_action_in_every_state(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, state
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    actors = {
        Capacity.CLAIMANT: claimant,
        Capacity.RESPONDENT: respondent,
        Capacity.ARBITRATION_CLERK: commission_clerk,
        Capacity.PRESIDING_ARBITRATOR: panel[0],
        Capacity.SYSTEM: None,
    }
    for action in ArbitrationAction:
        rule = TRANSITIONS.get((state, action))
        for capacity, actor in actors.items():
            arbitration.state = state
            if rule is not None and capacity in rule[1]:
                assert arb_workflow.check(arbitration, action, actor=actor, capacity=capacity) == rule[0]
            else:
                with pytest.raises(TransitionError):
                    arb_workflow.apply(arbitration, action, actor=actor, capacity=capacity)
                assert arbitration.state == state


def test_a_party_of_another_case_and_other_arbitrators_see_nothing(
    db, failed_case, claimant, commission, commission_clerk, panel, make_user, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    assert make_client(panel[0]).get(f"/cases/{failed_case.id}").status_code == 200
    assert make_client(commission_clerk).get(f"/cases/{failed_case.id}").status_code == 200
    assert make_client(panel[1]).get(f"/cases/{failed_case.id}").status_code == 404
    assert make_client(make_user(Role.PARTY)).get(f"/cases/{failed_case.id}").status_code == 404


def _issued_sole_award(db, failed_case, claimant, commission, commission_clerk, panel):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with freeze_time(T0 + timedelta(days=30)):
        award = awards.draft_award(
            arbitration,
            panel[0],
            facts_found="事实",
            reasons="理由",
            decisions="被申请人于本裁决书送达之日起十日内向申请人支付赔偿金人民币50,000元。",
            costs="仲裁费由被申请人承担。",
        )
    review_and_sign(award, commission_clerk, [panel[0]], T0 + timedelta(days=30, hours=2))
    return arbitration, award


def test_award_performed_and_confirmed(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    from odr.arbitration import performance

    arbitration, award = _issued_sole_award(db, failed_case, claimant, commission, commission_clerk, panel)
    # issued 2026-12-31 in Beijing, + 10 days: Sunday 10 Jan 2027, a rest day, so Monday 11 Jan
    assert award.performance_due_on.isoformat() == "2027-01-11"
    with freeze_time(T0 + timedelta(days=33)):
        with pytest.raises(ArbitrationError, match="respondent side reports"):
            performance.report(award, claimant, text="x")
        performance.report(
            award, respondent, text="已转账50,000元", filename="转账凭证.png", data=b"\x89PNG\r\n\x1a\n.."
        )
        with pytest.raises(ArbitrationError, match="Say why"):
            performance.answer(award, claimant, accept=False)
        performance.answer(award, claimant, accept=False, reason="款项未到账")
        performance.report(award, respondent, text="重新转账")
        performance.answer(award, claimant, accept=True)
    assert arbitration.state == ArbitrationState.PERFORMED
    assert db.session.scalar(deadline(DeadlineKind.AWARD_PERFORMANCE, award)).state == DeadlineState.MET


def test_unperformed_award_goes_to_the_court_for_enforcement(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, courts, make_user
):
    from odr.agreements import performance as agreement_performance
    from odr.arbitration import performance

    arbitration, award = _issued_sole_award(db, failed_case, claimant, commission, commission_clerk, panel)
    due = performance.due_moment(award)
    with freeze_time(due - timedelta(hours=1)), pytest.raises(ArbitrationError, match="may perform until"):
        performance.apply_for_enforcement(award, claimant, facts="未付款")
    sweep_at(db, due + timedelta(minutes=1))
    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.code == "arbitration.performance_overdue")
    ).all()
    assert told == [claimant.id]
    db.session.expire_all()
    with freeze_time(due + timedelta(days=2)):
        with pytest.raises(ArbitrationError, match="claimant side applies"):
            performance.apply_for_enforcement(award, respondent, facts="x")
        application = performance.apply_for_enforcement(award, claimant, facts="被申请人至今未支付赔偿金。")
    assert arbitration.state == ArbitrationState.ENFORCEMENT_REQUESTED
    assert application.court == courts["intermediate"] and application.award_id == award.id
    text = pdf_text(application.pdf_sha256)
    assert award.number in text and "裁决书" in text and "终局裁决" in text
    officer = make_user(Role.COURT_LIAISON, organisation=courts["intermediate"])
    assert agreement_performance.enforcement_queue_for(officer) == [application]
    agreement_performance.court_records_enforcement(application, officer, "（2027）桂04执5号")
    assert application.court_case_number == "（2027）桂04执5号"


def test_the_tribunal_puts_technical_questions_to_the_investigator(
    db, failed_case, claimant, commission, commission_clerk, panel, make_user
):
    from odr.core.db import utcnow
    from odr.experts import opinions
    from odr.experts.models import Assignment, AssignmentState, Seat

    investigator = make_user(Role.TECHNICAL_INVESTIGATOR, name="技术调查官")
    db.session.add(
        Assignment(
            case=failed_case,
            seat=Seat.TECHNICAL_INVESTIGATOR,
            expert=investigator,
            state=AssignmentState.RELEASED,  # served in the mediation, released when it ended
            answer_due_at=utcnow(),
            declaration_signed_at=utcnow(),
        )
    )
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with pytest.raises(ArbitrationError):
        tribunal.add_note(arbitration, investigator, "x")
    from odr.experts.operations import AssignmentError

    with pytest.raises(AssignmentError):
        opinions.ask_question(failed_case, claimant, "问题")
    question = opinions.ask_question(failed_case, panel[0], "被诉标识与注册商标是否近似？")
    opinions.file_opinion(
        failed_case,
        investigator,
        question_ids=[question.id],
        analysis="两者字形相近。",
        conclusion="构成近似。",
    )
    assert opinions.can_read_opinions(failed_case, panel[0])
    assert not opinions.can_read_opinions(failed_case, panel[1])
