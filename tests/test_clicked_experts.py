"""The forms around a case's experts, posted as the case page and the opinion page render them
(tests/form_support.py): a party's recusal request and the clerk's decision, the mediator's technical
question, the investigator's opinion with its attachment, and its release to the parties."""

import re

from odr.experts.models import AssignmentState, RecusalRequest
from odr.extensions import db
from tests import evidence_support
from tests.form_support import alerts, find_form, follow, submit

docket = evidence_support.docket  # the fixture: a case with its mediator and technical investigator

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_party_asks_for_the_investigators_recusal_and_the_clerk_grants_it(docket, make_client):
    served = docket()
    case, claimant, clerk = served["case"], served["claimant"], served["clerk"]
    investigator = served["investigator"]
    claimant.locale = "zh_CN"
    case_page = f"/cases/{case.id}"
    [assignment] = [a for a in case.assignments if a.expert_id == investigator.id]
    party = make_client(claimant)
    recusal = f"/assignments/{assignment.id}/recusal"
    page = follow(party, submit(party, case_page, action=recusal, button="申请回避"))
    assert "danger: 请说明申请回避的理由。" in alerts(page)
    assert db.session.query(RecusalRequest).count() == 0
    grounds = "该技术调查官曾为被申请人提供技术咨询服务。"
    page = follow(party, submit(party, case_page, action=recusal, values={"recusal-grounds": grounds}))
    assert "success: 您的申请已提交受理员，由受理员作出决定。" in alerts(page)
    [request_] = db.session.query(RecusalRequest).all()
    assert request_.grounds == grounds and request_.assignment_id == assignment.id

    desk = make_client(clerk)
    decide = f"/recusals/{request_.id}/decide"
    page = follow(desk, submit(desk, case_page, action=decide, values={"decide-decision": "grant"}))
    assert "danger: Choose a decision and give its reasons." in alerts(page)
    assert request_.state.value == "pending"
    reason = "经核实，该技术调查官与被申请人存在业务往来。"
    page = follow(
        desk,
        submit(desk, case_page, action=decide, values={"decide-decision": "grant", "decide-reason": reason}),
    )
    assert "success: Decision recorded; both parties can see it." in alerts(page)
    assert request_.state.value == "granted" and assignment.state != AssignmentState.ACCEPTED
    for reader in (party, make_client(served["respondent"])):
        shown = reader.get(case_page).get_data(as_text=True).split('data-testid="recusal"')[1][:1500]
        assert grounds in shown and reason in shown


def test_the_investigators_opinion_and_its_attachment_reach_the_parties_once_released(
    app, monkeypatch, docket, make_client
):
    served = docket()
    case, mediator, investigator = served["case"], served["mediator"], served["investigator"]
    claimant, respondent = served["claimant"], served["respondent"]
    case_page = f"/cases/{case.id}"
    mediator.locale = "zh_CN"
    chair = make_client(mediator)
    page = follow(chair, submit(chair, case_page, button="向技术调查官提出问题"))
    assert "danger: 请填写问题。" in alerts(page)
    question = "被控产品的卡扣结构是否落入权利要求1的保护范围？"
    page = follow(chair, submit(chair, case_page, button="向技术调查官提出问题", values={"q-text": question}))
    assert "success: 问题已提交技术调查官。" in alerts(page)

    expert = make_client(investigator)
    form_url = re.search(
        r'href="([^"]+)" data-testid="write-opinion"', expert.get(case_page).get_data(as_text=True)
    )
    form_url = form_url.group(1)
    analysis, conclusion = "卡扣与权利要求1的技术特征逐一对比如下……", "落入保护范围。"
    refused = submit(expert, form_url, action="", values={"analysis": analysis, "conclusion": conclusion})
    assert refused.status_code == 200
    shown = refused.get_data(as_text=True)
    assert "danger: Please correct the marked fields; nothing was filed." in alerts(shown)
    assert "Choose the questions the opinion answers." in shown
    kept = find_form(shown, action="")  # what the investigator wrote is still in the boxes
    assert ("analysis", analysis) in [(n, v) for _k, n, v, _a in kept.fields]
    [question_id] = kept.options.get("question_ids") or [
        v for k, n, v, _a in kept.fields if n == "question_ids" and k == "checkbox"
    ]
    answer = {"question_ids": question_id, "analysis": analysis, "conclusion": conclusion}

    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 64)
    refused = submit(
        expert, form_url, action="", values=answer, upload=("卡扣对比图.png", PNG + b"\x00" * 64)
    )
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "The file is larger than 64 B." in shown  # not "0 MB"
    assert ("analysis", analysis) in [(n, v) for _k, n, v, _a in find_form(shown, action="").fields]
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

    filed = submit(expert, form_url, action="", values=answer, upload=("卡扣对比图.png", PNG))
    page = follow(expert, filed)
    assert "success: The technical opinion has been filed." in alerts(page)
    attachment = re.search(r'href="(/opinions/attachments/\d+)"[^>]*>[^<]*卡扣对比图.png', page)
    assert attachment, "the opinion page lists no attachment"
    opinion_url = filed.headers["Location"]

    party = make_client(claimant)
    assert party.get(opinion_url).status_code == 404  # the mediators only, until released
    assert 'data-testid="opinion-link"' not in party.get(case_page).get_data(as_text=True)
    page = follow(chair, submit(chair, case_page, button="保存", values={"v-visibility": "parties"}))
    assert "success: 已保存。" in alerts(page) and case.opinion_visibility == "parties"
    for reader in (party, make_client(respondent)):
        link = re.search(
            r'href="([^"]+)" data-testid="opinion-link"', reader.get(case_page).get_data(as_text=True)
        )
        assert link and link.group(1) == opinion_url
        assert conclusion in reader.get(opinion_url).get_data(as_text=True)
        download = reader.get(attachment.group(1))
        assert download.status_code == 200 and download.data == PNG
        download.close()
