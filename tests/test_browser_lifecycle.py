"""In Chromium, through the pages only: a new dispute from filing to an agreement performed.

The demo claimant files (Chinese); the clerk accepts (English) and assigns a mediator; the respondent
agrees; the mediator answers the request from its notification, opens the joint room and moves the
conversation to a caucus, drafts, shares and finalises the agreement; all three sign; the parties
apply jointly and the basic court's officer accepts and confirms; the respondent reports
performance with a proof file, which the claimant downloads and confirms: the agreement is
performed. Its undertaking to stop infringing, binding from today, is never overdue; the claimant
reports a breach with evidence, the respondent downloads it and answers, the mediator reads both,
the claimant applies for enforcement and the court records its acceptance. Every response of the
platform below 400, no console error, every notification link opens a page, every uploaded file comes
back from its link.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    DEMO_PASSWORD,
    Watch,
    download,
    follow_notification,
    open_as,
    screenshot,
    show,
    walk_into_mediation,
)

pytestmark = pytest.mark.browser
TITLE = "“茂圣”商标电商平台侵权纠纷（全流程）"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
EVIDENCE = b"\x89PNG\r\n\x1a\n" + bytes(40) + b"listing again"


def sign_final(page, case_url):
    show(page, case_url)
    page.click("[data-testid=read-and-sign]")
    page.wait_for_url(re.compile(r".*/versions/\d+$"))
    page.check("input[name=sign-confirm]")
    page.fill("input[name=sign-password]", DEMO_PASSWORD)
    page.click("[data-testid=sign]")
    page.wait_for_url(re.compile(r".*/cases/\d+"))


def test_a_dispute_from_filing_to_an_agreement_performed(server, browser, tmp_path):
    watch = Watch(server.url)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    due, today = (today + timedelta(days=20)).isoformat(), today.isoformat()

    # Filed in Chinese; the clerk (English) accepts and assigns; the respondent agrees (Chinese); the
    # mediator (English) accepts from the notification.
    pages, case_url, number = walk_into_mediation(
        browser,
        server,
        watch,
        TITLE,
        {"claimant": "zh-CN", "clerk": "en", "respondent": "zh-CN", "mediator": "en"},
    )
    claimant, clerk, respondent, mediator = (
        pages[k] for k in ("claimant", "clerk", "respondent", "mediator")
    )

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
    # Stopping the infringement is an undertaking that binds from today (Beijing), not a dated duty.
    mediator.select_option("select[name=add_key]", "cease_infringement")
    mediator.click("[data-testid=add-clause]")
    mediator.wait_for_load_state()
    for name, text in (("c-1-debtor", "苍梧县聚香茶叶商行"), ("c-1-creditor", "梧州茂圣六堡茶业有限公司")):
        value = mediator.locator(f"select[name={name}] option", has_text=text).get_attribute("value")
        mediator.select_option(f"select[name={name}]", value)
    mediator.fill("textarea[name=c-1-scope]", "在网店销售标有“茂圣”字样的茶叶")
    mediator.fill("input[name=c-1-from_date]", today)
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
    assert download(claimant, "text=转账回单.png") == PNG
    claimant.check("input[name=answer-decision][value=confirm]")
    claimant.locator("[data-testid=obligation] form button[type=submit]").first.click()
    claimant.wait_for_load_state()
    show(claimant, case_url)
    assert claimant.locator("[data-testid=agreement-state][data-state=performed]").is_visible()
    assert claimant.locator("[data-step=performed][data-status=done]").is_visible()
    screenshot(claimant, "61-walk-performed-zh")

    # The undertaking binds on and is never overdue. The claimant reports a breach with evidence; the
    # respondent, told of it, downloads the evidence and answers; the mediator reads both; the
    # claimant applies for enforcement and the court records its acceptance.
    undertaking = claimant.locator("[data-testid=obligation][data-kind=ongoing]")
    assert undertaking.locator(".badge", has_text="持续有效").is_visible()  # in force, no overdue mark
    assert undertaking.locator(".text-danger").count() == 0
    undertaking.locator("[data-testid=report-breach] summary").click()
    evidence = tmp_path / "网店重新上架截图.png"
    evidence.write_bytes(EVIDENCE)
    claimant.fill("input[name=breach-observed_on]", today)
    claimant.fill("textarea[name=breach-text]", "被申请人网店今日重新上架标有“茂圣”字样的茶叶。")
    claimant.set_input_files("input[name=breach-file]", str(evidence))
    undertaking.locator("[data-testid=report-breach] button[type=submit]").click()
    claimant.wait_for_load_state()
    assert claimant.locator("[data-testid=agreement-state][data-state=in_default]").is_visible()
    follow_notification(respondent, server, number)
    show(respondent, case_url)
    assert download(respondent, "[data-testid=breach-evidence]") == EVIDENCE
    respondent.fill("textarea[name=breachanswer-text]", "系店员误操作，已于当日下架。")
    respondent.click("[data-testid=answer-breach] button[type=submit]")
    respondent.wait_for_load_state()
    show(mediator, case_url)
    assert mediator.locator("[data-testid=breach-answer]", has_text="已于当日下架").is_visible()
    assert download(mediator, "[data-testid=breach-evidence]") == EVIDENCE
    show(claimant, case_url)
    claimant.click("[data-testid=enforce] summary")
    claimant.fill("textarea[name=enforce-facts]", "被申请人违反停止侵权的承诺，重新上架侵权茶叶。")
    claimant.click("[data-testid=enforce] button[type=submit]")
    claimant.wait_for_load_state()
    assert download(claimant, "[data-testid=enforcement] a").startswith(b"%PDF-")
    screenshot(claimant, "62-walk-breach-enforcement-zh")
    show(court, server.url + "/dashboard")
    court.click("[data-testid=court-queue]")
    application = court.locator("[id^=enforcement-]", has_text=number)
    application.locator("input:not([type=hidden])").fill("（2026）桂0403执201号")
    application.locator("button[type=submit]").click()
    court.wait_for_load_state()
    assert court.locator("[id^=enforcement-]", has_text="（2026）桂0403执201号").is_visible()
    for page in (claimant, clerk, respondent, mediator, court):
        page.context.close()
    assert not watch.problems, "\n".join(map(str, watch.problems))
