"""In Chromium: a company registers, uploads its licence, the clerk verifies it and its representative
signs the settlement; a forgotten password is reset through the outbox link; a court liaison
officer, whose role requires it, sets up and uses two-factor sign-in."""

import re
import subprocess
import sys
import time

import pyotp
import pytest

from odr.core.identifiers import uscc_check_char
from tests.browser_support import ROOT, LiveServer, screenshot, sign_in, use_language

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODE = "91450400MA5N7T2Q1" + uscc_check_char("91450400MA5N7T2Q1")
COMPANY = "梧州新锐茶业有限公司"

# What the other people of the case do meanwhile, on the server (their pages have browser tests of
# their own): the demo claimant files against the company, the clerk accepts; later the mediator
# takes the case and drafts, shares and finalises the agreement.
FILE_AND_ACCEPT = f"""
from decimal import Decimal
from odr import create_app
from odr.extensions import db
from odr import seed
from odr.cases import operations
app = create_app()
with app.app_context():
    claimant, clerk = seed._user("claimant@demo.odr"), seed._user("clerk@demo.odr")
    case = operations.file_case(
        claimant, organisation=clerk.organisation,
        respondents=[{{"kind": "company", "name": "{COMPANY}", "credit_code": "{CODE}",
                      "phone": "07745550000", "email": "boss@xinrui-tea.cn"}}],
        title="“茂圣”商标新锐茶业侵权纠纷", ip_type="trademark", dispute_kind="infringement",
        industry="liubao_tea", place="ecommerce_platform", claim_amount=Decimal("30000"),
        remedies="停止侵权，赔偿损失。", facts="被申请人在网店使用“茂圣”商标销售茶叶。",
        channel="self_filed", online_consent=True)
    operations.accept_case(case, clerk)
    db.session.commit()
    print(case.id)
"""
MEDIATE_AND_FINALISE = """
import sys
from odr import create_app
from odr.extensions import db
from odr import seed
from odr.cases.models import Case
from odr.experts import operations as expert_ops
from odr.experts.models import Seat
from tests.agreement_support import draft_and_finalise
app = create_app()
with app.app_context():
    case = db.session.get(Case, int(sys.argv[1]))
    clerk, mediator = seed._user("clerk@demo.odr"), seed._user("mediator2@demo.odr")
    expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
    agreement = draft_and_finalise(case, mediator)
    db.session.commit()
    print(agreement.id, agreement.final_version.number)
"""


def on_server(server, script, *args):
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=server.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory, server):
    """The demo with court liaison officers obliged to use two-factor sign-in, as in production."""
    live = LiveServer(
        tmp_path_factory.mktemp("strict"), TWO_FACTOR_REQUIRED_ROLES="admin,court_liaison"
    ).start()
    yield live
    live.stop()


