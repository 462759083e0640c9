"""In Chromium: the clerk assigns a mediator and a technical investigator to a technical case,
both accept, the investigator answers the mediator's question in an opinion, the mediator reads it."""

import re

import pytest

from tests.browser_support import screenshot, sign_in, use_language

pytestmark = pytest.mark.browser
CASE_TITLE = "六堡茶揉捻机实用新型专利侵权纠纷"


def open_case(page, server):
    page.goto(server.url + "/cases")
    page.click(f"text={CASE_TITLE}")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    return page.url


def answer_request(page, server, email):
    sign_in(page, server, email)
    page.goto(server.url + "/caseload")
    page.click("[data-testid=pending-request]")
    assert "不存在利害关系" in page.locator("[data-testid=declaration]").inner_text()
    page.check("input[name=decision][value=accept]")
    page.check("input[name=declaration]")
    page.fill("input[name=password]", "Demo-2026!")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))


def test_assign_accept_ask_and_read_the_opinion(server, browser):
    clerk = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = clerk.new_page()
    sign_in(page, server, "clerk@demo.odr")
    use_language(page, "en")
    case_url = open_case(page, server)
    page.click("[data-testid=assign-mediator]")
    assert page.locator("[data-testid=candidates] tbody tr").count() > 5
    assert "IP specialty" in page.content() and "Current caseload" in page.content()
    assert page.locator("[data-testid=excluded]", has_text="Conflict").count() == 1
    screenshot(page, "10-ranked-mediators-en")
    page.locator("[data-testid=candidates] tr", has_text="黄志强").locator("button").click()
    page.wait_for_url(case_url + "#experts")
    page.click("[data-testid=assign-technical_investigator]")
    screenshot(page, "11-ranked-investigators-en")
    page.locator("[data-testid=candidates] tr", has_text="莫文杰").locator("button").click()
    page.wait_for_url(case_url + "#experts")
    assert page.locator("tr[data-seat=mediator]", has_text="黄志强").is_visible()
    clerk.close()

    mediator = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    mediator_page = mediator.new_page()
    answer_request(mediator_page, server, "mediator1@demo.odr")
    assert mediator_page.locator("[data-state=mediating]").is_visible()

    investigator = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    investigator_page = investigator.new_page()
    answer_request(investigator_page, server, "investigator@demo.odr")

    mediator_page.goto(case_url)
    mediator_page.fill("textarea[name=q-text]", "被诉揉捻机的揉盘棱骨结构是否与专利权利要求 1 所述结构相同？")
    mediator_page.click("#technical ~ form button[type=submit] >> nth=0")
    mediator_page.wait_for_url(re.compile(r".*/cases/\d+"))
    screenshot(mediator_page, "12-question-asked-zh")

    investigator_page.goto(case_url)
    investigator_page.click("[data-testid=write-opinion]")
    investigator_page.check("input[name=question_ids]")
    investigator_page.fill(
        "textarea[name=analysis]",
        "经现场勘验与图纸比对，被诉揉捻机揉盘设有十二条弧形棱骨，"
        "其排列方式、截面形状与权利要求 1 记载的技术特征相同。",
    )
    investigator_page.fill("textarea[name=conclusion]", "被诉产品的揉盘结构与权利要求 1 的技术特征相同。")
    investigator_page.click("main form button[type=submit]")
    investigator_page.wait_for_url(re.compile(r".*/opinions/\d+$"))
    screenshot(investigator_page, "13-opinion-filed-zh")

    mediator_page.goto(case_url)
    mediator_page.click("[data-testid=opinion-link]")
    assert "与权利要求 1 的技术特征相同" in mediator_page.locator("[data-testid=opinion]").inner_text()
    with mediator_page.expect_download() as download:
        mediator_page.click("[data-testid=opinion-pdf]")
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    screenshot(mediator_page, "14-opinion-read-zh")
    mediator.close()
    investigator.close()
