"""The mediation period's extension, the undisputed facts and the hand-over to the court, through the
case page's and the hand-over page's own forms (tests/form_support.py): the mediator proposes an
extension that one party consents to and the other refuses; the parties confirm and dispute the facts
the mediator records; the mediation fails and the delegating court records its filing."""

import re
from datetime import timedelta
from io import BytesIO

from freezegun import freeze_time
from pypdf import PdfReader

from odr.accounts.models import OrgKind, Role
from odr.cases.models import CaseState
from odr.deadlines import extending
from odr.deadlines.models import ExtensionState
from odr.handover import operations as handover_ops
from odr.handover.models import HandoverState
from tests.deadline_support import T0, mediating_case
from tests.form_support import alerts, fill, find_form, follow, submit


def test_an_extension_is_refused_facts_are_answered_and_the_court_files_the_hand_over(
    db, make_case, make_user, make_org, clerk, claimant, respondent, make_client
):
    court = make_org(OrgKind.INTERMEDIATE_COURT, name="梧州市中级人民法院（测试）")
    officer = make_user(Role.COURT_LIAISON, organisation=court, name="法院联络员", locale="zh_CN")
    case, mediator = mediating_case(
        db, make_case, make_user, clerk, respondent, channel="court_delegated", delegating_court=court
    )
    case_page = f"/cases/{case.id}"
    mediator.locale = claimant.locale = respondent.locale = "zh_CN"
    with freeze_time(T0 + timedelta(days=3)):
        chair, side_a, side_b = make_client(mediator), make_client(claimant), make_client(respondent)
        propose = f"/cases/{case.id}/extension"
        why = "双方正在协商赔偿数额，需要更多时间核对销售记录。"
        refused = submit(chair, case_page, action=propose, values={"ext-reason": why})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 400
        assert "danger: 请填写新的截止日期或延长天数，二者选其一。" in alerts(page)
        typed = {n: v for _k, n, v, _a in find_form(page, action=propose).fields}
        assert typed["ext-reason"] == why  # the mediator need not type the reason again
        refused = submit(chair, case_page, on=page, action=propose, values={"ext-new_date": "2026-11-31"})
        page = refused.get_data(as_text=True)
        assert "danger: 或：新的截止日期: 不是有效的日期值。" in alerts(page)
        typed = {n: v for _k, n, v, _a in find_form(page, action=propose).fields}
        assert typed["ext-reason"] == why and typed["ext-new_date"] == "2026-11-31"
        assert "<details open>" in page.split('id="extension"')[1][:3000]  # the refused form is shown open
        assert extending.proposals_of(case) == []
        page = follow(
            chair,
            submit(chair, case_page, on=page, action=propose, values={"ext-new_date": "", "ext-days": "10"}),
        )
        assert "success: 已提议延期，正在征求当事人同意。" in alerts(page)
        [proposal] = extending.proposals_of(case)
        answer = f"/cases/{case.id}/extension/{proposal.id}/answer"

        page = follow(side_a, submit(side_a, case_page, action=answer, values={"extans-decision": "consent"}))
        assert "success: 已记录您的同意。" in alerts(page) and proposal.state == ExtensionState.OPEN
        page = follow(side_b, submit(side_b, case_page, action=answer, values={"extans-decision": "refuse"}))
        assert "danger: 请说明不同意延期的理由，调解员和其他当事人将会看到。" in alerts(page)
        assert proposal.state == ExtensionState.OPEN
        no = "我方不同意延期，希望尽快移交法院。"
        values = {"extans-decision": "refuse", "extans-reason": no}
        page = follow(side_b, submit(side_b, case_page, on=page, action=answer, values=values))
        assert "success: 已记录您的不同意意见。" in alerts(page) and proposal.state == ExtensionState.REFUSED
        assert no in side_a.get(case_page).get_data(as_text=True)

        record = f"/cases/{case.id}/facts"
        page = follow(chair, submit(chair, case_page, action=record))
        assert (
            "danger: 当事人无争议的事实: 请填写事实内容。" in alerts(page)
            and handover_ops.facts_of(case) == []
        )
        sold = "被申请人于2026年9月在其网店销售标注“六堡茶”的茶叶。"
        quantity = "销售数量为500盒。"
        for fact in (sold, quantity):
            follow(chair, submit(chair, case_page, action=record, values={"fact-text": fact}))
        first, second = handover_ops.facts_of(case)
        assert (first.text, second.text) == (sold, quantity)
        for fact in (first, second):
            action = f"/cases/{case.id}/facts/{fact.id}/answer"
            follow(side_a, submit(side_a, case_page, action=action, values={"factans-decision": "confirm"}))
        action = f"/cases/{case.id}/facts/{first.id}/answer"
        follow(side_b, submit(side_b, case_page, action=action, values={"factans-decision": "confirm"}))
        action = f"/cases/{case.id}/facts/{second.id}/answer"
        page = follow(
            side_b, submit(side_b, case_page, action=action, values={"factans-decision": "dispute"})
        )
        assert any(a.startswith("danger:") for a in alerts(page)), alerts(page)
        values = {"factans-decision": "dispute", "factans-comment": "仅销售约50盒。"}
        page = follow(side_b, submit(side_b, case_page, on=page, action=action, values=values))
        assert handover_ops.is_undisputed(first, case) and not handover_ops.is_undisputed(second, case)
        # Changing one's answer starts from the answer given: "dispute" chosen, the comment in its box.
        again = dict(fill(find_form(page, action=action)))
        assert (again["factans-decision"], again["factans-comment"]) == ("dispute", "仅销售约50盒。")

        ended = {"terminate-reason": "被申请人拒绝任何赔偿，调解无法继续。"}
        follow(chair, submit(chair, case_page, button="终结调解", values=ended))
        assert case.state in (CaseState.FAILED, CaseState.REFERRED)
        handover = handover_ops.handover_of(case)
        assert handover is not None and handover.organisation_id == court.id

    with freeze_time(T0 + timedelta(days=5)):
        desk = make_client(officer)
        queue = desk.get("/handovers").get_data(as_text=True)
        link = re.search(rf'href="(/handovers/{handover.id})"', queue)
        assert link, "the court's queue does not list the hand-over"
        shown = desk.get(link.group(1)).get_data(as_text=True)
        summary = desk.get(f"/handovers/{handover.id}/summary.pdf")
        assert summary.status_code == 200
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(summary.data)).pages)
        summary.close()
        assert "".join(sold.split()) in "".join(text.split())  # the fact both sides confirmed
        assert "500盒" not in text  # not the one disputed
        filing = {"number": "（2026）桂04民初123号", "filed_on": "2026-11-31"}
        refused = submit(desk, link.group(1), on=shown, action="", values=filing)
        page = refused.get_data(as_text=True)
        assert refused.status_code == 200 and handover.state == HandoverState.SENT
        assert "danger: 请更正标出的内容；尚未登记任何信息。" in alerts(page)
        assert 'value="（2026）桂04民初123号"' in page  # what the officer typed is still there
        filing["filed_on"] = "2026-11-06"
        page = follow(desk, submit(desk, link.group(1), on=page, action="", values=filing))
        assert alerts(page) and alerts(page)[0].startswith("success:")
        assert handover.state == HandoverState.FILED and handover.filed_number == "（2026）桂04民初123号"
        assert "（2026）桂04民初123号" in make_client(claimant).get(case_page).get_data(as_text=True)
