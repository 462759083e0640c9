"""Every page each demo account can reach, and every link on it, answer without an error.

Each demo account signs in through the login page in Chromium; its menu pages are opened in the
browser (no console error, nothing wider than a 1366 px screen, in Chinese and in English), then every
link of the platform found on the pages it reaches is followed, with the account's session, until
none is left: none may answer 4xx or 5xx.
"""

import os
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from odr.seed import ACCOUNTS
from tests.browser_support import screenshot, sign_in

pytestmark = pytest.mark.browser

WIDTH = 1366
# Links whose target is not a page to read: following them would act (sign out is a form, so is the
# language switch); none is expected here, but the crawl must never click its way into an act.
NOT_PAGES = re.compile(r"/(logout|lang/)")
MAX_PER_ACCOUNT = 600
# Of the links that differ only in their numbers (the 36 experts' profiles, each case's pages), each
# account follows this many: the same page for another record is the same code and the same access rule.
PER_SHAPE = 4


def shape_of(url: str) -> str:
    parts = urlparse(url)
    query = "&".join(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
    return re.sub(r"\d+", "#", parts.path) + "?" + query


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html: str, base: str, origin: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if url.startswith(origin) and not NOT_PAGES.search(urlparse(url).path):
            found.append(url)
    return found


def menu_links(page, origin):
    hrefs = page.eval_on_selector_all("nav a[href]", "els => els.map(e => e.href)")
    return sorted({urldefrag(h)[0] for h in hrefs if h.startswith(origin) and not NOT_PAGES.search(h)})


def test_every_link_each_demo_account_can_reach(server, browser):
    origin = server.url
    only = os.environ.get("LINK_CHECK_ACCOUNTS")  # e.g. "clerk@demo.odr" when looking into one account
    accounts = [row[0] for row in ACCOUNTS if not only or row[0] in only.split(",")]
    problems, visited_total = [], 0
    downloads_checked = set()  # a document (PDF, file) is fetched once in the run, by the first who finds it
    for n, email in enumerate(accounts):
        language = "zh-CN" if n % 2 == 0 else "en"  # every other account reads English
        context = browser.new_context(locale=language, viewport={"width": WIDTH, "height": 900})
        page = context.new_page()
        errors = []
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        sign_in(page, server, email)
        for lang in (language,):
            if page.get_attribute("html", "lang") != lang:
                page.click("[data-testid=lang-switch]")
                page.wait_for_load_state()
            for url in [*menu_links(page, origin), origin + "/dashboard"]:
                response = page.goto(url)
                if response is None or response.status >= 400:
                    problems.append((email, lang, url, response.status if response else None))
                    continue
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > WIDTH:
                    problems.append((email, lang, url, f"page is {wide} px wide at {WIDTH} px"))
            page.goto(origin + "/dashboard")
            screenshot(page, f"links-{email.split('@')[0]}-{lang}")
        # Follow every link reachable from the dashboard, with this account's session.
        seen, queue, shapes = set(), [(origin + "/dashboard", None)], {}
        while queue and len(seen) < MAX_PER_ACCOUNT:
            url, found_on = queue.pop(0)
            if url in seen or url in downloads_checked:
                continue
            shape = shape_of(url)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(url)
            response = context.request.get(url, max_redirects=5)
            if "text/html" not in response.headers.get("content-type", ""):
                downloads_checked.add(url)
            if response.status >= 400:
                problems.append((email, language, url, response.status, "linked from", found_on))
                continue
            if "text/html" in response.headers.get("content-type", ""):
                queue.extend(
                    (u, url) for u in links_in(response.text(), response.url, origin) if u not in seen
                )
            response.dispose()
        print(f"{email}: {len(seen)} pages and files")
        assert len(seen) < MAX_PER_ACCOUNT, f"{email}: more than {MAX_PER_ACCOUNT} pages; raise the bound"
        visited_total += len(seen)
        problems.extend((email, "console", page.url, e) for e in errors)
        context.close()
    print(f"link check: {len(accounts)} accounts, {visited_total} pages and files followed")
    assert not problems, "\n".join(map(str, problems))
