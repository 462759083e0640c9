"""In Chromium, in Chinese, through the pages only: a failed mediation goes to arbitration and ends in
an award issued and performed. The claimant applies from the case page, the commission accepts, the
respondent files a defence, both parties name the same sole arbitrator, who signs the declaration and
accepts, keeps a deliberation note and drafts the award; the commission reviews the draft, the
arbitrator signs it with their password; the parties follow the notification and download the award;
the respondent reports performance with a proof file, which the claimant downloads and confirms.
Every response of the platform below 400, no console error, every notification link opens a page."""

import re

import pytest

from tests.browser_support import (
    DEMO_PASSWORD,
    Watch,
    download,
    follow_notification,
    open_as,
    screenshot,
    show,
)

pytestmark = pytest.mark.browser
CASE_TITLE = "“茂圣”商标特许经营纠纷（调解不成）"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(48) + b"award paid"


def open_case(page, server):
    page.goto(server.url + "/cases")
    page.click(f"text={CASE_TITLE}")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    return page.url


def name_sole_arbitrator(page, case_url, name):
    show(page, case_url)
    page.click("[data-testid=name-sole]")
    page.wait_for_url(re.compile(r".*/panel/sole$"))
    page.locator("[data-testid=candidates] tr", has_text=name).locator("button").click()
    page.wait_for_url(re.compile(r".*/cases/\d+"))


def test_failed_mediation_to_an_issued_award(server, browser, tmp_path):
    watch = Watch(server.url)
    page = open_as(browser, server, watch, "claimant@demo.odr", "zh-CN")
    case_url = open_case(page, server)
    number = page.locator("[data-testid=case-number]").inner_text()
    form = page.locator("[data-testid=arbitration-apply]")
    form.locator("textarea[name=arb-basis]").fill("《特许经营合同》第二十条：争议提交梧州仲裁委员会仲裁。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=arbitration-state][data-state=submitted]").is_visible()

    clerk_page = open_as(browser, server, watch, "arbclerk@demo.odr", "zh-CN")
    follow_notification(clerk_page, server, number)
    show(clerk_page, case_url)
    clerk_page.check("input[name=acc-expedited][value='1']")
    clerk_page.click("[data-testid=arbitration-accept]")
    clerk_page.wait_for_load_state()
    assert clerk_page.locator("[data-testid=arbitration-state][data-state=forming_tribunal]").is_visible()
    arbitration = clerk_page.locator("[data-testid=arbitration-number]").inner_text()  # the notices name it
    screenshot(clerk_page, "50-arbitration-accepted-zh")

    # The respondent files its defence, then both sides name the same sole arbitrator.
    respondent_page = open_as(browser, server, watch, "respondent@demo.odr", "zh-CN")
    follow_notification(respondent_page, server, arbitration)
    show(respondent_page, case_url)
    respondent_page.fill("textarea[name=ans-defence]", "合同到期后我方已逐步撤换招牌，仅剩少量旧包装。")
    respondent_page.locator("form[action$='/answer'] button[type=submit]").click()
    respondent_page.wait_for_load_state()
    assert respondent_page.locator("textarea[name=ans-defence]").count() == 0
    name_sole_arbitrator(page, case_url, "周建国")
    name_sole_arbitrator(respondent_page, case_url, "周建国")

    arbitrator_page = open_as(browser, server, watch, "arbitrator@demo.odr", "zh-CN")
    follow_notification(arbitrator_page, server, arbitration)
    show(arbitrator_page, case_url)
    request = arbitrator_page.locator("[data-testid=seat-request]")
    assert "独立、公正" in request.inner_text()
    request.locator("input[name=seat-decision][value=accept]").check()
    request.locator("input[name=seat-declaration]").check()
    request.locator("input[name=seat-password]").fill(DEMO_PASSWORD)
    request.locator("[data-testid=seat-answer]").click()
    arbitrator_page.wait_for_load_state()
    assert arbitrator_page.locator("[data-testid=arbitration-state][data-state=hearing]").is_visible()
    screenshot(arbitrator_page, "51-tribunal-formed-zh")
    arbitrator_page.click("[data-testid=deliberation] summary")
    arbitrator_page.fill("textarea[name=note-text]", "赔偿数额参照特许经营费标准确定。")
    arbitrator_page.locator("[data-testid=deliberation] button[type=submit]").click()
    arbitrator_page.wait_for_load_state()
    assert (
        "赔偿数额参照特许经营费标准确定。"
        in arbitrator_page.locator("[data-testid=deliberation]").text_content()
    )
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
    show(respondent_page, case_url)
    assert respondent_page.locator("[data-testid=award-draft]").count() == 0

    show(clerk_page, case_url)
    review = clerk_page.locator("[data-testid=review-award]")
    review.locator("textarea[name=review-remarks]").fill("请写明赔偿款的支付方式。")
    review.locator("button[type=submit]").click()
    clerk_page.wait_for_load_state()
    assert clerk_page.locator("[data-testid=arbitration-state][data-state=award_pending]").is_visible()

    show(arbitrator_page, case_url)
    assert "请写明赔偿款的支付方式。" in arbitrator_page.locator("[data-testid=award-reviewed]").inner_text()
    sign = arbitrator_page.locator("[data-testid=sign-award]")
    sign.locator("input[name=sign-password]").fill(DEMO_PASSWORD)
    sign.locator("button[type=submit]").click()
    arbitrator_page.wait_for_load_state()
    assert arbitrator_page.locator("[data-testid=award-issued]").is_visible()

    # The respondent hears of the award, downloads it and reports performance with a proof file.
    follow_notification(respondent_page, server, arbitration)
    show(respondent_page, case_url)
    assert respondent_page.locator("[data-testid=arbitration-state][data-state=awarded]").is_visible()
    screenshot(respondent_page, "52-award-issued-zh")
    assert download(respondent_page, "[data-testid=award-pdf]").startswith(b"%PDF-")
    proof = tmp_path / "赔偿款转账回单.png"
    proof.write_bytes(PNG)
    respondent_page.click("[data-testid=award-performance] summary")
    respondent_page.fill("textarea[name=perf-text]", "已于今日转账支付赔偿款40,000元及仲裁费。")
    respondent_page.set_input_files("input[name=perf-file]", str(proof))
    respondent_page.locator("[data-testid=award-performance] form button[type=submit]").click()
    respondent_page.wait_for_load_state()

    # The claimant hears of it, downloads exactly that proof and confirms: the award is performed.
    follow_notification(page, server, arbitration)
    show(page, case_url)
    assert download(page, "text=赔偿款转账回单.png") == PNG
    page.check("input[name=decision][value=confirm]")
    page.locator("[data-testid=award-performance] form button[type=submit]").click()
    page.wait_for_load_state()
    show(page, case_url)
    assert page.locator("[data-testid=award-performance]", has_text="已履行").is_visible()
    assert page.locator("[data-testid=award-due]").count() == 0  # no countdown to an award already made
    screenshot(page, "53-award-performed-zh")
    for each in (page, clerk_page, respondent_page, arbitrator_page):
        each.context.close()
    assert not watch.problems, "\n".join(map(str, watch.problems))
