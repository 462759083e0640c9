"""The settlement agreement from its first draft to the court's queue through the pages' own forms
(tests/form_support.py): the mediator adds clauses and saves versions, shares and finalises one;
both parties and the mediator sign it with their passwords; the clerk names the competent court and
the parties apply to it together."""

import re
from datetime import timedelta

from freezegun import freeze_time

from odr.agreements import confirmation
from odr.agreements import operations as agreement_ops
from odr.agreements.models import AgreementState
from tests.agreement_support import T0, day
from tests.conftest import PASSWORD
from tests.form_support import alerts, find_form, follow, submit


def boxes(page):
    """The agreement editor's boxes as the mediator sees them again."""
    form = find_form(page, testid="agreement-editor")
    values = {n: v for k, n, v, _a in form.fields if k not in ("select", "checkbox")}
    values.update({n: [v for v, s in o if s] for n, o in form.options.items()})
    return values


def test_the_mediator_drafts_shares_and_finalises_and_all_sign_then_apply_to_the_named_court(
    in_mediation, claimant, respondent, clerk, courts, make_client
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    case.organisation.region = "广西壮族自治区南宁市"  # no court of the platform is connected by the rule
    case.organisation.address = "南宁市青秀区民族大道1号"
    case_page = f"/cases/{case.id}"
    claimant_side, respondent_side = case.claimants[0], case.respondents[0]
    mediator.locale = "zh_CN"
    with freeze_time(T0):
        chair = make_client(mediator)
        editor = follow(chair, submit(chair, case_page, testid="start-agreement"))
        editing = re.search(r'<form method="post" novalidate data-testid="agreement-editor"', editor)
        assert editing, "starting the agreement does not open the editor"
        assert "保存将生成第1版" in editor  # what the first save then makes
        agreement = agreement_ops.open_agreement(case)
        edit_url = f"/agreements/{agreement.id}/edit"

        page = submit(chair, edit_url, on=editor, button="add-clause", values={"add_key": "payment"})
        page = page.get_data(as_text=True)
        assert 'data-clause="payment"' in page
        facts = "双方就“六堡茶”商标侵权达成一致。\n被申请人已下架侵权商品。"
        payment = {
            "facts": facts,
            "c-0-debtor": str(respondent_side.id),
            "c-0-creditor": str(claimant_side.id),
            "c-0-amount": "三万元",
            "c-0-due": "2026-02-30",
            "c-0-purpose": "赔偿经济损失",
            "c-0-method": "银行转账",
        }
        page = submit(chair, edit_url, on=page, button="add-clause", values={**payment, "add_key": "costs"})
        page = page.get_data(as_text=True)
        assert 'data-clause="costs"' in page and boxes(page)["c-0-amount"] == "三万元"
        refused = submit(chair, edit_url, on=page, button="save-version", values=payment)
        shown = refused.get_data(as_text=True)
        assert (
            refused.status_code == 200
            and agreement.latest.number == 1
            and agreement.latest.content["clauses"] == []
        )
        assert "danger: 草稿未保存：请修改下面标出的字段。" in alerts(shown)
        kept = boxes(shown)
        assert kept["facts"] == facts and kept["c-0-purpose"] == "赔偿经济损失"
        assert kept["c-0-debtor"] == [str(respondent_side.id)] and kept["c-0-amount"] == "三万元"
        errors = re.findall(
            r'id="(c-\d-\w+)"[^>]*>\s*(?:</textarea>)?\s*<div class="invalid-feedback">', shown
        )
        assert {"c-0-amount", "c-0-due"} <= set(errors), errors

        fixed = {
            **payment,
            "c-0-amount": "30000",
            "c-0-due": day(20),
            "c-1-allocation": "调解费用由被申请人承担。",
            "note": "初稿",
        }
        page = follow(chair, submit(chair, edit_url, on=shown, button="save-version", values=fixed))
        assert "success: 第1版已保存。" in alerts(page)
        first = agreement.latest
        assert first.number == 1 and first.content["facts"] == facts
        assert [c["key"] for c in first.content["clauses"]] == ["payment", "costs"]

        page = chair.get(edit_url).get_data(as_text=True)
        assert "保存将生成第2版" in page
        assert boxes(page)["c-0-amount"] == "30000.00" or boxes(page)["c-0-amount"] == "30000"
        second = {"c-0-amount": "25000", "c-1-remove": "1", "note": "减少赔偿额，删除费用条款"}
        page = follow(chair, submit(chair, edit_url, on=page, button="save-version", values=second))
        assert "success: 第2版已保存。" in alerts(page)
        assert [c["key"] for c in agreement.latest.content["clauses"]] == ["payment"]
        assert first.content["clauses"][0]["values"]["amount"] in ("30000", "30000.00")  # kept as it was

        party = make_client(claimant)
        assert "25000" not in party.get(case_page).get_data(as_text=True).replace(",", "")
        page = follow(chair, submit(chair, case_page, testid="share-agreement"))
        assert agreement.state == AgreementState.UNDER_REVIEW and alerts(page)[0].startswith("success:")
        version_page = f"/agreements/{agreement.id}/versions/2"
        assert "25,000" in party.get(version_page).get_data(as_text=True)
        page = follow(chair, submit(chair, case_page, on=page, testid="finalise-agreement"))
        assert agreement.state == AgreementState.AWAITING_SIGNATURES, alerts(page)

        claimant.locale = "zh_CN"
        party = make_client(claimant)
        signing = party.get(version_page).get_data(as_text=True)
        page = follow(party, submit(party, version_page, on=signing, testid="sign-form"))
        assert any("请确认您已阅读并同意本协议。" in a for a in alerts(page)), alerts(page)
        wrong = {"sign-confirm": "y", "sign-password": "not-my-password"}
        page = follow(party, submit(party, version_page, on=page, testid="sign-form", values=wrong))
        assert "danger: 密码不正确，未进行签署。" in alerts(page)
        assert agreement.final_version.signatures == []
        values = {"sign-confirm": "y", "sign-password": PASSWORD}
        page = follow(party, submit(party, version_page, on=page, testid="sign-form", values=values))
        assert "success: 已签署。您的签名已与文件指纹绑定。" in alerts(page)
        other = make_client(respondent)
        follow(other, submit(other, version_page, testid="sign-form", values=values))
        follow(chair, submit(chair, version_page, testid="sign-form", values=values))
        assert agreement.state == AgreementState.EFFECTIVE, [
            s.signer.name for s in agreement.final_version.signatures
        ]

    with freeze_time(T0 + timedelta(days=1)):
        party, other = make_client(claimant), make_client(respondent)
        page = party.get(case_page).get_data(as_text=True)
        assert 'data-testid="no-court-connected"' in page
        clerk.locale = "zh_CN"
        desk = make_client(clerk)
        court = courts["cenxi"]
        page = follow(desk, submit(desk, case_page, button="指定法院", values={"court-court_id": court.id}))
        assert "danger: 该法院有管辖权的理由: 请说明该法院有管辖权的理由，当事人和法院都能看到。" in alerts(
            page
        )
        assert case.named_court is None
        why = "被申请人的主要营业地在岑溪市。"
        values = {"court-court_id": court.id, "court-reason": why}
        follow(desk, submit(desk, case_page, on=page, button="指定法院", values=values))
        assert case.named_court == court and case.named_court_reason == why

        page = party.get(case_page).get_data(as_text=True)
        assert why in page
        applying = {
            "apply-court_id": court.id,
            "apply-facts_and_reasons": "双方经调解自愿达成协议，请求确认。",
        }
        follow(party, submit(party, case_page, on=page, testid="apply-confirmation", values=applying))
        follow(other, submit(other, case_page, testid="join-application"))
        application = confirmation.open_application(agreement)
        assert application.court == court and application.submitted_at is not None
        assert agreement.state == AgreementState.CONFIRMATION_REQUESTED
