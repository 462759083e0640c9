"""In Chromium: the mediator proposes to extend the mediation period (a bad date first), both
parties consent, and the case page shows the new end; the mediator records a fact that both confirm."""

import re

import pytest

from tests.browser_support import screenshot, sign_in, use_language

pytestmark = pytest.mark.browser
CASE_TITLE = "六堡茶冷发酵工艺发明专利侵权纠纷"


def open_case(page, server):
    page.goto(server.url + "/cases")
    page.click(f"text={CASE_TITLE}")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))


def answer(browser, server, email, *, fact=False):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, server, email)
    open_case(page, server)
    if fact:
        page.click("#facts summary")
        page.check("#facts input[value=confirm]")
        page.click("#facts form button[type=submit]")
    else:
        page.check("#extension input[value=consent]")
        page.click("#extension form button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_extension_with_every_partys_consent_and_a_confirmed_fact(server, browser):
    mediator = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = mediator.new_page()
    sign_in(page, server, "mediator1@demo.odr")
    use_language(page, "en")
    open_case(page, server)
    page.click("text=Propose an extension")
    page.fill("input[name=ext-new_date]", "2020-01-01")
    page.fill("textarea[name=ext-reason]", "等待技术调查官的意见")
    page.click("#extension form button[type=submit]")
    assert "The new end date is in the past." in page.locator(".alert-danger").inner_text()
    # The form is shown again, open, with what was typed: the reason is kept, the date corrected.
    assert page.input_value("textarea[name=ext-reason]") == "等待技术调查官的意见"
    page.fill("input[name=ext-new_date]", "")
    page.fill("input[name=ext-days]", "10")
    page.click("#extension form button[type=submit]")
    assert page.locator("[data-testid=extension-open]").is_visible()
    page.click("#facts summary")
    page.fill("textarea[name=fact-text]", "被申请人在梧州茶城门店销售六堡茶。")
    page.click("#facts form button[type=submit]")
    screenshot(page, "42-mediator-proposes-extension-en")

    for email in ("claimant@demo.odr", "respondent@demo.odr"):
        context, party_page = answer(browser, server, email)
        context.close()
        context, party_page = answer(browser, server, email, fact=True)
        if email.startswith("respondent"):
            screenshot(party_page, "43-respondent-after-consenting-phone-zh")
        context.close()

    page.reload()
    text = page.locator("#extension").inner_text()
    assert "Agreed by every party" in text
    assert "confirmed by every party" in page.locator("#facts").inner_text()
    mediator.close()
