"""The agreement's pages as the parties and the mediator use them, their forms posted as rendered
(tests/form_support.py)."""

import re

from odr.agreements import operations as agreement_ops
from tests.agreement_support import standard_items
from tests.form_support import alerts, find_form, follow, submit


def test_a_party_compares_the_shared_versions_in_chinese(in_mediation, claimant, make_client):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    agreement = agreement_ops.start_agreement(case, mediator)
    items = standard_items(case)
    agreement_ops.save_version(agreement, mediator, facts="双方就商标侵权达成一致。", items=items)
    agreement_ops.share_version(agreement, mediator)
    items[0]["values"]["amount"] = "28000.00"
    agreement_ops.save_version(
        agreement, mediator, facts="双方就商标侵权达成一致。", items=items
    )  # not shared
    items[0]["values"]["amount"] = "25000.00"
    agreement_ops.save_version(agreement, mediator, facts="双方就商标侵权达成一致。", items=items)
    agreement_ops.share_version(agreement, mediator)

    claimant.locale = "zh_CN"
    party = make_client(claimant)
    case_page = party.get(f"/cases/{case.id}").get_data(as_text=True)
    compare_url = re.search(r'href="([^"]+/compare)"[^>]*>\s*<i[^>]*></i>\s*比较版本', case_page).group(1)
    page = party.get(compare_url).get_data(as_text=True)
    form = find_form(page, action="", button="比较")
    assert {name: [v for v, _s in choices] for name, choices in form.options.items()} == {
        "a": ["1", "3"],
        "b": ["1", "3"],
    }  # the draft the mediator kept to themself is not offered
    labels = dict(re.findall(r'<label[^>]*for="([ab])">([^<]+)</label>', page))
    assert labels == {"a": "基准版本", "b": "对比版本"}

    compared = submit(party, compare_url, action="", button="比较", values={"a": "3", "b": "1"})
    assert compared.status_code == 200
    rows = re.findall(
        r'<tr class="diff-(\w+)">.*?<td class="prewrap">([^<]*)</td>', compared.get_data(as_text=True)
    )
    removed = " ".join(text for kind, text in rows if kind == "removed")
    added = " ".join(text for kind, text in rows if kind == "added")
    assert "25,000.00" in removed and "30,000.00" in added and "28,000" not in removed + added
    assert any("支付" in text or "赔偿" in text for _kind, text in rows)  # the clauses read in Chinese

    hidden = party.get(compare_url, query_string={"a": "2", "b": "3"}, follow_redirects=True)
    assert hidden.status_code == 200 and "28,000" not in hidden.get_data(as_text=True)
    assert "warning: 请选择本协议的两个版本。" in alerts(hidden.get_data(as_text=True))


def test_the_creditor_disputes_a_report_of_performance_and_the_debtor_reads_why(
    effective, claimant, respondent, courts, liaison, make_client
):
    from datetime import timedelta

    from freezegun import freeze_time

    from odr.agreements import confirmation, performance
    from odr.agreements.models import ObligationState
    from tests.agreement_support import T0, apply_jointly

    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特92号")
        confirmation.decide(
            application, liaison, confirm=True, ruling_number="（2026）桂0403民特92号", judge_name="黄法官"
        )
    listing = min(performance.obligations_of(effective), key=lambda o: o.due_on)
    case_page = f"/cases/{effective.case_id}"
    with freeze_time(T0 + timedelta(days=4)):
        debtor = make_client(respondent)
        follow(
            debtor,
            submit(
                debtor,
                case_page,
                action=f"/obligations/{listing.id}/report",
                values={"report-text": "已删除链接。"},
            ),
        )
        assert listing.state == ObligationState.REPORTED
        claimant.locale = "zh_CN"
        creditor = make_client(claimant)
        answer = f"/obligations/{listing.id}/answer"
        page = follow(
            creditor, submit(creditor, case_page, action=answer, values={"answer-decision": "dispute"})
        )
        assert [a for a in alerts(page) if a.startswith("danger:")] == [
            "danger: 请说明异议理由，对方将看到该理由。"
        ]
        assert listing.state == ObligationState.REPORTED
        why = "第二个链接仍可访问。"
        page = follow(
            creditor,
            submit(
                creditor,
                case_page,
                action=answer,
                values={"answer-decision": "dispute", "answer-reason": why},
            ),
        )
        assert "success: 您的答复已记录。" in alerts(page)
        assert listing.state == ObligationState.DISPUTED and listing.dispute_reason == why
        assert why in debtor.get(case_page).get_data(as_text=True)


def test_the_mediator_withdraws_the_final_version_for_changes_in_chinese(in_mediation, claimant, make_client):
    from tests.agreement_support import draft_and_finalise, sign_all

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    agreement = draft_and_finalise(case, mediator)
    sign_all(agreement, [claimant])
    mediator.locale = "zh_CN"
    chair = make_client(mediator)
    case_page = f"/cases/{case.id}"
    reopen = f"/agreements/{agreement.id}/reopen"
    page = follow(chair, submit(chair, case_page, action=reopen))
    assert "danger: 理由: 请说明理由。" in alerts(page)
    assert agreement.state.value == "awaiting_signatures"
    why = "申请人要求将付款期限延长十日。"
    page = follow(chair, submit(chair, case_page, on=page, action=reopen, values={"reopen-reason": why}))
    assert [a for a in alerts(page) if a.startswith("success:")], alerts(page)
    assert agreement.state.value == "draft" and agreement.final_version is None
    assert 'data-testid="edit-agreement"' in page  # the mediator edits a new version from here
