"""In Chromium, in English, through the pages only: a mediation that fails and is handed over to a court.

A new dispute is filed, accepted, agreed to and given a mediator; the claimant deposits an exhibit and
shares it; the mediator records a fact that both parties confirm, then ends the mediation without
agreement; the clerk refers the case to the basic court; the court's officer follows the notification
to the hand-over, downloads its summary and the exhibit (the very bytes uploaded) and records the
filing, which the parties then see. Every response of the platform below 400, no console error, every
notification link opens a page.
"""

import re

import pytest

from tests.browser_support import (
    Watch,
    download,
    follow_notification,
    open_as,
    screenshot,
    show,
    walk_into_mediation,
)

pytestmark = pytest.mark.browser
TITLE = "“茂圣”商标网店侵权纠纷（调解不成移交）"
EXHIBIT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n% purchase of the accused tea, order 8812\n%%EOF\n"
)
ENGLISH = {"claimant": "en", "clerk": "en", "respondent": "en", "mediator": "en"}


def test_a_failed_mediation_is_handed_over_to_the_court(server, browser, tmp_path):
    watch = Watch(server.url)
    pages, case_url, number = walk_into_mediation(browser, server, watch, TITLE, ENGLISH)
    claimant, clerk, respondent, mediator = (
        pages[k] for k in ("claimant", "clerk", "respondent", "mediator")
    )

    # The claimant deposits an exhibit and shares it with the other side.
    exhibit = tmp_path / "order-8812.pdf"
    exhibit.write_bytes(EXHIBIT)
    show(claimant, case_url)
    claimant.click("[data-testid=deposit-exhibit]")
    claimant.set_input_files("input[name=file]", str(exhibit))
    claimant.fill("input[name=title]", "网店购买被诉茶叶的订单")
    claimant.fill("textarea[name=proves]", "被申请人网店销售标有“茂圣”的茶叶。")
    claimant.select_option("select[name=source]", "notarised_purchase")
    claimant.fill("input[name=obtained_on]", "2026-11-02")
    claimant.click("[data-testid=deposit-form] button[type=submit]")
    claimant.wait_for_url(re.compile(r".*/evidence/\d+$"))
    assert download(claimant, "[data-testid=download]") == EXHIBIT
    claimant.click("[data-testid=share]")
    claimant.wait_for_selector("[data-visibility=shared]")

    # A fact both parties confirm goes with the file.
    show(mediator, case_url)
    mediator.click("#facts details summary")
    mediator.fill(
        "textarea[name=fact-text]", "The respondent sold tea marked 茂圣 in its online shop in October 2026."
    )
    mediator.click("#facts form[action$='/facts'] button[type=submit]")
    mediator.wait_for_load_state()
    for party in (claimant, respondent):
        show(party, case_url)
        party.click("[data-testid=facts] details summary")
        party.check("input[name=factans-decision][value=confirm]")
        party.click("[data-testid=facts] form button[type=submit]")
        party.wait_for_load_state()
    show(mediator, case_url)
    assert mediator.locator("[data-testid=facts]", has_text="confirmed by every party").is_visible()

    # The mediator ends the mediation; the hand-over package is made and waits for the clerk's referral.
    mediator.click("[data-testid=terminate] summary")
    mediator.fill("textarea[name=terminate-reason]", "The parties could not agree on the amount of damages.")
    mediator.click("[data-testid=terminate] button[type=submit]")
    mediator.wait_for_load_state()
    assert mediator.locator("[data-state=failed]").first.is_visible()
    screenshot(mediator, "70-handover-mediation-failed-en")

    show(clerk, case_url)
    court_option = clerk.locator("select[name=organisation_id] option", has_text="Wanxiu")
    clerk.select_option("select[name=organisation_id]", court_option.first.get_attribute("value"))
    clerk.fill("textarea[name=note]", "Mediation failed; please file the case.")
    clerk.click("form[action$='/refer'] button[type=submit]")
    clerk.wait_for_load_state()
    show(clerk, case_url)
    assert clerk.locator("[data-testid=handover-state]").first.is_visible()

    # The court's officer follows the notification to the hand-over, reads it and records the filing.
    court = open_as(browser, server, watch, "basiccourt@demo.odr", "en")
    court.click("[data-testid=bell]")
    court.wait_for_url(re.compile(r".*/notifications$"))
    court.locator("[data-testid=notification-link]", has_text=number).first.click()
    court.wait_for_url(re.compile(r".*/handovers$"))
    court.locator("[data-testid=handover-queue] a", has_text=number).click()
    court.wait_for_url(re.compile(r".*/handovers/\d+$"))
    assert download(court, "a[href$='/summary.pdf']").startswith(b"%PDF-")
    assert download(court, "[data-testid=evidence] a") == EXHIBIT
    court.fill("input[name=number]", "(2026) Gui 0403 Min Chu 2101")
    court.fill("input[name=filed_on]", "2026-12-02")
    court.click("main form button[type=submit]")
    court.wait_for_load_state()
    assert court.locator("[data-testid=filed-number]").is_visible()
    screenshot(court, "71-handover-filed-court-en")

    # The parties hear of the filing and see it on the case page; the hand-over's files are theirs too.
    follow_notification(claimant, server, number)
    show(claimant, case_url)
    assert (
        "(2026) Gui 0403 Min Chu 2101" in claimant.locator("#facts [data-testid=handover-state]").inner_text()
    )
    claimant.click("#facts a[href*='/handovers/']:not([href$='.pdf'])")
    claimant.wait_for_url(re.compile(r".*/handovers/\d+$"))
    assert download(claimant, "[data-testid=evidence] a") == EXHIBIT
    screenshot(claimant, "72-handover-party-en")
    for page in (claimant, clerk, respondent, mediator, court):
        page.context.close()
    assert not watch.problems, "\n".join(map(str, watch.problems))
