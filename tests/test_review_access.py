"""Who may reach which page, file and action of the newer parts (hearing room, agreements,
arbitration, evidence), and that bad input is refused rather than failing."""

from datetime import timedelta

from freezegun import freeze_time

from odr.arbitration import awards
from odr.arbitration.models import SeatRole
from odr.rooms import operations as rooms
from odr.rooms import sessions
from tests.agreement_support import T0
from tests.arbitration_support import accepted_arbitration, seat_and_accept


def _hearing(failed_case, claimant, commission, commission_clerk, panel):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    return arbitration


def test_the_mediator_of_the_failed_mediation_cannot_reach_the_hearing_record(
    db, failed_case, in_mediation, claimant, respondent, commission, commission_clerk, panel, make_client
):
    _hearing(failed_case, claimant, commission, commission_clerk, panel)
    room = rooms.ensure_hearing_room(failed_case)
    with freeze_time(T0 + timedelta(days=17)):
        session = sessions.schedule(
            room,
            panel[0],
            starts_at=T0 + timedelta(days=20),
            duration_minutes=60,
            agenda="开庭审理",
            participant_ids=[claimant.id, respondent.id],
        )
        db.session.flush()
        mediator = make_client(in_mediation["mediator"])
        assert mediator.get(f"/rooms/{room.id}").status_code == 404
        assert mediator.get(f"/rooms/{room.id}/transcript.pdf").status_code == 404
        assert mediator.get(f"/sessions/{session.id}").status_code == 404
        assert mediator.get(f"/sessions/{session.id}/record.pdf").status_code == 404
        # the tribunal still has them
        arbitrator = make_client(panel[0])
        assert arbitrator.get(f"/sessions/{session.id}").status_code == 200


def test_the_parties_do_not_read_the_draft_award_before_it_is_issued(
    db, failed_case, in_mediation, claimant, respondent, commission, commission_clerk, panel, make_client
):
    from tests.test_arbitration import _tribunal_of_three

    arbitration = _tribunal_of_three(
        db, failed_case, claimant, respondent, commission, commission_clerk, panel
    )
    with freeze_time(T0 + timedelta(days=40)):
        award = awards.draft_award(
            arbitration,
            panel[2],
            facts_found="合议查明的事实",
            reasons="合议形成的理由",
            decisions="被申请人支付赔偿金人民币50,000元。",
            costs="仲裁费由被申请人承担。",
        )
        db.session.flush()
        page = make_client(panel[0]).get(f"/cases/{failed_case.id}")
        assert "合议形成的理由" in page.text and 'data-testid="award-in-review"' in page.text
        awards.review_award(award, commission_clerk, remarks="核阅意见：请补充计算依据。")
        db.session.flush()
        for outsider in (claimant, respondent, in_mediation["mediator"]):
            page = make_client(outsider).get(f"/cases/{failed_case.id}")
            assert page.status_code == 200
            assert "合议形成的理由" not in page.text and 'data-testid="award-draft"' not in page.text
            assert "核阅意见" not in page.text
            assert make_client(outsider).get(f"/awards/{award.id}.pdf").status_code == 404
        page = make_client(panel[0]).get(f"/cases/{failed_case.id}")
        assert "合议形成的理由" in page.text and 'data-testid="sign-award"' in page.text


