"""In Chromium: the demo case the court delegated goes from the mediator's draft to an enforceable
agreement: the mediator drafts and finalises, both parties and the mediator sign, both parties apply
for judicial confirmation, the court's liaison officer accepts and confirms, the parties download
the ruling."""

import re
from datetime import date, timedelta

import pytest

from tests.browser_support import DEMO_PASSWORD, screenshot, sign_in

pytestmark = pytest.mark.browser
CASE_TITLE = "“茂圣”商标网店侵权纠纷（法院委派）"


def open_case(page, server):
    page.goto(server.url + "/cases")
    page.click(f"text={CASE_TITLE}")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    return page.url


def choose(page, name, text):
    """Select the option of select NAME whose label contains TEXT."""
    value = page.locator(f"select[name={name}] option", has_text=text).get_attribute("value")
    page.select_option(f"select[name={name}]", value)


def show_case(page, case_url):
    """Load the case page afresh (going to the same URL with another #fragment would not reload it)."""
    if page.url == case_url:
        page.reload()
    else:
        page.goto(case_url)


def sign_final_version(page, case_url):
    show_case(page, case_url)
    page.click("[data-testid=read-and-sign]")
    page.wait_for_url(re.compile(r".*/versions/\d+$"))
    page.check("input[name=sign-confirm]")
    page.fill("input[name=sign-password]", DEMO_PASSWORD)
    page.click("[data-testid=sign]")
    page.wait_for_url(re.compile(r".*/cases/\d+"))


def test_draft_sign_apply_confirm_and_download_the_ruling(server, browser):
    due = (date.today() + timedelta(days=20)).isoformat()
    listing_due = (date.today() + timedelta(days=7)).isoformat()
    mediator = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = mediator.new_page()
    sign_in(page, server, "mediator2@demo.odr")
    case_url = open_case(page, server)
    page.click("[data-testid=start-agreement]")
    page.wait_for_url(re.compile(r".*/agreements/\d+/edit$"))
    for key in ("payment", "remove_listings"):
        page.select_option("select[name=add_key]", key)
        page.click("[data-testid=add-clause]")
        page.wait_for_load_state()
    choose(page, "c-0-debtor", "苍梧县聚香茶叶商行")
    choose(page, "c-0-creditor", "梧州茂圣六堡茶业有限公司")
    page.fill("input[name=c-0-amount]", "-3")  # a mistake first
    page.fill("input[name=c-0-due]", due)
    page.fill("input[name=c-0-purpose]", "赔偿经济损失及合理开支")
    page.fill("input[name=c-0-method]", "银行转账至申请人账户")
    choose(page, "c-1-debtor", "苍梧县聚香茶叶商行")
    choose(page, "c-1-creditor", "梧州茂圣六堡茶业有限公司")
    page.fill("input[name=c-1-platform]", "淘宝网")
    page.fill("textarea[name=c-1-links]", "https://item.taobao.com/item.htm?id=620000001")
    page.fill("input[name=c-1-due]", listing_due)
    page.click("[data-testid=save-version]")
    assert page.locator("input[name=c-0-amount].is-invalid").is_visible()
    assert page.input_value("input[name=c-0-purpose]") == "赔偿经济损失及合理开支"  # nothing typed is lost
    screenshot(page, "30-agreement-editor-error-zh")
    page.fill("input[name=c-0-amount]", "38000")
    page.click("[data-testid=save-version]")
    page.wait_for_url(re.compile(r".*/versions/1$"))
    assert "人民币38,000.00元" in page.locator("[data-testid=agreement-text]").inner_text()
    show_case(page, case_url)
    page.click("[data-testid=share-agreement]")
    page.wait_for_load_state()
    page.click("[data-testid=finalise-agreement]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=agreement-state][data-state=awaiting_signatures]").is_visible()
    screenshot(page, "31-agreement-final-zh")

    claimant = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    claimant_page = claimant.new_page()
    sign_in(claimant_page, server, "claimant@demo.odr")
    sign_final_version(claimant_page, case_url)
    respondent = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    respondent_page = respondent.new_page()
    sign_in(respondent_page, server, "respondent@demo.odr")
    sign_final_version(respondent_page, case_url)
    screenshot(respondent_page, "32-agreement-signed-phone-zh")
    sign_final_version(page, case_url)
    assert page.locator("[data-testid=agreement-state][data-state=effective]").is_visible()
    with page.expect_download() as download:
        page.click("[data-testid=signed-pdf]")
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    mediator.close()

    # Both parties apply together to the court that delegated the mediation.
    show_case(claimant_page, case_url)
    claimant_page.fill(
        "textarea[name=apply-facts_and_reasons]", "双方经委派调解自愿达成调解协议，请求确认协议有效。"
    )
    claimant_page.click("[data-testid=apply-confirmation]")
    claimant_page.wait_for_load_state()
    assert claimant_page.locator("[data-testid=waiting-join]").is_visible()
    show_case(respondent_page, case_url)
    respondent_page.click("[data-testid=join-application]")
    respondent_page.wait_for_load_state()
    assert respondent_page.locator("[data-testid=court-status]").is_visible()

    court = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    court_page = court.new_page()
    sign_in(court_page, server, "court@demo.odr")
    court_page.click("[data-testid=court-queue]")
    court_page.locator("[data-testid=confirmation-queue] a").first.click()
    court_page.fill("input[name=accept-court_case_number]", "（2026）桂04民特31号")
    court_page.click("[data-testid=court-accept]")
    court_page.wait_for_load_state()
    assert court_page.locator("[data-testid=decision-due]").is_visible()
    court_page.check("input[name=decide-decision][value=confirm]")
    court_page.fill("input[name=decide-judge_name]", "黄志明")
    court_page.click("[data-testid=court-decide]")
    court_page.wait_for_load_state()
    assert court_page.locator("[data-testid=ruling]").is_visible()
    screenshot(court_page, "33-court-confirmed-zh")
    court.close()

    show_case(claimant_page, case_url)
    assert claimant_page.locator("[data-testid=agreement-state][data-state=enforceable]").is_visible()
    assert "（2026）桂04民特31号" in claimant_page.locator("[data-testid=ruling]").inner_text()
    screenshot(claimant_page, "34-enforceable-en")
    with claimant_page.expect_download() as download:
        claimant_page.click("[data-testid=ruling-pdf]")
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    claimant.close()
    respondent.close()
