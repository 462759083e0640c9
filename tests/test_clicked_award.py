"""A contested arbitration through the case page's own forms (tests/form_support.py): the claimant
applies after the failed mediation, the commission accepts it for three arbitrators and records the
service on the respondent, the tribunal keeps deliberation notes, the presiding arbitrator drafts the
award, the commission reviews it and the arbitrators sign it, one with a dissent."""

from datetime import timedelta
from io import BytesIO

from freezegun import freeze_time
from pypdf import PdfReader

from odr.arbitration import awards
from odr.arbitration.models import ArbitrationCase, ArbitrationState, SeatRole
from tests.agreement_support import T0
from tests.arbitration_support import BASIS, seat_and_accept
from tests.conftest import PASSWORD
from tests.form_support import alerts, follow, submit


def test_a_contested_award_is_drafted_reviewed_and_signed_with_a_dissent(
    failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    case_page = f"/cases/{failed_case.id}"
    with freeze_time(T0):
        side_a = make_client(claimant)
        values = {"arb-commission_id": commission.id, "arb-basis": BASIS, "arb-claims": "1. 赔偿50000元"}
        page = follow(side_a, submit(side_a, case_page, testid="arbitration-apply", values=values))
        arbitration = ArbitrationCase.query.filter_by(case_id=failed_case.id).one()
        assert arbitration.state == ArbitrationState.SUBMITTED, alerts(page)

        commission_clerk.locale = "zh_CN"
        desk = make_client(commission_clerk)
        accept = f"/arbitrations/{arbitration.id}/accept"
        page = follow(desk, submit(desk, case_page, action=accept, values={"acc-expedited": "0"}))
        assert "success: 申请已受理，并已向被申请人送达。" in alerts(page) or alerts(page)[0].startswith(
            "success:"
        )
        assert arbitration.number and not arbitration.expedited

        assert arbitration.service_method == "electronic"  # the respondent has an account: served at once
        assert 'data-testid="record-service"' not in page

    first, second, chair = panel[:3]
    when = T0 + timedelta(days=2)
    seat_and_accept(arbitration, claimant, SeatRole.CLAIMANT_NOMINEE, first, when)
    seat_and_accept(arbitration, respondent, SeatRole.RESPONDENT_NOMINEE, second, when)
    seat_and_accept(arbitration, claimant, SeatRole.PRESIDING, chair, when)
    seat_and_accept(arbitration, respondent, SeatRole.PRESIDING, chair, when)
    assert arbitration.state == ArbitrationState.HEARING

    with freeze_time(T0 + timedelta(days=5)):
        chair.locale = "zh_CN"
        presiding, dissenting = make_client(chair), make_client(second)
        notes = f"/arbitrations/{arbitration.id}/notes"
        page = follow(presiding, submit(presiding, case_page, action=notes))
        assert "danger: 笔记: 请填写笔记内容。" in alerts(page)
        note = "合议：赔偿数额以公证购买数量为准。"
        page = follow(
            presiding, submit(presiding, case_page, on=page, action=notes, values={"note-text": note})
        )
        assert note in page and note in dissenting.get(case_page).get_data(as_text=True)
        assert note not in make_client(claimant).get(case_page).get_data(as_text=True)

        draft = f"/arbitrations/{arbitration.id}/award"
        facts = "被申请人在其网店销售标注申请人商标的茶叶。"
        refused = submit(presiding, case_page, on=page, action=draft, values={"award-facts_found": facts})
        shown = refused.get_data(as_text=True)
        assert refused.status_code == 400 and awards.pending_award(arbitration) is None
        assert "danger: 裁决书需要写明仲裁庭的理由；对每项请求的裁决；费用的承担。" in alerts(shown)
        assert facts in shown  # what the chair typed is still in the box
        award = {
            "award-facts_found": facts,
            "award-reasons": "被申请人的行为构成商标侵权。",
            "award-decisions": "被申请人赔偿申请人30000元\n被申请人停止销售侵权商品",
            "award-costs": "仲裁费由被申请人承担。",
        }
        page = follow(presiding, submit(presiding, case_page, on=shown, action=draft, values=award))
        drafted = awards.pending_award(arbitration)
        assert arbitration.state == ArbitrationState.AWARD_REVIEW and drafted.decisions == [
            "被申请人赔偿申请人30000元",
            "被申请人停止销售侵权商品",
        ]

        desk = make_client(commission_clerk)
        remarks = {"review-remarks": "请核对赔偿数额的计算依据。"}
        follow(desk, submit(desk, case_page, testid="review-award", values=remarks))
        assert arbitration.state == ArbitrationState.AWARD_PENDING

        dissent = "本人认为赔偿数额过高，应以实际销售数量计算。"
        wrong = {"sign-dissent": dissent, "sign-password": "not-my-password"}
        refused = submit(dissenting, case_page, testid="sign-award", values=wrong)
        shown = refused.get_data(as_text=True)
        assert refused.status_code == 400 and drafted.signatures == []
        assert "danger: The password is not correct. Nothing was signed." in alerts(shown)
        assert dissent in shown  # the dissent is not lost with the wrong password
        signed = {"sign-dissent": dissent, "sign-password": PASSWORD}
        page = follow(dissenting, submit(dissenting, case_page, on=shown, testid="sign-award", values=signed))
        assert "success: You signed the award." in alerts(page)
        for arbitrator in (make_client(first), presiding):
            follow(
                arbitrator,
                submit(arbitrator, case_page, testid="sign-award", values={"sign-password": PASSWORD}),
            )
        assert arbitration.state == ArbitrationState.AWARDED and drafted.issued_at is not None

        party = make_client(respondent)
        issued = party.get(case_page).get_data(as_text=True)
        assert 'data-testid="award-issued"' in issued
        pdf = party.get(f"/awards/{drafted.id}.pdf")
        text = "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf.data)).pages)
        pdf.close()
        assert "".join(dissent.split()) in text and "30000" in text
