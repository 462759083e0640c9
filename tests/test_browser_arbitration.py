"""In Chromium: a failed mediation goes to arbitration and ends in an issued award. The claimant
applies from the case page, the commission accepts, both parties name the same sole arbitrator, who
signs the declaration and accepts and drafts the award; the commission reviews the draft, the
arbitrator signs it with their password, and the respondent downloads it."""

import re

import pytest

from tests.browser_support import DEMO_PASSWORD, screenshot, sign_in

pytestmark = pytest.mark.browser
CASE_TITLE = "“茂圣”商标特许经营纠纷（调解不成）"


def open_case(page, server):
    page.goto(server.url + "/cases")
    page.click(f"text={CASE_TITLE}")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    return page.url


def name_sole_arbitrator(page, case_url, name):
    page.goto(case_url)
    page.click("[data-testid=name-sole]")
    page.wait_for_url(re.compile(r".*/panel/sole$"))
    page.locator("[data-testid=candidates] tr", has_text=name).locator("button").click()
    page.wait_for_url(re.compile(r".*/cases/\d+"))


def test_failed_mediation_to_an_issued_award(server, browser):
    claimant = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = claimant.new_page()
    sign_in(page, server, "claimant@demo.odr")
    case_url = open_case(page, server)
    form = page.locator("[data-testid=arbitration-apply]")
    form.locator("textarea[name=arb-basis]").fill("《特许经营合同》第二十条：争议提交梧州仲裁委员会仲裁。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=arbitration-state][data-state=submitted]").is_visible()

    clerk = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    clerk_page = clerk.new_page()
    sign_in(clerk_page, server, "arbclerk@demo.odr")
    clerk_page.goto(case_url)
    clerk_page.check("input[name=acc-expedited][value='1']")
    clerk_page.click("[data-testid=arbitration-accept]")
    clerk_page.wait_for_load_state()
    assert clerk_page.locator("[data-testid=arbitration-state][data-state=forming_tribunal]").is_visible()
    screenshot(clerk_page, "50-arbitration-accepted-en")
    clerk.close()

    name_sole_arbitrator(page, case_url, "周建国")
    respondent = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    respondent_page = respondent.new_page()
    sign_in(respondent_page, server, "respondent@demo.odr")
    name_sole_arbitrator(respondent_page, case_url, "周建国")

    arbitrator = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    arbitrator_page = arbitrator.new_page()
    sign_in(arbitrator_page, server, "arbitrator@demo.odr")
    arbitrator_page.goto(case_url)
    request = arbitrator_page.locator("[data-testid=seat-request]")
    assert "独立、公正" in request.inner_text()
    request.locator("input[name=seat-decision][value=accept]").check()
    request.locator("input[name=seat-declaration]").check()
    request.locator("input[name=seat-password]").fill(DEMO_PASSWORD)
    request.locator("[data-testid=seat-answer]").click()
    arbitrator_page.wait_for_load_state()
    assert arbitrator_page.locator("[data-testid=arbitration-state][data-state=hearing]").is_visible()
    screenshot(arbitrator_page, "51-tribunal-formed-zh")
    arbitrator_page.click("[data-testid=draft-award] summary")
    draft = arbitrator_page.locator("[data-testid=draft-award]")
    draft.locator("textarea[name=award-facts_found]").fill(
        "被申请人在特许经营合同到期后继续以“茂圣”名义经营门店。"
    )
    draft.locator("textarea[name=award-reasons]").fill("合同到期后被申请人已无权使用申请人的商标和字号。")
    draft.locator("textarea[name=award-decisions]").fill(
        "被申请人立即停止使用“茂圣”字号和商标。\n被申请人于本裁决书送达之日起十日内赔偿申请人经济损失人民币40,000元。"
    )
    draft.locator("textarea[name=award-costs]").fill("仲裁费人民币1,800元，由被申请人承担。")
    draft.locator("button[type=submit]").click()
    arbitrator_page.wait_for_load_state()
    # Not issued yet: the commission reviews the draft first, and the parties do not see it.
    assert arbitrator_page.locator("[data-testid=award-in-review]").is_visible()
    respondent_page.goto(case_url)
    assert respondent_page.locator("[data-testid=award-draft]").count() == 0

    clerk = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    clerk_page = clerk.new_page()
    sign_in(clerk_page, server, "arbclerk@demo.odr")
    clerk_page.goto(case_url)
    review = clerk_page.locator("[data-testid=review-award]")
    review.locator("textarea[name=review-remarks]").fill("请写明赔偿款的支付方式。")
    review.locator("button[type=submit]").click()
    clerk_page.wait_for_load_state()
    assert clerk_page.locator("[data-testid=arbitration-state][data-state=award_pending]").is_visible()
    clerk.close()

    arbitrator_page.goto(case_url)
    assert "请写明赔偿款的支付方式。" in arbitrator_page.locator("[data-testid=award-reviewed]").inner_text()
    sign = arbitrator_page.locator("[data-testid=sign-award]")
    sign.locator("input[name=sign-password]").fill(DEMO_PASSWORD)
    sign.locator("button[type=submit]").click()
    arbitrator_page.wait_for_load_state()
    assert arbitrator_page.locator("[data-testid=award-issued]").is_visible()
    arbitrator.close()

    respondent_page.goto(case_url)
    assert respondent_page.locator("[data-testid=arbitration-state][data-state=awarded]").is_visible()
    screenshot(respondent_page, "52-award-issued-zh")
    with respondent_page.expect_download() as download:
        respondent_page.click("[data-testid=award-pdf]")
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    claimant.close()
    respondent.close()
