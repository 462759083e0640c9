"""Claim charts for patent cases and preservation requests to the court."""

import re
from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from odr.accounts.models import OrgKind, Role
from odr.audit.models import AuditEntry
from odr.evidence import charts, operations, preservation
from odr.evidence.models import ChartState, PreservationRequest, PreservationState, RowPosition
from odr.evidence.operations import EvidenceError
from odr.notifications.models import Notification
from tests import evidence_support
from tests.evidence_support import EN, PNG, deposit, fetch

docket = evidence_support.docket  # the fixture


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


def notified(db, user, code):
    return any(
        n.code == code
        for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)).all()
    )


# Claim charts ---------------------------------------------------------------------------------------


def test_claim_charts_are_for_patent_cases(client, db, docket):
    d = docket(ip_type="trademark")
    with pytest.raises(EvidenceError, match="发明专利和实用新型"):
        charts.create_chart(d["case"], d["claimant"], claim="权利要求1", accused_product="茶叶")
    client.login(d["claimant"])
    assert client.get(f"/cases/{d['case'].id}/claim-charts/new").status_code == 403
    assert "Start a claim chart" not in client.get(f"/cases/{d['case'].id}", headers=EN).get_data(
        as_text=True
    )


def test_the_claim_chart_workflow(make_client, db, docket):
    d = docket()
    photo = deposit(d["case"], d["claimant"], data=PNG, filename="揉盘照片.png", title="被诉揉捻机揉盘照片")
    claimant = make_client(d["claimant"])
    respondent = make_client(d["respondent"])
    investigator = make_client(d["investigator"])

    # the claimant draws up the chart
    response = claimant.post(
        f"/cases/{d['case'].id}/claim-charts/new",
        data={"claim": "权利要求1", "accused_product": "JX-45 型六堡茶揉捻机"},
        headers=EN,
    )
    assert response.status_code == 302
    chart_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    chart = db.session.get(charts.ClaimChart, chart_id)
    url = f"/claim-charts/{chart_id}"
    rows = [
        ("一种六堡茶揉捻机，包括机架和揉桶", "被诉产品设有机架和揉桶", photo.id),
        ("揉盘上设有十二条弧形棱骨", "被诉产品揉盘设有十二条弧形棱骨", photo.id),
        ("棱骨截面为半圆形", "被诉产品棱骨截面为梯形", 0),
    ]
    for claim_feature, accused_feature, exhibit_id in rows:
        added = claimant.post(
            f"{url}/rows",
            data={
                "claim_feature": claim_feature,
                "accused_feature": accused_feature,
                "exhibit_id": exhibit_id,
            },
        )
        assert added.status_code == 302
    bad = claimant.post(f"{url}/rows", data={"claim_feature": "", "accused_feature": "x"}, headers=EN)
    assert bad.status_code == 400 and "This field is required." in bad.get_data(as_text=True)
    assert [r.position for r in chart.rows] == [1, 2, 3]

    # a draft is the claimant's own; the respondent cannot see it
    assert respondent.get(url).status_code == 404
    assert investigator.get(url).status_code == 200

    # it cannot go out while the exhibit it cites is not shared
    refused = claimant.post(f"{url}/submit", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "Share these exhibits with the other side first: C-1." in refused
    assert chart.state == ChartState.DRAFT
    operations.change_visibility(photo, d["claimant"], "share")
    claimant.post(f"{url}/submit")
    assert chart.state == ChartState.SUBMITTED and notified(db, d["respondent"], "claim_chart.submitted")
    with pytest.raises(EvidenceError, match="不能再修改"):
        charts.add_row(chart, d["claimant"], claim_feature="x", accused_feature="y")

    # the respondent answers row by row
    first, second, third = chart.rows
    page = respondent.get(url, headers=EN).get_data(as_text=True)
    assert "一种六堡茶揉捻机" in page and "Send my answers back" in page
    respondent.post(f"{url}/rows/{first.id}/answer", data={f"a{first.id}-position": "agreed"})
    no_reason = respondent.post(
        f"{url}/rows/{third.id}/answer", data={f"a{third.id}-position": "disputed"}, headers=EN
    )
    assert no_reason.status_code == 400
    assert "Give your reasons for disputing this feature." in no_reason.get_data(as_text=True)
    early = respondent.post(f"{url}/complete", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "Answer every row before sending the claim chart back." in early
    respondent.post(f"{url}/rows/{second.id}/answer", data={f"a{second.id}-position": "agreed"})
    respondent.post(
        f"{url}/rows/{third.id}/answer",
        data={
            f"a{third.id}-position": "disputed",
            f"a{third.id}-reason": "梯形截面与半圆形截面不同，不构成等同。",
        },
    )
    with pytest.raises(EvidenceError):
        charts.answer_row(first, d["claimant"], "disputed", "自己不能答复")
    with pytest.raises(EvidenceError):
        charts.comment_row(first, d["respondent"], "当事人不能写技术意见")

    # the technical investigator comments on a row
    commented = investigator.post(
        f"{url}/rows/{third.id}/comment",
        data={f"c{third.id}-comment": "梯形与半圆形棱骨在揉捻效果上基本相同，可能构成等同。"},
    )
    assert commented.status_code == 302
    respondent.post(f"{url}/complete")
    assert chart.state == ChartState.ANSWERED and notified(db, d["claimant"], "claim_chart.answered")
    assert [r.respondent_position for r in chart.rows] == [
        RowPosition.AGREED,
        RowPosition.AGREED,
        RowPosition.DISPUTED,
    ]

    # the PDF table carries every row, the answers and the comment
    pdf = fetch(claimant, f"{url}/pdf")
    assert pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = text_of(pdf.data)
    for expected in (
        "技术特征比对表",
        d["case"].number,
        "ZL202120456789.1",
        "JX-45型六堡茶揉捻机",
        "揉盘上设有十二条弧形棱骨",
        "被诉产品棱骨截面为梯形",
        "申请人证据1",
        "有异议",
        "梯形截面与半圆形截面不同",
        "可能构成等同",
    ):
        assert expected in text, expected
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.case_id == d["case"].id)).all()
    assert {
        "claim_chart.created",
        "claim_chart.submitted",
        "claim_chart.answered",
        "claim_chart.commented",
    } <= set(actions)


