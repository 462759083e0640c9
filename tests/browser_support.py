"""A real server process and Debian's Chromium, for the few whole-journey browser tests."""

import atexit
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def require_browser():
    """Skip, saying why, when Chromium or Playwright is missing (CI installs both)."""
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium); browser tests skipped")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed; browser tests skipped")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The first seeded embedded database of this test process, and its stored files (LiveServer._prepare).
_seeded = None


class LiveServer:
    """The platform served by `flask odr serve` on a fresh SQLite database with the demo data."""

    def __init__(self, tmp_path, *, database=None, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "ODR_CONFIG": "development",
            "DATABASE_URL": database or f"sqlite:///{tmp_path / 'live.sqlite3'}",
            "FILE_STORAGE_DIR": str(tmp_path / "files"),
            "SECRET_KEY": "live-test-secret",
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST": "8192",
            "ARGON2_PARALLELISM": "1",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "ROOM_RATE_LIMIT": "1000 per second",
            "ROOM_RATE_LIMIT_CONNECT": "1000 per second",
            "ROOM_RATE_LIMIT_JOIN": "1000 per second",
            **env,
        }
        self.log = open(tmp_path / f"server-{self.port}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = None

    def flask(self, *args, env=None):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=env or self.env,
            check=True,
            stdout=self.log,
            stderr=self.log,
        )

    def start(self, prepare=True):
        if prepare:
            self._prepare()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "odr", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 90  # a loaded machine (CI, several suites at once) starts slowly
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not answer /healthz within 90 s")

    def _prepare(self):
        """Migrate and seed the database. The embedded default is made once per test process, in a
        directory of its own, and copied for each server with the files the seed stored: the same
        demo data, without paying the migration and the seed for every server a test starts."""
        global _seeded
        database = self.env["DATABASE_URL"]
        if not database.startswith("sqlite:///"):
            self.flask("db", "upgrade")
            self.flask("odr", "seed")
            return
        if _seeded is None:
            folder = Path(tempfile.mkdtemp(prefix="odr-seeded-"))
            template, files = folder / "seeded.sqlite3", folder / "files"
            env = {**self.env, "DATABASE_URL": f"sqlite:///{template}", "FILE_STORAGE_DIR": str(files)}
            for command in (("db", "upgrade"), ("odr", "seed")):
                self.flask(*command, env=env)
            _seeded = (template, files)
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template, files = _seeded
        target = database.removeprefix("sqlite:///")
        for suffix in ("", "-wal"):  # no process has the template open: the pair is consistent
            if Path(f"{template}{suffix}").exists():
                shutil.copyfile(f"{template}{suffix}", f"{target}{suffix}")
        if files.exists():
            shutil.copytree(files, self.env["FILE_STORAGE_DIR"], dirs_exist_ok=True)

    def kill(self):
        """Stop the server the hard way (SIGKILL), as a crash would."""
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/screenshots and print its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


DEMO_PASSWORD = "Demo-2026!"


def sign_in(page, server, email, password=DEMO_PASSWORD):
    page.goto(server.url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard$"))


def use_language(page, language):
    """Switch the signed-in user's language to LANGUAGE ('en' or 'zh-CN') if it is not already."""
    if page.get_attribute("html", "lang") != language:
        page.click("[data-testid=lang-switch]")
        page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == language


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server with the demo data for all browser tests of the run."""
    require_browser()
    live = LiveServer(tmp_path_factory.mktemp("live")).start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=require_browser(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


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
    """A new browser context signed in as EMAIL, in LANGUAGE, its errors watched by WATCH."""
    context = watch.attach(
        browser.new_context(locale=language, viewport={"width": width, "height": 900}), email
    )
    page = context.new_page()
    sign_in(page, server, email)
    use_language(page, language)
    return page


def show(page, url):
    """Open URL, or reload it if the page is already there."""
    page.goto(url) if page.url != url else page.reload()


def follow_notification(page, server, number):
    """Open the notification naming NUMBER (a case's or an arbitration's) from the bell; every link to
    a notification naming it answers 200."""
    page.click("[data-testid=bell]")
    page.wait_for_url(re.compile(r".*/notifications$"))
    assert page.locator("#bell-count").inner_text() in ("", "0")  # reading the list clears the bell
    links = page.locator("[data-testid=notification-link]", has_text=number)
    assert links.count() >= 1
    for href in {links.nth(i).get_attribute("href") for i in range(links.count())}:
        assert page.request.get(server.url + href).status == 200, href
    links.first.click()
    page.wait_for_load_state()


def walk_into_mediation(browser, server, watch, title, languages):
    """A new dispute taken through the pages to mediation: the claimant files, the clerk accepts, the
    respondent agrees from the notification, the clerk assigns 黄志强, who accepts from the notification.

    LANGUAGES maps claimant, clerk, respondent and mediator to 'en' or 'zh-CN'. Returns the pages by
    role, the case page's URL and the case number."""
    claimant = open_as(browser, server, watch, "claimant@demo.odr", languages["claimant"])
    claimant.goto(server.url + "/cases/new")
    claimant.fill("input[name=title]", title)
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

    clerk = open_as(browser, server, watch, "clerk@demo.odr", languages["clerk"])
    clerk.goto(server.url + "/cases/intake")
    clerk.click(f"text={title}")
    clerk.wait_for_url(case_url)
    clerk.click("#intake form button[type=submit]")
    clerk.wait_for_url(case_url)
    number = clerk.locator("[data-testid=case-number]").inner_text()
    if languages["clerk"] == "en":
        assert "respondent answers" in clerk.locator("[data-testid=awaited]").inner_text()

    respondent = open_as(browser, server, watch, "respondent@demo.odr", languages["respondent"])
    follow_notification(respondent, server, number)
    respondent.check("input[name=answer-decision][value=consent]")
    respondent.click("#answer form button[type=submit]")
    respondent.wait_for_url(case_url)

    show(clerk, case_url)
    clerk.click("[data-testid=assign-mediator]")
    clerk.locator("[data-testid=candidates] tr", has_text="黄志强").locator("button").click()
    clerk.wait_for_url(case_url + "#experts")

    mediator = open_as(browser, server, watch, "mediator1@demo.odr", languages["mediator"])
    assert mediator.locator("[data-testid=pending-requests]", has_text=number).is_visible()
    follow_notification(mediator, server, number)
    assert re.search(r"/assignments/\d+$", mediator.url)
    mediator.check("input[name=decision][value=accept]")
    mediator.check("input[name=declaration]")
    mediator.fill("input[name=password]", DEMO_PASSWORD)
    mediator.click("main form button[type=submit]")
    mediator.wait_for_url(case_url)
    assert mediator.locator("[data-state=mediating]").is_visible()
    pages = {"claimant": claimant, "clerk": clerk, "respondent": respondent, "mediator": mediator}
    return pages, case_url, number


def download(page, selector) -> bytes:
    """Click the link at SELECTOR and return the bytes of the file the browser saves."""
    with page.expect_download() as saved:
        page.click(selector)
    return saved.value.path().read_bytes()
