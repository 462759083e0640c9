"""In Chromium: the statistics dashboard and the public page in Chinese and in English; every chart
drawn, no console errors, and each table's CSV file holding exactly what the table shows."""

import csv
import io

import pytest

from tests.browser_support import screenshot, sign_in, use_language

pytestmark = pytest.mark.browser


def table_cells(page, table_id):
    return page.eval_on_selector(
        f"#table-{table_id} table",
        "t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.innerText.trim()))",
    )


def check_charts_and_csv(page, server, csv_prefix):
    charts = page.locator(".stats-chart")
    assert charts.count() >= 5
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.stats-chart')).every(c => c.dataset.rendered === 'true')"
    )
    for i in range(charts.count()):
        assert charts.nth(i).locator("svg path").count() > 0  # something was drawn
    ids = page.eval_on_selector_all("[data-table]", "els => els.map(e => e.dataset.table)")
    for table_id in ids:
        href = page.get_attribute(f"[data-csv={table_id}]", "href")
        assert href.startswith(csv_prefix)
        # As the browser fetches a link: with its languages (the signed-in user's choice wins).
        response = page.request.get(
            server.url + href, headers={"Accept-Language": page.evaluate("navigator.languages.join(',')")}
        )
        assert response.ok and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
        shown = table_cells(page, table_id)
        if len(shown) == 2 and len(shown[1]) == 1:  # the "nothing to count" row is not data
            shown = shown[:1]
        assert rows == shown, table_id
    return ids


def test_dashboards_in_both_languages(server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server, "admin@demo.odr")
    use_language(page, "zh-CN")
    page.click("text=统计分析")
    page.wait_for_url("**/stats")
    # The scheduler folds the demo cases in at its first tick.
    for _ in range(20):
        if table_cells(page, "overview")[1][1] != "0":
            break
        page.wait_for_timeout(500)
        page.reload()
    assert table_cells(page, "overview")[1][0] == "收案数" and int(table_cells(page, "overview")[1][1]) > 0
    ids = check_charts_and_csv(page, server, "/stats/")
    assert {
        "overview",
        "monthly",
        "by_ip_type",
        "durations",
        "confirmation",
        "experts",
        "training",
        "registry",
    } <= set(ids)
    screenshot(page, "70-stats-dashboard-zh")

    # A filter as the form sends it.
    page.select_option("#f-ip_type", "trademark")
    page.click("[data-testid=stats-filters] button[type=submit]")
    page.wait_for_load_state()
    assert "ip_type=trademark" in page.url
    check_charts_and_csv(page, server, "/stats/")

    use_language(page, "en")
    page.goto(server.url + "/stats")
    assert table_cells(page, "overview")[1][0] == "Cases filed"
    check_charts_and_csv(page, server, "/stats/")
    screenshot(page, "71-stats-dashboard-en")

    public = browser.new_context(locale="en", viewport={"width": 1300, "height": 900}).new_page()
    public.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    public.on("pageerror", lambda e: errors.append(str(e)))
    public.goto(server.url + "/")
    public.click("text=Published statistics")
    public.wait_for_url("**/statistics")
    ids = check_charts_and_csv(public, server, "/statistics/")
    assert "experts" not in ids and "confirmation" not in ids
    screenshot(public, "72-public-statistics-en")
    assert errors == []
