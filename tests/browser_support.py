"""A real server process and Debian's Chromium, for the few whole-journey browser tests."""

import os
import re
import shutil
import socket
import subprocess
import sys
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

    def flask(self, *args):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=self.log,
            stderr=self.log,
        )

    def start(self, prepare=True):
        if prepare:
            self.flask("db", "upgrade")
            self.flask("odr", "seed")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "odr", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not answer /healthz within 30 s")

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
