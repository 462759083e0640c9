"""In Chromium: the claimant deposits an exhibit and shares it, the respondent disputes it, the mediator
sees the summary; the deposit receipt verifies the original file and rejects a changed copy."""

import re

import pytest

from tests.browser_support import SCREENSHOTS, screenshot, sign_in

pytestmark = pytest.mark.browser
CASE = "六堡茶冷发酵工艺发明专利侵权纠纷"
TITLE = "公证购买被诉六堡茶的公证书"
# A small real PDF: what a party would upload.
ORIGINAL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n% (2026) Wuzhou notarial certificate No. 1234\n%%EOF\n"
)


def open_case(page, server):
    page.goto(server.url + "/cases")
    page.click(f"text={CASE}")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))


def check_file(page, server, path, receipt=None):
    page.goto(server.url + "/evidence/verify")
    page.set_input_files("input[name=file]", str(path))
    if receipt:
        page.set_input_files("input[name=receipt]", str(receipt))
    page.click("[data-testid=verify-form] button[type=submit]")
    page.wait_for_selector("[data-testid=verify-result]")
    return page.get_attribute("[data-testid=verify-result]", "data-result")


def test_deposit_share_dispute_summary_and_verify(server, browser, tmp_path):
    original = tmp_path / "公证书.pdf"
    original.write_bytes(ORIGINAL)
    changed = tmp_path / "公证书-改.pdf"
    changed.write_bytes(ORIGINAL.replace(b"No. 1234", b"No. 1235"))

    # the claimant deposits the exhibit, keeps the receipt and shares the exhibit
    claimant = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = claimant.new_page()
    sign_in(page, server, "claimant@demo.odr")
    open_case(page, server)
    page.click("[data-testid=deposit-exhibit]")
    page.set_input_files("input[name=file]", str(original))
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=proves]", "被申请人在梧州茶城门店销售了使用涉案冷发酵工艺生产的六堡茶。")
    page.select_option("select[name=source]", "notarised_purchase")
    page.fill("input[name=obtained_on]", "2026-11-02")
    screenshot(page, "30-evidence-deposit-form-zh")
    page.click("[data-testid=deposit-form] button[type=submit]")
    page.wait_for_url(re.compile(r".*/evidence/\d+$"))
    exhibit_url = page.url
    assert page.get_attribute("[data-visibility]", "data-visibility") == "private"
    sha256 = page.inner_text("[data-testid=sha256]")
    with page.expect_download() as download:
        page.click("[data-testid=receipt]")
    receipt = tmp_path / "receipt.pdf"
    download.value.save_as(receipt)
    assert receipt.read_bytes().startswith(b"%PDF-")
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "evidence-receipt.pdf").write_bytes(receipt.read_bytes())
    page.click("[data-testid=share]")
    page.wait_for_selector("[data-visibility=shared]")
    screenshot(page, "31-evidence-shared-zh")
    claimant.close()

    # the respondent disputes its authenticity
    respondent = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = respondent.new_page()
    sign_in(page, server, "respondent@demo.odr")
    open_case(page, server)
    page.click(f"#evidence >> text={TITLE}")
    page.wait_for_url(exhibit_url)
    page.check("input[name=stance][value=dispute_authenticity]")
    page.fill("textarea[name=comment]", "公证书记载的购买地点并非我方门店，对真实性有异议。")
    page.click("[data-testid=respond-form] button[type=submit]")
    page.wait_for_selector("[data-stance=dispute_authenticity]")
    screenshot(page, "32-evidence-disputed-zh")
    respondent.close()

    # the mediator sees the summary of admitted and disputed exhibits
    mediator = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = mediator.new_page()
    sign_in(page, server, "mediator1@demo.odr")
    open_case(page, server)
    page.click("[data-testid=evidence-summary]")
    page.wait_for_url(re.compile(r".*/evidence/summary$"))
    row = page.locator("[data-testid=summary] tr", has_text=TITLE)
    assert row.locator("[data-status]").get_attribute("data-status") == "disputed"
    assert "对真实性有异议" in row.inner_text()
    assert page.inner_text("[data-count=disputed]") == "1"
    screenshot(page, "33-evidence-summary-mediator-zh")

    # anyone holding the file and the receipt can check them: the original matches, a changed copy not
    assert check_file(page, server, original, receipt) == "match"
    assert sha256 in page.content()
    assert page.inner_text("[data-testid=receipt-result]").strip() == "为该项存证出具的回执"
    screenshot(page, "34-evidence-verify-original-zh")
    assert check_file(page, server, changed, receipt) == "no-match"
    assert sha256 in page.inner_text("[data-testid=receipt-of]")  # the receipt names the original's hash
    screenshot(page, "35-evidence-verify-changed-copy-zh")
    mediator.close()
