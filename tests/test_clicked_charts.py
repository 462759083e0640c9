"""A claim chart through its pages' own forms (tests/form_support.py): the claimant starts it from the
case page and adds rows citing a shared exhibit, the respondent answers each row and sends the
answers back, the technical investigator comments; a refused form says why and keeps what was typed."""

import re

from odr.evidence.models import ChartState, ClaimChart
from odr.evidence.operations import change_visibility
from tests import evidence_support
from tests.evidence_support import deposit
from tests.form_support import alerts, find_form, follow, submit

docket = evidence_support.docket  # the fixture: a case in mediation with its neutrals


def test_a_claim_chart_is_drawn_up_answered_and_commented_in_chinese(docket, make_client):
    served = docket()
    case, claimant, respondent, investigator = (
        served["case"],
        served["claimant"],
        served["respondent"],
        served["investigator"],
    )
    exhibit = deposit(case, claimant, title="公证购买的被诉产品")
    change_visibility(exhibit, claimant, "share")
    claimant.locale = respondent.locale = investigator.locale = "zh_CN"
    filer = make_client(claimant)
    case_page = filer.get(f"/cases/{case.id}").get_data(as_text=True)
    new = re.search(r'href="([^"]+)" data-testid="new-chart"', case_page).group(1)
    refused = submit(filer, new, action="", values={"claim": "权利要求1", "accused_product": ""})
    assert refused.status_code == 200 and ClaimChart.query.count() == 0
    assert "danger: 请修改标注的栏目；未保存任何内容。" in alerts(refused.get_data(as_text=True))
    values = {"claim": "权利要求1", "accused_product": "聚香牌卡扣式茶叶罐"}
    page = follow(filer, submit(filer, new, on=refused.get_data(as_text=True), action="", values=values))
    chart = ClaimChart.query.one()
    chart_page = f"/claim-charts/{chart.id}"

    feature = "罐盖与罐身通过卡扣连接"
    refused = submit(filer, chart_page, on=page, testid="add-row", values={"claim_feature": feature})
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 400 and chart.rows == []
    assert "danger: 请修改标出的栏目；该行尚未添加。" in alerts(shown)
    kept = {n: v for _k, n, v, _a in find_form(shown, testid="add-row").fields}
    assert kept["claim_feature"] == feature
    offered = [v for v, _s in find_form(shown, testid="add-row").options["exhibit_id"]]
    assert str(exhibit.id) in offered
    row = {"claim_feature": feature, "accused_feature": "被诉产品罐盖设有三个卡扣", "exhibit_id": exhibit.id}
    page = follow(filer, submit(filer, chart_page, on=shown, testid="add-row", values=row))
    mistaken = {"claim_feature": "罐身为圆柱形", "accused_feature": "被诉产品罐身为方形"}
    page = follow(filer, submit(filer, chart_page, on=page, testid="add-row", values=mistaken))
    second = {"claim_feature": "卡扣为弹性塑料", "accused_feature": "被诉产品卡扣为金属"}
    page = follow(filer, submit(filer, chart_page, on=page, testid="add-row", values=second))
    wrong_row = chart.rows[1]
    remove = f"/claim-charts/{chart.id}/rows/{wrong_row.id}/delete"
    page = follow(filer, submit(filer, chart_page, on=page, action=remove))
    assert "success: 已删除。" in alerts(page)
    assert [r.claim_feature for r in chart.rows] == [feature, "卡扣为弹性塑料"]
    assert re.findall(r'<tr id="row-\d+" data-row="(\d+)">\s*<td>(\d+)</td>', page) == [
        ("1", "1"),
        ("2", "2"),
    ]
    assert chart.rows[0].exhibit_id == exhibit.id
    other = make_client(respondent)
    assert other.get(chart_page).status_code == 404  # the claimant's draft until sent
    follow(filer, submit(filer, chart_page, on=page, testid="submit-chart"))
    assert chart.state == ChartState.SUBMITTED

    first_row, second_row = chart.rows
    page = other.get(chart_page).get_data(as_text=True)
    cited = other.get(f"/evidence/{exhibit.id}")  # the exhibit the row cites, linked from it
    assert f'href="/evidence/{exhibit.id}"' in page and cited.status_code == 200
    answer = f"/claim-charts/{chart.id}/rows/{second_row.id}/answer"
    refused = submit(
        other, chart_page, on=page, action=answer, values={f"a{second_row.id}-position": "disputed"}
    )
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 400 and second_row.respondent_position is None
    assert "danger: 理由: 请说明您对该特征有异议的理由。" in alerts(shown)
    first_answer = f"/claim-charts/{chart.id}/rows/{first_row.id}/answer"
    page = follow(
        other,
        submit(
            other, chart_page, on=shown, action=first_answer, values={f"a{first_row.id}-position": "agreed"}
        ),
    )
    why = "被诉产品卡扣为金属材质，不具有弹性。"
    values = {f"a{second_row.id}-position": "disputed", f"a{second_row.id}-reason": why}
    page = follow(other, submit(other, chart_page, on=page, action=answer, values=values))
    assert second_row.respondent_position.value == "disputed" and second_row.respondent_reason == why
    follow(other, submit(other, chart_page, on=page, testid="complete-chart"))
    assert chart.state == ChartState.ANSWERED, chart.state

    expert = make_client(investigator)
    page = expert.get(chart_page).get_data(as_text=True)
    comment = f"/claim-charts/{chart.id}/rows/{second_row.id}/comment"
    refused = submit(expert, chart_page, on=page, action=comment)
    assert refused.status_code == 400 and second_row.investigator_comment is None
    assert "danger: 技术调查官意见: 此项为必填项。" in alerts(refused.get_data(as_text=True))
    remark = "材质不同不影响卡扣连接这一技术特征的认定。"
    values = {f"c{second_row.id}-comment": remark}
    follow(
        expert, submit(expert, chart_page, on=refused.get_data(as_text=True), action=comment, values=values)
    )
    assert second_row.investigator_comment == remark

    seen = filer.get(chart_page).get_data(as_text=True)
    assert why in seen and remark in seen
    pdf = filer.get(f"{chart_page}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf.close()
