"""In Chromium, through the pages only: a new dispute from filing to an agreement performed.

The demo claimant files (Chinese); the clerk accepts (English) and assigns a mediator; the respondent
agrees; the mediator answers the request from its notification, opens the joint room and moves the
conversation to a caucus, drafts, shares and finalises the agreement; all three sign; the parties
apply jointly and the basic court's officer accepts and confirms; the respondent reports
performance with a proof file, which the claimant downloads and confirms: the agreement is
performed. Every response of the platform below 400, no console error, every notification link
opens a page, every uploaded file comes back from its link.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser_support import DEMO_PASSWORD, screenshot, sign_in, use_language

pytestmark = pytest.mark.browser
TITLE = "“茂圣”商标电商平台侵权纠纷（全流程）"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


class Watch:
    """Every error a browser context meets: platform responses of 400 and above, console errors."""

    def __init__(self, origin):
        self.origin, self.problems = origin, []

    def attach(self, context, who):
        def response(r):
            if r.url.startswith(self.origin) and r.status >= 400:
                self.problems.append((who, r.status, r.url))

        def console(m):
            if m.type == "error":
                self.problems.append((who, "console", m.text))

        context.on("response", response)
        context.on("console", console)
        return context


def open_as(browser, server, watch, email, language, width=1280):
    context = watch.attach(
        browser.new_context(locale=language, viewport={"width": width, "height": 900}), email
    )
    page = context.new_page()
    sign_in(page, server, email)
    use_language(page, language)
    return page


def show(page, url):
    page.goto(url) if page.url != url else page.reload()


def sign_final(page, case_url):
    show(page, case_url)
    page.click("[data-testid=read-and-sign]")
    page.wait_for_url(re.compile(r".*/versions/\d+$"))
    page.check("input[name=sign-confirm]")
    page.fill("input[name=sign-password]", DEMO_PASSWORD)
    page.click("[data-testid=sign]")
    page.wait_for_url(re.compile(r".*/cases/\d+"))


def follow_notification(page, server, number):
    """Open the notification about case NUMBER from the bell; the page it opens answers 200."""
    page.click("[data-testid=bell]")
    page.wait_for_url(re.compile(r".*/notifications$"))
    assert page.locator("#bell-count").inner_text() in ("", "0")  # reading the list clears the bell
    links = page.locator("[data-testid=notification-link]", has_text=number)
    assert links.count() >= 1
    for href in {links.nth(i).get_attribute("href") for i in range(links.count())}:
        assert page.request.get(server.url + href).status == 200, href
    links.first.click()
    page.wait_for_load_state()


def test_a_dispute_from_filing_to_an_agreement_performed(server, browser, tmp_path):
    watch = Watch(server.url)
    due = (date.today() + timedelta(days=20)).isoformat()

    # The claimant files, in Chinese.
    claimant = open_as(browser, server, watch, "claimant@demo.odr", "zh-CN")
    claimant.goto(server.url + "/cases/new")
    claimant.fill("input[name=title]", TITLE)
    claimant.select_option("select[name=ip_type]", "trademark")
    claimant.select_option("select[name=industry]", "liubao_tea")
    claimant.select_option("select[name=place]", "ecommerce_platform")
    claimant.fill("input[name=claim_amount]", "60000")
    claimant.fill("textarea[name=remedies]", "停止侵权，下架商品链接，赔偿损失六万元。")
    claimant.fill("textarea[name=facts]", "被申请人在电商平台店铺使用“茂圣”商标销售茶叶。")
    claimant.check("input[name='respondents-0-kind'][value=company]")
    claimant.fill("input[name='respondents-0-name']", "苍梧县聚香茶叶商行")
    claimant.fill("input[name='respondents-0-credit_code']", "91450421MA5L0D1P4J")
    claimant.fill("input[name='respondents-0-phone']", "13900000000")
    claimant.check("input[name=online_consent]")
    claimant.click("#case-form > button[type=submit]")
    claimant.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = claimant.url
    assert claimant.locator("[data-step=filed][data-status=done]").is_visible()

    # The clerk, in English, accepts it and later assigns the mediator.
    clerk = open_as(browser, server, watch, "clerk@demo.odr", "en")
    clerk.goto(server.url + "/cases/intake")
    clerk.click(f"text={TITLE}")
    clerk.wait_for_url(case_url)
    clerk.click("#intake form button[type=submit]")
    clerk.wait_for_url(case_url)
    number = clerk.locator("[data-testid=case-number]").inner_text()
    assert "respondent answers" in clerk.locator("[data-testid=awaited]").inner_text()

    # The respondent agrees, from the notification.
    respondent = open_as(browser, server, watch, "respondent@demo.odr", "zh-CN")
    follow_notification(respondent, server, number)
    respondent.check("input[name=answer-decision][value=consent]")
    respondent.click("#answer form button[type=submit]")
    respondent.wait_for_url(case_url)

    show(clerk, case_url)
    clerk.click("[data-testid=assign-mediator]")
    clerk.locator("[data-testid=candidates] tr", has_text="黄志强").locator("button").click()
    clerk.wait_for_url(case_url + "#experts")

    # The mediator answers from the notification (it opens the request, not a 404).
    mediator = open_as(browser, server, watch, "mediator1@demo.odr", "en")
    assert mediator.locator("[data-testid=pending-requests]", has_text=number).is_visible()
    follow_notification(mediator, server, number)
    assert re.search(r"/assignments/\d+$", mediator.url)
    mediator.check("input[name=decision][value=accept]")
    mediator.check("input[name=declaration]")
    mediator.fill("input[name=password]", DEMO_PASSWORD)
    mediator.click("main form button[type=submit]")
    mediator.wait_for_url(case_url)
    assert mediator.locator("[data-state=mediating]").is_visible()

    # The joint room: opened, then the conversation moves to the respondent's caucus.
    mediator.click("[data-testid=room-joint]")
    mediator.wait_for_url(re.compile(r".*/rooms/\d+$"))
    if mediator.locator("#room-state[data-open='0']").count():
        mediator.click("[data-testid=toggle-room]")
        mediator.wait_for_load_state()
    mediator.fill("#body", "双方好，今天先听取申请人意见。")
    mediator.press("#body", "Enter")
    meta = mediator.locator(".msg", has_text="先听取申请人意见").locator(".small")
    expect(meta).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))  # stored: in Beijing time
    assert "#" not in meta.inner_text()  # no internal sequence number
    mediator.select_option("select[name=to]", "caucus_respondent")
    mediator.click("form[action$='/move'] button[type=submit]")
    mediator.wait_for_url(re.compile(r".*/rooms/\d+$"))
    assert mediator.locator("h1", has_text="Caucus").is_visible()
    screenshot(mediator, "60-walk-caucus-en")

    # The agreement: drafted, shared, finalised; version 1 is the first save.
    show(mediator, case_url)
    mediator.click("[data-testid=start-agreement]")
    mediator.wait_for_url(re.compile(r".*/agreements/\d+/edit$"))
    mediator.select_option("select[name=add_key]", "payment")
    mediator.click("[data-testid=add-clause]")
    mediator.wait_for_load_state()
    for name, text in (("c-0-debtor", "苍梧县聚香茶叶商行"), ("c-0-creditor", "梧州茂圣六堡茶业有限公司")):
        value = mediator.locator(f"select[name={name}] option", has_text=text).get_attribute("value")
        mediator.select_option(f"select[name={name}]", value)
    mediator.fill("input[name=c-0-amount]", "30000")
    mediator.fill("input[name=c-0-due]", due)
    mediator.fill("input[name=c-0-purpose]", "赔偿经济损失")
    mediator.fill("input[name=c-0-method]", "银行转账")
    mediator.click("[data-testid=save-version]")
    mediator.wait_for_url(re.compile(r".*/versions/1$"))
    show(mediator, case_url)
    mediator.click("[data-testid=share-agreement]")
    mediator.wait_for_load_state()
    mediator.click("[data-testid=finalise-agreement]")
    mediator.wait_for_load_state()
    for page in (claimant, respondent, mediator):
        sign_final(page, case_url)
    assert mediator.locator("[data-testid=agreement-state][data-state=effective]").is_visible()

    # Judicial confirmation by the court proposed on the page, which a demo account serves.
    show(claimant, case_url)
    claimant.fill("textarea[name=apply-facts_and_reasons]", "双方经调解自愿达成协议，请求司法确认。")
    claimant.click("[data-testid=apply-confirmation]")
    claimant.wait_for_load_state()
    show(respondent, case_url)
    respondent.click("[data-testid=join-application]")
    respondent.wait_for_load_state()
    court = open_as(browser, server, watch, "basiccourt@demo.odr", "zh-CN")
    court.click("[data-testid=court-queue]")
    court.locator("[data-testid=confirmation-queue] a", has_text=number).first.click()
    court.fill("input[name=accept-court_case_number]", "（2026）桂0403民特101号")
    court.click("[data-testid=court-accept]")
    court.wait_for_load_state()
    court.check("input[name=decide-decision][value=confirm]")
    court.fill("input[name=decide-judge_name]", "蒙法官")
    court.click("[data-testid=court-decide]")
    court.wait_for_load_state()
    assert court.locator("[data-testid=ruling]").is_visible()

    # Performance: the respondent reports with a proof file; the claimant downloads it and confirms.
    show(respondent, case_url)
    respondent.locator("[data-testid=obligation] summary").first.click()
    respondent.fill("textarea[name=report-text]", "已通过银行转账支付30000元，见回单。")
    proof = tmp_path / "转账回单.png"
    proof.write_bytes(PNG)
    respondent.set_input_files("input[name=report-file]", str(proof))
    respondent.locator("[data-testid=obligation] form button[type=submit]").first.click()
    respondent.wait_for_load_state()
    show(claimant, case_url)
    with claimant.expect_download() as download:
        claimant.click("text=转账回单.png")
    assert download.value.path().read_bytes() == PNG
    claimant.check("input[name=answer-decision][value=confirm]")
    claimant.locator("[data-testid=obligation] form button[type=submit]").first.click()
    claimant.wait_for_load_state()
    show(claimant, case_url)
    assert claimant.locator("[data-testid=agreement-state][data-state=performed]").is_visible()
    assert claimant.locator("[data-step=performed][data-status=done]").is_visible()
    screenshot(claimant, "61-walk-performed-zh")
    for page in (claimant, clerk, respondent, mediator, court):
        page.context.close()
    assert not watch.problems, "\n".join(map(str, watch.problems))
