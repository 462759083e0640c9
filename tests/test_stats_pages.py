"""The statistics pages as their users post and read them: the staff dashboard with its filters,
each table's CSV file holding exactly the table's cells, and the public page with no case data."""

import csv
import io
import re
from html import unescape

import pytest

from odr.accounts.models import Role


def cells_of(html, table_id):
    """The rows of the table TABLE_ID as the page shows them (headings first)."""
    section = html.split(f'id="table-{table_id}"', 1)[1].split("</section>", 1)[0]
    table = section.split("<table", 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        rows.append(
            [
                unescape(re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
        )
    return rows


def csv_of(response):
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return [row for row in csv.reader(io.StringIO(text))]


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, name="管理员")


def test_admin_dashboard_shows_every_table_and_each_csv_matches(db, stats_data, admin, make_client):
    browser = make_client(admin)
    page = browser.get("/stats?from=2026-01&to=2026-12")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ids = re.findall(r'data-table="([a-z_]+)"', html)
    assert ids[:6] == ["overview", "monthly", "by_ip_type", "by_industry", "by_place", "by_channel"]
    assert {
        "durations",
        "compensation",
        "confirmation",
        "limits",
        "performance",
        "survey",
        "experts",
        "training",
    } <= set(ids)
    overview = dict(cells_of(html, "overview")[1:])
    assert overview["Cases filed"] == "6" and overview["Mediation success rate"] == "50.0%"
    assert (
        overview["Compensation agreed (CNY)"] == "30,000.00"
        and overview["Agreed as a share of claimed"] == "37.5%"
    )
    durations = cells_of(html, "durations")
    assert durations[1] == ["Filing to agreement", "1", "5", "5"]
    for table_id in ids:
        download = browser.get(f"/stats/{table_id}.csv?from=2026-01&to=2026-12")
        assert download.status_code == 200 and download.mimetype == "text/csv"
        shown = cells_of(html, table_id)
        if len(shown) == 2 and len(shown[1]) == 1:  # "nothing to count" placeholder row
            shown = shown[:1]
        assert csv_of(download) == shown, table_id
    # Charts are data blocks for the script, never inline code.
    assert '<script type="application/json" id="chart-data-monthly">' in html
    assert re.search(r"<script>(?!\s*</script>)", html) is None


def test_filters_as_the_form_sends_them(db, stats_data, admin, make_client):
    browser = make_client(admin)
    page = browser.get(
        f"/stats?from=2026-01&to=2026-12&org={stats_data['court'].id}&ip_type=trademark&industry=&place=&channel=&track="
    )
    assert page.status_code == 200
    assert dict(cells_of(page.get_data(as_text=True), "overview")[1:])["Cases filed"] == "1"
    bad = browser.get("/stats?from=2026-13&to=banana&ip_type=nonsense&org=999999", follow_redirects=True)
    text = bad.get_data(as_text=True)
    assert (
        bad.status_code == 200 and "YYYY-MM" in text and "nonsense" in text and "no such organisation" in text
    )
    swapped = browser.get("/stats?from=2026-12&to=2026-01")
    assert swapped.status_code == 200 and "swapped" in swapped.get_data(as_text=True)


def test_a_clerk_sees_only_their_organisation(db, stats_data, clerk, make_org, make_client):
    page = make_client(clerk).get(f"/stats?from=2026-01&to=2026-12&org={stats_data['court'].id}")
    html = page.get_data(as_text=True)
    assert (
        dict(cells_of(html, "overview")[1:])["Cases filed"] == "6"
    )  # the court's figure is not theirs to pick
    assert 'name="org"' not in html


def test_parties_and_strangers_have_no_dashboard(db, stats_data, claimant, client, make_client):
    assert make_client(claimant).get("/stats").status_code == 403
    assert client.get("/stats").status_code in (302, 401)
    assert client.get("/stats/overview.csv").status_code in (302, 401)


def test_public_page_has_figures_and_no_case_data(db, stats_data, client):
    page = client.get("/statistics?year=2026", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    tables = re.findall(r'data-table="([a-z_]+)"', html)
    assert "overview" in tables and not {"experts", "training", "confirmation"} & set(tables)
    assert dict(cells_of(html, "overview")[1:])["Cases filed"] == "6"
    case = stats_data["settled"]
    for secret in (case.number, case.title, *(p.name for p in case.parties)):
        assert secret not in html
    download = client.get("/statistics/by_ip_type.csv?year=2026", headers={"Accept-Language": "en"})
    assert csv_of(download) == cells_of(html, "by_ip_type")
    assert client.get("/statistics?year=1990").status_code == 404
    assert client.get("/statistics/nothing.csv?year=2026").status_code == 404


@pytest.mark.parametrize("locale", ["en", "zh_CN", "de"])
def test_numbers_are_written_as_babel_writes_them(app, locale):
    """The dashboard writes thousands of numbers a page by a quicker path than Babel's patterns:
    the text must be Babel's, in each language (German shows other group and decimal symbols)."""
    from decimal import Decimal

    from flask_babel import force_locale, format_decimal

    from odr.stats.tables import num

    whole = [0, 1, 7, 999, 1000, 12345, 999999, 1000000, 123456789, -1, -4321]
    amounts = [Decimal(x) for x in ("0", "0.5", "0.005", "0.015", "999.995", "1234.5", "1000000", "-12.5")]
    amounts += [Decimal("12.3").quantize(Decimal("0.1")), Decimal("1E+3"), Decimal("9876543.21")]
    with app.test_request_context(), force_locale(locale):
        for n in whole:
            assert num(n) == format_decimal(n, "#,##0"), n
        for d in amounts:
            assert num(d) == format_decimal(d, "#,##0.00"), d
        assert num(2.5) == format_decimal(2.5, "#,##0.##")
        assert num(None) == "—"


def test_the_filter_labels_read_as_a_period_in_chinese(db, admin, make_client):
    """The two month boxes read as the start and the end of a period (the end was once labelled
    "收件人", the addressee of a letter)."""
    from tests.form_support import submit

    admin.locale = "zh_CN"
    browser = make_client(admin)
    page = browser.get("/stats").get_data(as_text=True)
    labels = dict(re.findall(r'<label[^>]*for="(f-from|f-to)">([^<]+)</label>', page))
    assert labels == {"f-from": "起始（立案月份）", "f-to": "截至（立案月份）"}
    filtered = submit(browser, "/stats", testid="stats-filters", values={"from": "2026-01", "to": "2026-06"})
    assert filtered.status_code == 200 and 'value="2026-06"' in filtered.get_data(as_text=True)
