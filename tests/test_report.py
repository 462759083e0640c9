"""The annual report: typical cases chosen by staff and told without names; the PDF rendered from
the constructed year, its text read back, with charts drawn by reportlab's chart library."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from odr.accounts.models import Role
from odr.stats import report, typical
from odr.stats.report_pdf import render_annual_report


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, name="管理员")


def test_anonymise_takes_out_names_and_identifiers(db, stats_data):
    case = stats_data["settled"]
    claimant, respondent = case.claimants[0], case.respondents[0]
    text = (
        f"{claimant.name}诉{respondent.name}（统一社会信用代码{respondent.credit_code}），"
        f"案号{case.number}，联系电话13800000000，邮箱a.b@example.com，身份证450400198501011234。"
    )
    cleaned = typical.anonymise(text, case)
    for secret in (
        claimant.name,
        respondent.name,
        respondent.credit_code,
        case.number,
        "13800000000",
        "a.b@example.com",
        "450400198501011234",
    ):
        assert secret not in cleaned
    assert cleaned.startswith("申请人诉被申请人")


def test_admin_chooses_a_typical_case_through_the_page(db, stats_data, admin, make_client):
    case = stats_data["settled"]
    browser = make_client(admin)
    page = browser.get("/reports/annual?year=2026")
    assert page.status_code == 200
    refused = browser.post(
        "/reports/annual/2026/typical",
        data={"number": "WZIP-1999-000001", "title": "", "summary": "我写的内容"},
    )
    assert refused.status_code == 200 and "我写的内容" in refused.get_data(as_text=True)
    added = browser.post(
        "/reports/annual/2026/typical",
        data={"number": case.number, "title": f"{case.claimants[0].name}商标案", "summary": ""},
    )
    assert added.status_code == 302
    chosen = typical.of_year(2026)
    assert len(chosen) == 1 and chosen[0].title == "申请人商标案"
    assert case.claimants[0].name not in chosen[0].summary
    again = browser.post("/reports/annual/2026/typical", data={"number": case.number})
    assert "already among" in again.get_data(as_text=True)
    assert make_client(case.claimants[0].user).get("/reports/annual").status_code == 403


def test_the_report_of_the_year(db, stats_data, admin, make_client, tmp_path):
    case = stats_data["settled"]
    typical.choose(2026, case.number, admin, title="“茂圣”商标网店侵权调解后经司法确认并履行", summary="")
    data = report.annual_data(2026)
    key = {row[0]: row[1:] for row in data["key"]}
    assert key["收案数"] == ["6", "0", "+6"]
    assert key["调解成功率"][0] == "50.0%"
    assert key["约定赔偿额（元）"][0] == "30,000.00"
    pdf = render_annual_report(data)
    text = text_of(pdf)
    for expected in (
        "2026年度梧州市知识产权保护报告",
        "一、主要指标",
        "收案数",
        "调解成功率50.0%",
        "六、各环节用时（天）",
        "立案至达成协议155",  # one case: median 5, 90th percentile 5
        "七、司法确认",
        "九、满意度评价",
        "2026年共收到答卷3份",
        "十、专家培训",
        "十二、典型案例",
        "“茂圣”商标网店侵权调解后经司法确认并履行",
    ):
        assert expected in text, expected
    for secret in (case.number, *(p.name for p in case.parties)):
        assert secret not in text
    # The page gives the same document.
    download = make_client(admin).get("/reports/annual/2026.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "2026年度梧州市知识产权保护报告" in text_of(download.data)


def test_the_command_writes_the_report(db, app, stats_data, tmp_path):
    out = tmp_path / "report.pdf"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["odr", "report", "annual", "2026", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "一、主要指标" in text_of(out.read_bytes())


def test_the_registry_figures_join_the_dashboard_and_the_report(
    db, stats_data, admin, officer, entity, make_client
):
    from datetime import UTC, datetime

    from tests.registry_support import published_entry
    from tests.test_stats_pages import cells_of

    published_entry(db, officer, entity, when=datetime(2026, 5, 4, 2, 0, tzinfo=UTC))
    html = make_client(admin).get("/stats?from=2026-01&to=2026-12").get_data(as_text=True)
    figures = dict(cells_of(html, "registry")[1:])
    assert figures["Entries published"] == "1" and figures["On the list at the end of the period"] == "1"
    text = text_of(render_annual_report(report.annual_data(2026)))
    assert "十一、重复侵权、故意侵权企业名录" in text and "公布条目1" in text and "期末在册条目1" in text
