"""In Chromium, without signing in: search the list of infringers by name and by credit code (a
mistyped check digit is explained), open an entry, in Chinese and in English."""

import re

import pytest

from tests.browser_support import screenshot

pytestmark = pytest.mark.browser
LISTED = "苍梧县聚香茶叶商行"
CODE = "91450421MA5L0D1P4J"


def search(page, server, text):
    page.goto(server.url + "/infringers")
    page.fill("[data-testid=registry-q]", text)
    page.click("[data-testid=registry-search]")
    page.wait_for_load_state()


def test_the_public_searches_the_list_and_reads_an_entry_in_both_languages(server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(server.url + "/")
    page.click("[data-testid=registry-public]")
    page.wait_for_url(re.compile(r".*/infringers$"))
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "重复侵权、故意侵权企业名录" in page.inner_text("h1")
    table = page.inner_text("[data-testid=registry-list]")
    assert LISTED in table and "岑*******" in table  # the sole trader is masked
    assert "藤县宏达建材有限公司" not in table  # under objection: not published
    assert "梧州市金茗茶业有限公司" not in table  # removed after credit repair
    assert "信用修复移出" in page.inner_text("[data-testid=registry-changes]")
    screenshot(page, "60-registry-list-zh")

    search(page, server, "聚香茶叶")
    assert page.locator("[data-testid=registry-list] tbody tr").count() == 1
    search(page, server, CODE[:17] + "0")
    assert "校验码" in page.inner_text("[data-testid=registry-problem]")
    assert page.input_value("[data-testid=registry-q]") == CODE[:17] + "0"
    screenshot(page, "61-registry-check-digit-zh")

    search(page, server, CODE.lower())
    page.click(f"[data-testid=registry-list] >> text={LISTED}")
    page.wait_for_url(re.compile(r".*/infringers/\d+$"))
    assert LISTED in page.inner_text("[data-testid=registry-entry-name]")
    assert "重复侵权" in page.inner_text("[data-testid=registry-entry-name]")
    decisions = page.inner_text("[data-testid=registry-decisions]")
    assert "（2023）桂04民初211号" in decisions and "梧市监处罚〔2025〕37号" in decisions
    assert "5年内至少2次" in page.inner_text("[data-testid=registry-basis]")
    until = page.inner_text("[data-testid=registry-until]")
    assert re.search(r"\d{4}-\d{2}-\d{2}", until) and "北京时间24时" in until
    screenshot(page, "62-registry-entry-zh")

    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Repeat infringement" in page.inner_text("[data-testid=registry-entry-name]")
    assert "Published until" in page.inner_text("main")
    assert "（2023）桂04民初211号" in page.inner_text("[data-testid=registry-decisions]")
    screenshot(page, "63-registry-entry-en")

    search(page, server, CODE[:17] + "0")
    assert "check digit does not match" in page.inner_text("[data-testid=registry-problem]")
    search(page, server, "岑溪市李记")  # a masked name cannot be found by the full name
    assert page.locator("[data-testid=registry-empty]").count() == 1
    page.goto(server.url + "/infringers")
    assert "List of repeat and willful IP infringers" in page.inner_text("h1")
    screenshot(page, "64-registry-list-en")
    context.close()
