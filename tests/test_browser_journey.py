"""The first journey, in Chromium: register, file, intake and triage, the respondent consents."""

import re

import pytest

from odr.core.identifiers import uscc_check_char
from tests.browser_support import screenshot, sign_in, use_language

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_claimant_files_clerk_accepts_respondent_consents(server, browser):
    # A rights holder registers, in Chinese.
    claimant = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = claimant.new_page()
    page.goto(server.url + "/register")
    assert "注册" in page.title()
    code = "91450400MA5KB9X7Q"
    code += uscc_check_char(code)
    page.check("input[name=party_kind][value=company]")
    page.fill("input[name=name]", "梧州六堡茶科技有限公司")
    page.fill("input[name=credit_code]", code)
    page.fill("input[name=contact_name]", "梁经理")
    page.fill("input[name=phone]", "13812345678")
    page.fill("input[name=email]", "liubao@example.com")
    page.fill("input[name=password]", "Liubao-tea-2026")
    page.fill("input[name=confirm]", "Liubao-tea-2026")
    page.check("input[name=accept_terms]")
    screenshot(page, "01-register-zh")
    page.click("main form button[type=submit]")
    # A new company is asked for its documents: its business licence and its representative's ID.
    page.wait_for_url(re.compile(r".*/account/identity$"))
    page.set_input_files(
        "input[name=business_licence]", {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.set_input_files(
        "input[name=representative_identity]",
        {"name": "法定代表人身份证.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.click("[data-testid=submit-identity]")
    page.wait_for_url(re.compile(r".*/account/identity$"))
    assert "等待书记员核验" in page.locator("[data-testid=identity-status]").inner_text()
    screenshot(page, "01b-identity-documents-zh")

    # ... and files a Liubao tea dispute; a wrong amount is caught first and nothing is lost.
    page.goto(server.url + "/cases/new")
    page.fill("input[name=title]", "六堡茶地理标志证明商标侵权纠纷")
    page.select_option("select[name=ip_type]", "geographical_indication")
    page.select_option("select[name=industry]", "liubao_tea")
    page.select_option("select[name=place]", "ecommerce_platform")
    page.fill("input[name=claim_amount]", "-100")
    page.fill("textarea[name=remedies]", "停止侵权，下架商品链接，赔偿损失五万元。")
    page.fill("textarea[name=facts]", "被申请人在电商平台销售标注“六堡茶”的非产区茶叶。")
    page.check("input[name='respondents-0-kind'][value=company]")
    page.fill("input[name='respondents-0-name']", "苍梧县聚香茶叶商行")
    page.fill("input[name='respondents-0-credit_code']", "91450421MA5L0D1P4J")
    page.fill("input[name='respondents-0-phone']", "13900000000")
    page.fill("input[name=representative]", "梁振华")
    page.check("input[name=online_consent]")
    page.click("#case-form > button[type=submit]")
    assert page.locator(".invalid-feedback", has_text="不能为负").is_visible()
    assert page.input_value("textarea[name=facts]").startswith("被申请人在电商平台")
    screenshot(page, "02-filing-error-zh")
    page.fill("input[name=claim_amount]", "50000")
    page.click("#case-form > button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    assert page.locator("[data-state=submitted]").is_visible()
    screenshot(page, "03-case-filed-zh")

    # The clerk, in English, finds it in the intake queue and accepts it on the proposed track.
    clerk = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = clerk.new_page()
    sign_in(page, server, "clerk@demo.odr")
    use_language(page, "en")  # the demo clerk prefers Chinese
    page.goto(server.url + "/cases/intake")
    page.click("text=六堡茶地理标志证明商标侵权纠纷")
    page.wait_for_url(case_url)
    assert page.locator("[data-testid=proposed-track]").inner_text() == "Simple track"
    screenshot(page, "04-intake-en")
    # The claimant is not verified yet: the clerk checks its documents first.
    page.click("[data-testid=review-identity]")
    assert page.locator("[data-testid=identity-document]").count() == 2
    page.check("input[name=decision][value=verify]")
    page.fill("textarea[name=reason]", "Licence and representative's ID match the credit code.")
    screenshot(page, "04b-identity-check-en")
    page.click("[data-testid=decide]")
    page.wait_for_url(re.compile(r".*/identity/queue$"))
    page.goto(case_url)
    assert "Verified" in page.locator("[data-testid=claimant-identity]").inner_text()
    page.click("#intake form button[type=submit]")
    page.wait_for_url(case_url)
    number = page.locator("[data-testid=case-number]").inner_text()
    assert re.fullmatch(r"WZIP-\d{4}-\d{6}", number)
    assert page.locator("[data-state=awaiting_respondent]").is_visible()
    screenshot(page, "05-accepted-en")

    # The respondent, on a phone, sees the invitation and consents.
    respondent = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = respondent.new_page()
    sign_in(page, server, "respondent@demo.odr")
    use_language(page, "zh-CN")  # another walk on this server may have left the account in English
    page.click(f"text={number}")
    page.wait_for_url(case_url)
    page.check("input[name='answer-decision'][value=consent]")
    screenshot(page, "06-invitation-mobile-zh")
    page.click("#answer button[type=submit]")
    page.wait_for_url(case_url)
    assert page.locator("[data-state=awaiting_mediator]").is_visible()
    assert "待分配调解员" in page.content()
    use_language(page, "en")
    assert page.locator("[data-state=awaiting_mediator]").inner_text() == "Awaiting mediator"
    assert "Respondent consented to mediation" in page.content()
    screenshot(page, "07-consented-mobile-en")

    for context in (claimant, clerk, respondent):
        context.close()