def test_a_company_is_verified_and_its_representative_signs(strict_server, browser):
    server = strict_server
    [case_id] = on_server(server, FILE_AND_ACCEPT)
    company = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = company.new_page()
    page.goto(server.url + "/register")
    page.check("input[name=party_kind][value=company]")
    page.fill("input[name=name]", COMPANY)
    page.fill("input[name=credit_code]", CODE)
    page.fill("input[name=contact_name]", "陈总")
    page.fill("input[name=phone]", "07745550000")
    page.fill("input[name=email]", "chen@xinrui-tea.cn")
    page.fill("input[name=password]", "qwertyuiop")
    page.fill("input[name=confirm]", "qwertyuiop")
    page.check("input[name=accept_terms]")
    page.click("main form button[type=submit]")
    assert page.locator(".invalid-feedback", has_text="最常见的密码").is_visible()  # the reason is shown
    page.fill("input[name=password]", "Xinrui-Liubao-2026")
    page.fill("input[name=confirm]", "Xinrui-Liubao-2026")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/account/identity$"))
    # Registered with the code, the company sees nothing of the case yet.
    assert page.goto(server.url + f"/cases/{case_id}").status == 404
    page.goto(server.url + "/account/identity")
    page.set_input_files(
        "input[name=business_licence]", {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.set_input_files(
        "input[name=representative_identity]",
        {"name": "法定代表人身份证明.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.click("[data-testid=submit-identity]")
    page.wait_for_url(re.compile(r".*/account/identity$"))
    screenshot(page, "acc-01-documents-zh")

    clerk = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    cpage = clerk.new_page()
    sign_in(cpage, server, "clerk@demo.odr")
    use_language(cpage, "en")
    cpage.click("[data-testid=identity-checks]")
    cpage.click(f"tr:has-text('{COMPANY}') >> text=Check")
    with cpage.expect_download() as download:
        cpage.click("[data-testid=identity-document] >> nth=0")
    assert download.value.suggested_filename == "营业执照.pdf"
    cpage.check("input[name=decision][value=verify]")
    cpage.fill("textarea[name=reason]", "Licence and representative's ID name this credit code.")
    cpage.click("[data-testid=decide]")
    cpage.wait_for_url(re.compile(r".*/identity/queue$"))
    screenshot(cpage, "acc-02-verified-en")

    # Verified, the company is the respondent of the case and agrees to mediate.
    page.goto(server.url + f"/cases/{case_id}")
    page.check("input[name='answer-decision'][value=consent]")
    page.click("#answer button[type=submit]")
    page.wait_for_url(re.compile(rf".*/cases/{case_id}$"))
    assert page.locator("[data-state=awaiting_mediator]").is_visible()
    agreement_id, number = on_server(server, MEDIATE_AND_FINALISE, case_id)

    # Its representative signs the final version, re-entering the password.
    page.goto(server.url + f"/agreements/{agreement_id}/versions/{number}")
    page.check("input[name='sign-confirm']")
    page.fill("input[name='sign-password']", "Xinrui-Liubao-2026")
    screenshot(page, "acc-03-signing-zh")
    page.click("[data-testid=sign]")
    page.wait_for_load_state()
    assert "已签署" in page.content() or "签名" in page.content()
    page.goto(server.url + f"/cases/{case_id}")
    assert COMPANY in page.locator("[data-testid=signatures]").inner_text()
    screenshot(page, "acc-04-signed-zh")
    company.close()
    clerk.close()


def test_a_password_is_reset_through_the_outbox_link(strict_server, browser):
    server = strict_server
    user = browser.new_context(locale="zh-CN")
    page = user.new_page()
    page.goto(server.url + "/login")
    page.click("[data-testid=forgot-password]")
    page.fill("input[name=email]", "respondent@demo.odr")
    page.click("[data-testid=send-reset]")
    page.wait_for_url(re.compile(r".*/login$"))
    assert "respondent@demo.odr" in page.content()
    # No SMTP here: the mail waits in the outbox, where the administrator reads it.
    admin = browser.new_context(locale="zh-CN")
    apage = admin.new_page()
    apage.goto(server.url + "/login")
    apage.fill("input[name=email]", "admin@demo.odr")
    apage.fill("input[name=password]", "Demo-2026!")
    apage.click("main form button[type=submit]")
    apage.wait_for_url(re.compile(r".*/account/two-factor$"))  # administrators, too, must use it here
    secret = apage.locator("[data-testid=totp-secret]").inner_text()
    apage.fill("input[name=code]", pyotp.TOTP(secret).now())
    apage.click("[data-testid=enable-2fa]")
    apage.wait_for_selector("[data-testid=recovery-codes]")
    apage.goto(server.url + "/admin/outbox")
    row = apage.locator("[data-testid=outbox] tr", has_text="respondent@demo.odr").first
    row.locator("summary").click()  # the whole mail
    link = re.search(r"https?://\S+/password/reset/[\w-]+", row.inner_text()).group(0)
    page.goto(link)
    page.fill("input[name=password]", "Juxiang-tea-shop-2026")
    page.fill("input[name=confirm]", "Juxiang-tea-shop-2026")
    screenshot(page, "acc-05-reset-zh")
    page.click("[data-testid=save-password]")
    page.wait_for_url(re.compile(r".*/login$"))
    assert page.goto(link).status == 410  # used up
    sign_in(page, server, "respondent@demo.odr", "Juxiang-tea-shop-2026")
    user.close()
    admin.close()


def test_a_court_liaison_officer_signs_in_with_two_factor(strict_server, browser):
    server = strict_server
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("input[name=email]", "court@demo.odr")
    page.fill("input[name=password]", "Demo-2026!")
    page.click("main form button[type=submit]")
    # The role requires it: before anything else, the officer sets it up.
    page.wait_for_url(re.compile(r".*/account/two-factor$"))
    use_language(page, "en")
    assert page.locator("[data-testid=totp-qr]").is_visible()
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    totp = pyotp.TOTP(secret)
    page.fill("input[name=code]", totp.now())
    screenshot(page, "acc-06-two-factor-setup-en")
    page.click("[data-testid=enable-2fa]")
    recovery = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(recovery) == 10
    page.goto(server.url + "/court/")
    assert "/court/" in page.url
    account_menu = page.locator("nav li.dropdown", has=page.locator("form[action$='/logout']"))
    account_menu.locator(".dropdown-toggle").click()
    page.click("nav form[action$='/logout'] button")
    # Next time: password, then the code of the next 30-second step (a code works once).
    page.goto(server.url + "/login")
    page.fill("input[name=email]", "court@demo.odr")
    page.fill("input[name=password]", "Demo-2026!")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/login/two-factor$"))
    page.fill("input[name=code]", "000000")
    page.click("[data-testid=verify-code]")
    assert page.locator(".invalid-feedback").is_visible()
    page.fill("input[name=code]", totp.at(time.time() + 30))
    screenshot(page, "acc-07-two-factor-sign-in-en")
    page.click("[data-testid=verify-code]")
    page.wait_for_url(re.compile(r".*/dashboard$"))
    context.close()