def test_a_file_shown_in_one_sides_caucus_does_not_reach_the_other_side_through_the_hand_over(
    db, in_mediation, claimant, respondent, make_client
):
    import sqlalchemy as sa

    from odr.cases import workflow as case_workflow
    from odr.cases.workflow import Action, Capacity
    from odr.handover.models import Handover
    from odr.rooms.models import Room, RoomKind

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    caucus = db.session.scalar(
        sa.select(Room).where(Room.case_id == case.id, Room.kind == RoomKind.CAUCUS_CLAIMANT)
    )
    with freeze_time(T0):
        rooms.set_open(caucus, mediator, True)
        private = rooms.share_file(caucus, claimant, "底价.pdf", b"%PDF-1.4\n% our bottom line\n")
        case_workflow.apply(case, Action.TERMINATE, actor=mediator, capacity=Capacity.MEDIATOR)
    handover = db.session.scalar(sa.select(Handover).where(Handover.case_id == case.id))
    with freeze_time(T0 + timedelta(days=1)):
        other_side = make_client(respondent)
        assert other_side.get(f"/handovers/{handover.id}").status_code == 200
        url = f"/handovers/{handover.id}/evidence/{private.file_sha256}"
        assert other_side.get(url).status_code == 404
    assert private.file_sha256 not in [e["sha256"] for e in handover.evidence]


def test_a_garbled_clause_count_in_the_editor_is_not_a_server_error(db, in_mediation, make_client):
    from odr.agreements import operations as agreement_ops

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = agreement_ops.start_agreement(case, mediator)
        db.session.flush()
        page = make_client(mediator).post(
            f"/agreements/{agreement.id}/edit", data={"n": "abc", "facts": "双方就商标侵权达成一致。"}
        )
    assert page.status_code == 200 and "双方就商标侵权达成一致。" in page.text


def test_a_refused_draft_award_keeps_what_the_arbitrator_wrote(
    db, failed_case, claimant, commission, commission_clerk, panel, make_client
):
    from odr.arbitration.models import ArbitrationState

    arbitration = _hearing(failed_case, claimant, commission, commission_clerk, panel)
    with freeze_time(T0 + timedelta(days=17)):
        page = make_client(panel[0]).post(
            f"/arbitrations/{arbitration.id}/award",
            data={
                "award-facts_found": "被申请人在网店销售侵权商品三百余件。",
                "award-reasons": "被诉标识与注册商标近似，容易导致混淆。",
                "award-decisions": "",
                "award-costs": "仲裁费由被申请人承担。",
            },
            follow_redirects=True,
        )
    assert arbitration.state == ArbitrationState.HEARING
    assert "被申请人在网店销售侵权商品三百余件。" in page.text
    assert "被诉标识与注册商标近似，容易导致混淆。" in page.text


def test_scheduling_with_a_garbled_room_number_is_not_a_server_error(db, in_mediation, make_client):
    room = rooms.ensure_rooms(in_mediation["case"])[0]
    db.session.flush()
    response = make_client(in_mediation["mediator"]).post(
        f"/rooms/{room.id}/sessions", data={"room_id": "abc", "agenda": "首次调解"}
    )
    assert response.status_code == 302


def test_a_dissent_survives_a_mistyped_password(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    from tests.test_arbitration import _tribunal_of_three

    arbitration = _tribunal_of_three(
        db, failed_case, claimant, respondent, commission, commission_clerk, panel
    )
    with freeze_time(T0 + timedelta(days=40)):
        award = awards.draft_award(
            arbitration, panel[2], facts_found="事实", reasons="理由", decisions="支付50000元。", costs="费用"
        )
        awards.review_award(award, commission_clerk)
        db.session.flush()
        client = make_client(panel[1])
        dissent = "本人认为赔偿数额过高，应以30,000元为宜。"
        for password in ("wrong-password", ""):
            page = client.post(
                f"/awards/{award.id}/sign",
                data={"sign-dissent": dissent, "sign-password": password},
                follow_redirects=True,
            )
            assert dissent in page.text, password
    assert not any(s.arbitrator_id == panel[1].id for s in award.signatures)


def test_counterclaims_survive_a_defence_left_empty(
    db, failed_case, claimant, respondent, commission, commission_clerk, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    with freeze_time(T0 + timedelta(days=1)):
        page = make_client(respondent).post(
            f"/arbitrations/{arbitration.id}/answer",
            data={"ans-defence": "", "ans-counterclaims": "请求确认申请人的商标无效。"},
            follow_redirects=True,
        )
    assert "请求确认申请人的商标无效。" in page.text and arbitration.answered_at is None
