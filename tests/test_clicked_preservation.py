"""A request to preserve evidence through its pages' own forms (tests/form_support.py): the claimant
asks a court from the case page, sending an exhibit the other side has not seen; the court's liaison
officer reads it with its file and records the ruling; a second request is withdrawn."""

import re

from odr.evidence.models import PreservationRequest, PreservationState
from tests import evidence_support
from tests.evidence_support import PDF, deposit
from tests.form_support import alerts, find_form, follow, submit

docket = evidence_support.docket  # the fixture: a case in mediation with its neutrals


def test_a_preservation_request_is_sent_with_an_exhibit_granted_and_another_withdrawn(docket, make_client):
    served = docket()
    case, claimant, respondent, liaison, court = (
        served["case"],
        served["claimant"],
        served["respondent"],
        served["liaison"],
        served["court"],
    )
    exhibit = deposit(case, claimant, title="被申请人仓库中的被诉产品照片")  # not shared with the other side
    claimant.locale = liaison.locale = "zh_CN"
    party = make_client(claimant)
    case_page = party.get(f"/cases/{case.id}").get_data(as_text=True)
    new = re.search(r'href="([^"]+)" data-testid="new-preservation"', case_page).group(1)
    target = "被申请人位于梧州市长洲区的仓库中的被诉产品及其销售账册。"
    why = "被申请人已得知纠纷，可能转移或销毁库存与账册。"
    refused = submit(party, new, testid="preservation-form", values={"court_id": court.id, "reason": why})
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 200 and PreservationRequest.query.count() == 0
    assert "danger: 请修改标出的栏目；尚未提交。" in alerts(shown)
    assert "请至少附上一项您提交的证据。" in shown and "此项为必填项。" in shown
    kept = {n: v for _k, n, v, _a in find_form(shown, testid="preservation-form").fields}
    assert kept["reason"] == why
    values = {"court_id": court.id, "target": target, "reason": why, "exhibit_ids": exhibit.id}
    page = follow(party, submit(party, new, on=shown, testid="preservation-form", values=values))
    request = PreservationRequest.query.one()
    assert "success: 您的申请已送交法院联络员。" in alerts(page)
    assert request.court == court and request.exhibits == [exhibit]
    request_page = f"/preservation/{request.id}"
    assert make_client(respondent).get(request_page).status_code == 404

    desk = make_client(liaison)
    listing = desk.get("/court/preservation").get_data(as_text=True)
    assert f'href="{request_page}"' in listing
    page = desk.get(request_page).get_data(as_text=True)
    assert target in page
    download = re.search(r'data-testid="request-exhibits">.*?href="[^"]+">.*?href="([^"]+)"', page, re.S)
    assert download, "the court's officer is offered no download of the exhibit"
    sent = desk.get(download.group(1))
    assert sent.status_code == 200 and sent.data == PDF
    sent.close()

    refused = submit(desk, request_page, on=page, testid="decide-form", values={"decision": "refuse"})
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 400 and request.state == PreservationState.PENDING
    assert "danger: 理由或说明: 请说明驳回申请的理由。" in alerts(shown)
    values = {"decision": "grant", "ruling_number": "（2026）桂04证保1号", "note": "已于当日查封。"}
    page = follow(desk, submit(desk, request_page, on=shown, testid="decide-form", values=values))
    assert request.state == PreservationState.GRANTED and request.ruling_number == "（2026）桂04证保1号"
    assert "（2026）桂04证保1号" in party.get(request_page).get_data(as_text=True)

    values = {
        "court_id": court.id,
        "target": "被申请人网店后台的销售记录。",
        "reason": why,
        "exhibit_ids": exhibit.id,
    }
    follow(party, submit(party, new, testid="preservation-form", values=values))
    second = PreservationRequest.query.filter(PreservationRequest.id != request.id).one()
    page = follow(party, submit(party, f"/preservation/{second.id}", button="撤回申请"))
    assert second.state == PreservationState.WITHDRAWN, alerts(page)
    assert request.state == PreservationState.GRANTED
