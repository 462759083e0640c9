"""The arbitration pages as people use them, and who sees what on them."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.arbitration import awards
from odr.arbitration.models import ArbitrationCase, ArbitrationState, Challenge, SeatRole
from tests.agreement_support import T0
from tests.arbitration_support import BASIS, accepted_arbitration, seat_and_accept
from tests.conftest import PASSWORD


def test_claimant_applies_from_the_failed_case_page(db, failed_case, claimant, commission, make_client):
    client = make_client(claimant)
    page = client.get(f"/cases/{failed_case.id}")
    assert 'data-testid="arbitration-apply"' in page.text
    client.post(
        f"/cases/{failed_case.id}/arbitration",
        data={"arb-commission_id": str(commission.id), "arb-basis": "", "arb-claims": "赔偿"},
    )
    assert db.session.scalar(sa.select(ArbitrationCase)) is None
    assert "Quote the arbitration agreement" in client.get(f"/cases/{failed_case.id}").text
    client.post(
        f"/cases/{failed_case.id}/arbitration",
        data={"arb-commission_id": str(commission.id), "arb-basis": BASIS, "arb-claims": "赔偿"},
    )
    arbitration = db.session.scalar(sa.select(ArbitrationCase))
    assert arbitration.state == ArbitrationState.SUBMITTED and arbitration.case_id == failed_case.id


def test_direct_application_form(db, claimant, respondent, commission, commission_clerk, make_client):
    client = make_client(claimant)
    assert client.get("/arbitration/apply").status_code == 200
    data = {
        "title": "许可使用费纠纷",
        "ip_type": "trademark",
        "dispute_kind": "licence_contract",
        "industry": "liubao_tea",
        "place": "offline",
        "claim_amount": "90000",
        "remedies": "支付许可使用费",
        "facts": "未按约付费。",
        "organisation_id": str(commission.id),
        "respondents-0-kind": "company",
        "respondents-0-name": respondent.name,
        "respondents-0-credit_code": respondent.credit_code,
        "respondents-0-phone": "13900000000",
        "online_consent": "y",
        "representative": "陈茂生",
        "arbitration_basis": "",
    }
    page = client.post("/arbitration/apply", data=data)
    assert page.status_code == 200 and "Quote the arbitration agreement" in page.text
    data["arbitration_basis"] = "合同第九条约定提交梧州仲裁委员会仲裁。"
    response = client.post("/arbitration/apply", data=data)
    arbitration = db.session.scalar(sa.select(ArbitrationCase))
    assert response.headers["Location"].endswith(f"/cases/{arbitration.case_id}#arbitration")
    assert arbitration.case.claim_amount == Decimal("90000")
    # The commission's clerk accepts it from the case page; it never shows in a mediation intake queue.
    clerk = make_client(commission_clerk)
    assert arbitration.case.title not in clerk.get("/cases/intake").text
    assert 'data-testid="arbitration-accept"' in clerk.get(f"/cases/{arbitration.case_id}").text
    clerk.post(f"/arbitrations/{arbitration.id}/accept", data={"acc-expedited": "1"})
    assert arbitration.state == ArbitrationState.FORMING_TRIBUNAL


def test_naming_answering_and_the_award_through_the_pages(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    with freeze_time(T0 + timedelta(days=1)):
        claimant_client, respondent_client = make_client(claimant), make_client(respondent)
        ranked = claimant_client.get(f"/arbitrations/{arbitration.id}/panel/sole")
        assert ranked.status_code == 200 and panel[0].name in ranked.text
        claimant_client.post(
            f"/arbitrations/{arbitration.id}/panel/sole", data={"expert_id": str(panel[0].id)}
        )
        respondent_client.post(
            f"/arbitrations/{arbitration.id}/panel/sole", data={"expert_id": str(panel[0].id)}
        )
        seat = arbitration.seat(SeatRole.SOLE)
        assert seat.appointed_by == "parties"
        arbitrator = make_client(panel[0])
        assert 'data-testid="seat-request"' in arbitrator.get(f"/cases/{failed_case.id}").text
        arbitrator.post(
            f"/seats/{seat.id}/answer", data={"seat-decision": "accept", "seat-password": PASSWORD}
        )
        assert "Sign the declaration" in arbitrator.get(f"/cases/{failed_case.id}").text
        arbitrator.post(
            f"/seats/{seat.id}/answer",
            data={
                "seat-decision": "accept",
                "seat-declaration": "y",
                "seat-password": PASSWORD,
                "seat-disclosure": "",
            },
        )
        assert arbitration.state == ArbitrationState.HEARING
        arbitrator.post(f"/arbitrations/{arbitration.id}/notes", data={"note-text": "合议：以调解结案为宜。"})
        assert "合议：以调解结案为宜" not in claimant_client.get(f"/cases/{failed_case.id}").text
        assert "合议：以调解结案为宜" in arbitrator.get(f"/cases/{failed_case.id}").text
        arbitrator.post(
            f"/arbitrations/{arbitration.id}/award",
            data={
                "award-facts_found": "查明的事实",
                "award-reasons": "理由",
                "award-decisions": "被申请人支付申请人30000元。",
                "award-costs": "仲裁费由被申请人承担。",
            },
        )
        # The sole arbitrator's draft is not issued: the commission reviews it first, then they sign.
        assert arbitration.state == ArbitrationState.AWARD_REVIEW
        award = awards.pending_award(arbitration)
        assert award.signatures == [] and award.issued_at is None
        page = arbitrator.get(f"/cases/{failed_case.id}").text
        assert 'data-testid="award-in-review"' in page and 'data-testid="sign-award"' not in page
        clerk = make_client(commission_clerk)
        assert 'data-testid="review-award"' in clerk.get(f"/cases/{failed_case.id}").text
        clerk.post(f"/awards/{award.id}/review", data={"review-remarks": "请写明支付期限。"})
        assert arbitration.state == ArbitrationState.AWARD_PENDING
        page = arbitrator.get(f"/cases/{failed_case.id}").text
        assert "请写明支付期限。" in page and 'data-testid="sign-award"' in page
        assert "请写明支付期限。" not in claimant_client.get(f"/cases/{failed_case.id}").text
        arbitrator.post(f"/awards/{award.id}/sign", data={"sign-password": "not-my-password"})
        assert arbitration.state == ArbitrationState.AWARD_PENDING and award.issued_at is None
        arbitrator.post(f"/awards/{award.id}/sign", data={"sign-password": PASSWORD})
    assert arbitration.state == ArbitrationState.AWARDED
    award = awards.issued_award(arbitration)
    download = make_client(respondent).get(f"/awards/{award.id}.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    assert make_client(panel[1]).get(f"/awards/{award.id}.pdf").status_code == 404


def test_a_stranger_cannot_name_or_see(
    db, failed_case, claimant, commission, commission_clerk, panel, make_user, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    stranger = make_client(make_user(Role.PARTY))
    assert stranger.get(f"/arbitrations/{arbitration.id}/panel/sole").status_code == 404
    assert make_client(panel[0]).get(f"/arbitrations/{arbitration.id}/panel/sole").status_code == 404


def test_a_seated_arbitrator_is_challenged_and_replaced_through_the_pages(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    seat = arbitration.seat(SeatRole.SOLE)
    with freeze_time(T0 + timedelta(days=17)):
        make_client(respondent).post(f"/seats/{seat.id}/challenge", data={"ch-grounds": "曾代理申请人。"})
        item = db.session.scalar(sa.select(Challenge))
        make_client(commission_clerk).post(
            f"/challenges/{item.id}/decide", data={"dec-decision": "uphold", "dec-reason": "属实。"}
        )
    assert arbitration.state == ArbitrationState.FORMING_TRIBUNAL
    assert arbitration.seat(SeatRole.SOLE) is None


def test_a_hearing_is_scheduled_recorded_confirmed_and_printed(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    from io import BytesIO

    from pypdf import PdfReader

    from odr.rooms import operations as rooms
    from odr.rooms import sessions

    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    hearing = rooms.ensure_hearing_room(failed_case)
    with freeze_time(T0 + timedelta(days=17)):
        session = sessions.schedule(
            hearing,
            panel[0],
            starts_at=T0 + timedelta(days=20),
            duration_minutes=90,
            agenda="开庭审理",
            participant_ids=[claimant.id, respondent.id],
        )
    with freeze_time(T0 + timedelta(days=20, hours=2)):
        minutes = sessions.write_minutes(session, panel[0], "仲裁员：现在开庭。\n申请人：坚持仲裁请求。")
        sessions.answer_minutes(minutes, claimant, agreed=True)
        sessions.answer_minutes(minutes, respondent, agreed=False, objection="笔录遗漏了我方的答辩意见。")
    response = make_client(claimant).get(f"/sessions/{session.id}/record.pdf")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages).replace("\n", "")
    response.close()
    assert "庭审笔录" in text and "坚持仲裁请求" in text and "遗漏了我方的答辩意见" in text


def test_only_the_commission_reviews_a_draft_and_only_the_tribunal_signs_it(
    db, failed_case, clerk, claimant, respondent, commission, commission_clerk, panel, make_client
):
    from odr.notifications.models import Notification

    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with freeze_time(T0 + timedelta(days=20)):
        make_client(panel[0]).post(
            f"/arbitrations/{arbitration.id}/settlement",
            data={"settle-terms": "被申请人于十日内支付40,000元。", "settle-costs": "双方各半负担。"},
        )
        award = awards.pending_award(arbitration)
        assert arbitration.state == ArbitrationState.AWARD_REVIEW
        told = set(
            db.session.scalars(
                sa.select(Notification.user_id).where(Notification.code == "arbitration.record_settlement")
            )
        )
        assert told == {commission_clerk.id}
        # Neither the arbitrator, a party nor the mediation centre's clerk can pass the review.
        for outsider in (panel[0], claimant, respondent, clerk):
            make_client(outsider).post(f"/awards/{award.id}/review", data={"review-remarks": ""})
            assert arbitration.state == ArbitrationState.AWARD_REVIEW and award.reviewed_at is None
        make_client(commission_clerk).post(f"/awards/{award.id}/review", data={"review-remarks": ""})
        assert (
            arbitration.state == ArbitrationState.AWARD_PENDING
            and award.reviewed_by_id == commission_clerk.id
        )
        told = set(
            db.session.scalars(
                sa.select(Notification.user_id).where(Notification.code == "arbitration.review_award")
            )
        )
        assert told == {panel[0].id}
        # The clerk and the parties do not sign it, even with their own password.
        for outsider in (commission_clerk, claimant, respondent):
            make_client(outsider).post(f"/awards/{award.id}/sign", data={"sign-password": PASSWORD})
            assert award.signatures == [] and award.issued_at is None
        make_client(panel[0]).post(f"/awards/{award.id}/sign", data={"sign-password": PASSWORD})
    assert arbitration.state == ArbitrationState.AWARDED and award.number