def test_claim_chart_pdf_renders_an_empty_draft(db, docket):
    from odr.evidence.pdf import render_claim_chart

    d = docket()
    chart = charts.create_chart(d["case"], d["claimant"], claim="权利要求1", accused_product="揉捻机")
    assert "尚无比对项" in text_of(render_claim_chart(charts.chart_data(chart)))


# Preservation requests ------------------------------------------------------------------------------


def test_a_preservation_request_goes_to_the_chosen_court(make_client, make_org, make_user, db, docket):
    d = docket()
    capture = deposit(
        d["case"],
        d["claimant"],
        data=PNG,
        filename="listing.png",
        title="网店商品页面截图",
        source="web_capture",
        captured_url="https://shop.example.com/item/42",
        captured_at=operations.utcnow(),
    )
    other_exhibit = deposit(d["case"], d["claimant"], title="未随申请提交的证据")
    inactive = make_org(OrgKind.BASIC_COURT, name="已撤销的法院", active=False)
    claimant = make_client(d["claimant"])
    form = claimant.get(f"/cases/{d['case'].id}/preservation/new", headers=EN).get_data(as_text=True)
    assert d["court"].name in form and inactive.name not in form

    missing = claimant.post(
        f"/cases/{d['case'].id}/preservation/new",
        data={"court_id": 0, "target": "", "reason": ""},
        headers=EN,
    ).get_data(as_text=True)
    assert "Attach at least one of your exhibits to the request." in missing
    assert "Choose the court that is to preserve the evidence." in missing
    response = claimant.post(
        f"/cases/{d['case'].id}/preservation/new",
        data={
            "court_id": d["court"].id,
            "target": "被申请人网店商品链接 https://shop.example.com/item/42 的页面及交易记录",
            "reason": "被申请人收到调解通知后可能下架商品链接。",
            "exhibit_ids": [capture.id],
        },
        headers=EN,
    )
    assert response.status_code == 302
    request = db.session.scalar(
        sa.select(PreservationRequest).where(PreservationRequest.case_id == d["case"].id)
    )
    assert request.exhibits == [capture] and request.court == d["court"]
    assert notified(db, d["liaison"], "preservation.requested")

    # the liaison officer of that court sees it, its exhibits, and nothing else of the case
    liaison = make_client(d["liaison"])
    assert request.case.number in liaison.get("/court/preservation").get_data(as_text=True)
    assert "Preservation requests waiting for your court" in liaison.get("/dashboard", headers=EN).get_data(
        as_text=True
    )
    page = liaison.get(f"/preservation/{request.id}", headers=EN).get_data(as_text=True)
    assert "https://shop.example.com/item/42" in page and capture.sha256 in page
    assert fetch(liaison, f"/evidence/{capture.id}/file").status_code == 200
    assert fetch(liaison, f"/evidence/{other_exhibit.id}/file").status_code == 404
    assert liaison.get(f"/cases/{d['case'].id}").status_code == 404

    # nobody else outside the requester and the neutrals
    other_liaison = make_user(Role.COURT_LIAISON, organisation=make_org(OrgKind.BASIC_COURT))
    for outsider in (d["respondent"], other_liaison):
        assert make_client(outsider).get(f"/preservation/{request.id}").status_code == 404
        assert fetch(make_client(outsider), f"/evidence/{capture.id}/file").status_code == 404
    assert request.case.number not in make_client(other_liaison).get("/court/preservation").get_data(
        as_text=True
    )
    assert make_client(d["claimant"]).get("/court/preservation").status_code == 403
    assert make_client(d["mediator"]).get(f"/preservation/{request.id}").status_code == 200
    theirs = make_client(d["respondent"]).get(f"/cases/{d['case'].id}").get_data(as_text=True)
    assert f"/preservation/{request.id}" not in theirs
    assert (
        make_client(d["respondent"])
        .post(f"/preservation/{request.id}/decide", data={"decision": "grant"})
        .status_code
        == 404
    )

    # the officer records the decision: a refusal needs reasons
    no_reason = liaison.post(f"/preservation/{request.id}/decide", data={"decision": "refuse"}, headers=EN)
    assert no_reason.status_code == 400
    assert "Give the reasons for refusing the request." in no_reason.get_data(as_text=True)
    with pytest.raises(EvidenceError):
        preservation.decide(request, d["mediator"], grant=True, note=None)
    granted = liaison.post(
        f"/preservation/{request.id}/decide",
        data={"decision": "grant", "ruling_number": "（2026）桂04证保1号", "note": "已通知平台冻结链接。"},
    )
    assert granted.status_code == 302
    assert request.state == PreservationState.GRANTED and request.decided_by == d["liaison"]
    assert notified(db, d["claimant"], "preservation.decided")
    with pytest.raises(EvidenceError, match="不能再更改"):
        preservation.withdraw(request, d["claimant"])
    assert "（2026）桂04证保1号" in claimant.get(f"/preservation/{request.id}").get_data(as_text=True)


def test_the_delegating_court_is_proposed_and_requests_can_be_withdrawn(make_client, db, docket, make_org):
    court = make_org(OrgKind.BASIC_COURT, name="梧州市万秀区人民法院（委派）")
    d = docket(channel="court_delegated", delegating_court=court)
    exhibit = deposit(d["case"], d["claimant"])
    assert preservation.default_court(d["case"]) == court
    form = make_client(d["claimant"]).get(f"/cases/{d['case'].id}/preservation/new").get_data(as_text=True)
    assert re.search(rf'<option selected value="{court.id}">', form)
    with pytest.raises(EvidenceError, match="本方在本案中提交的证据"):
        preservation.request_preservation(
            d["case"], d["respondent"], court=court, target="x", reason="y", exhibits=[exhibit]
        )
    request = preservation.request_preservation(
        d["case"], d["claimant"], court=court, target="链接", reason="可能下架", exhibits=[exhibit]
    )
    with pytest.raises(EvidenceError):
        preservation.withdraw(request, d["respondent"])
    preservation.withdraw(request, d["claimant"])
    assert request.state == PreservationState.WITHDRAWN
    # kept off the case timeline, so the other side does not learn of it
    page = make_client(d["respondent"]).get(f"/cases/{d['case'].id}", headers=EN).get_data(as_text=True)
    timeline = page[page.index('data-testid="timeline"') :]
    assert "preservation" not in timeline.lower() and "Exhibit deposited" in timeline


def test_preservation_decisions_are_exactly_the_table(db, docket):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"])
    for start in PreservationState:
        for decision in ("grant", "refuse", "withdraw"):
            request = preservation.request_preservation(
                d["case"],
                d["claimant"],
                court=d["court"],
                target="链接",
                reason="可能下架",
                exhibits=[exhibit],
            )
            if start != PreservationState.PENDING:
                request.state = start
                if start in (PreservationState.GRANTED, PreservationState.REFUSED):
                    request.decided_at, request.decided_by, request.decision_note = (
                        operations.utcnow(),
                        d["liaison"],
                        "理由",
                    )
            expected = preservation.DECISIONS.get((start, decision))

            def act(request=request, decision=decision):
                if decision == "withdraw":
                    preservation.withdraw(request, d["claimant"])
                else:
                    preservation.decide(request, d["liaison"], grant=decision == "grant", note="理由")

            if expected is None:
                with pytest.raises(EvidenceError):
                    act()
                assert request.state == start
            else:
                act()
                assert request.state == expected


def test_claim_chart_moves_are_exactly_the_table(db, docket):
    d = docket()
    act = {
        "submit": lambda chart: charts.submit(chart, d["claimant"]),
        "complete": lambda chart: charts.complete(chart, d["respondent"]),
    }
    for start in ChartState:
        for move in act:
            chart = charts.create_chart(d["case"], d["claimant"], claim="权利要求1", accused_product="揉捻机")
            row = charts.add_row(chart, d["claimant"], claim_feature="特征", accused_feature="对应特征")
            row.respondent_position = RowPosition.AGREED
            chart.state = start
            expected = charts.MOVES.get((start, move), (None,))[0]
            if expected is None:
                with pytest.raises(EvidenceError):
                    act[move](chart)
                assert chart.state == start
            else:
                act[move](chart)
                assert chart.state == expected
