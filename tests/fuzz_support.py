"""What each role can reach, found from the URL map and the pages themselves, and the mutated
requests the fuzz test sends to it (tests/test_fuzz.py, `make fuzz`).

Discovery starts from every argument-free GET route of the URL map and follows the links and
forms of each rendered page, so a new page or form is fuzzed without anyone listing it.
"""

import json
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from odr.accounts.models import User
from odr.seed import ACCOUNTS

DEMO_EMAILS = [account[0] for account in ACCOUNTS]
# Links the crawler does not follow: they end the session or leave the platform.
SKIP_PATHS = re.compile(r"^/(static/|logout$)")
# Endpoints whose refusal legitimately keeps a record: a failed sign-in counts towards the lock-out.
REFUSAL_MAY_WRITE = {"accounts.login"}


@dataclass
class FormField:
    name: str
    kind: str  # text, number, date, select, checkbox, radio, file, textarea, hidden, ...
    value: str = ""
    options: list = field(default_factory=list)


@dataclass
class Target:
    """A request a role can make: a page (GET, its query) or a form (its action and fields)."""

    method: str
    path: str
    endpoint: str
    fields: list = field(default_factory=list)
    multipart: bool = False

    @property
    def key(self):
        return (self.method, self.path, tuple(f.name for f in self.fields))


class PageParser(HTMLParser):
    """The links and forms of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").upper(),
                "action": a.get("action") or "",
                "multipart": "multipart" in (a.get("enctype") or ""),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                kind = "submit"
            self._form["fields"].append(FormField(a["name"], kind, a.get("value") or ""))
        elif tag == "button" and a.get("name"):
            self._form["fields"].append(FormField(a["name"], "submit", a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = FormField(a["name"], "select")
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a or not self._select.value:
                self._select.value = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = FormField(a["name"], "textarea")
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def sign_in(client, user):
    """Make CLIENT's session USER's (or nobody's), with no flash left over."""
    from odr.accounts.sessions import token_for_test

    tokens = client.__dict__.setdefault("_sign_in_tokens", {})  # one server-side session per user
    if user is not None and user.id not in tokens:
        tokens[user.id] = token_for_test(user)
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session["sid"] = tokens[user.id]


def demo_users(db):
    """The demo accounts by e-mail, and None for a visitor who has not signed in."""
    users = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(DEMO_EMAILS)))}
    return [users[e] for e in DEMO_EMAILS] + [None]


def _endpoint(adapter, path, method):
    try:
        endpoint, _args = adapter.match(path, method=method)
        return endpoint
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None


def discover(app, client, user, *, per_endpoint=3, limit=400):
    """Every page and form USER reaches from the URL map's argument-free pages, by following links."""
    adapter = app.url_map.bind("localhost")
    queue = deque(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not SKIP_PATHS.match(rule.rule.lstrip("/"))
    )
    seen, per = set(), Counter()
    targets = {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or url in seen or SKIP_PATHS.match(parts.path.lstrip("/")):
            continue
        endpoint = _endpoint(adapter, parts.path, "GET")
        if endpoint is None or per[endpoint] >= per_endpoint:
            continue
        seen.add(url)
        per[endpoint] += 1
        query = [FormField(k, "query", v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        target = Target("GET", parts.path, endpoint, query)
        targets.setdefault(target.key, target)
        sign_in(client, user)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        parser = PageParser()
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            if link.startswith("/") and not link.startswith("//"):
                queue.append(link.split("#")[0])
        for form in parser.forms:
            action = urlsplit(form["action"] or parts.path)
            method = form["method"] if form["method"] in ("GET", "POST") else "GET"
            form_endpoint = _endpoint(adapter, action.path, method)
            if form_endpoint is None or SKIP_PATHS.match(action.path.lstrip("/")):
                continue
            target = Target(method, action.path, form_endpoint, form["fields"], form["multipart"])
            targets.setdefault(target.key, target)
    return list(targets.values())


# What a careless or hostile client sends ------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "\u200f\u061c",
    "\t\r\n",
    "\x1b[31m",
    "1e308",
    "-1e308",
    "1e-308",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "-1",
    "0",
    "-0",
    "1.5",
    "99999999999999999999999999",
    str(2**31),
    str(2**63),
    "-" + str(2**63 + 1),
    "０１２",
    "٣",
    "1,000,000",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2026-13-01",
    "0001-01-01T00:00",
    "2026-02-30T25:61",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../../etc/passwd",
    "true",
    "null",
    "[]",
    "{}",
]
# Text with any Unicode character (control, format, right-to-left...), no surrogates.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
bad_value = st.one_of(
    st.sampled_from(NASTY),
    any_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=1000, max_value=40_000).map(lambda n: "字" * n),
    st.dates(min_value=__import__("datetime").date(1, 1, 1)).map(lambda d: d.isoformat()),
)
BAD_IDS = ["0", "99999999999999999999", str(2**31), str(2**63), "2147483647", "9223372036854775807"]


@dataclass
class Request:
    method: str
    path: str
    data: object
    content_type: str | None
    note: str

    def send(self, client):
        if self.method == "GET":
            query = urlencode(list(self.data.items(multi=True))) if self.data else ""
            return client.get(self.path + ("?" + query if query else ""))
        if self.content_type is None:
            return client.post(self.path, data=self.data)
        return client.post(self.path, data=self.data, content_type=self.content_type)


@st.composite
def mutated_request(draw, targets):
    """A request to one of TARGETS with one to three of its values, fields or its form spoiled."""
    target = draw(st.sampled_from(targets))
    path = target.path
    data = MultiDict()
    for f in target.fields:
        if f.kind == "submit" and f.value == "":
            continue
        value = draw(st.sampled_from(f.options)) if f.options and draw(st.booleans()) else f.value
        if f.kind == "file":
            data.add(f.name, (BytesIO(b"%PDF-1.4\n%fuzz\n"), "a.pdf"))
        elif f.kind != "checkbox" or draw(st.booleans()):
            data.add(f.name, value or ("on" if f.kind == "checkbox" else ""))
    notes = []
    names = [f.name for f in target.fields] or ["q"]
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["value", "value", "value", "drop", "repeat", "extra", "path", "file"]))
        name = draw(st.sampled_from(names))
        if how == "value":
            value = draw(bad_value)
            data.setlist(name, [value])
            notes.append(f"{name}={value[:60]!r}")
        elif how == "drop":
            data.poplist(name)
            notes.append(f"-{name}")
        elif how == "repeat":
            data.setlist(name, [draw(bad_value), draw(bad_value)])
            notes.append(f"{name} twice")
        elif how == "extra":
            extra = draw(
                st.sampled_from(["page", "per_page", "id", "room_id", "expert_id", "user_id", "next"])
            )
            data.add(extra, draw(bad_value))
            notes.append(f"+{extra}")
        elif how == "path":
            numbers = list(re.finditer(r"/(\d+)(?=/|$)", path))
            if numbers:
                m = draw(st.sampled_from(numbers))
                path = path[: m.start(1)] + draw(st.sampled_from(BAD_IDS)) + path[m.end(1) :]
                notes.append("path id")
        elif how == "file" and target.method == "POST":
            content = draw(
                st.sampled_from([b"", b"\x00" * 64, b"GIF89a", b"%PDF-1.4 broken", b"\xff\xd8\xff"])
            )
            data.setlist(
                name, [(BytesIO(content), draw(st.sampled_from(["", "x.exe", "\u202egpj.exe", "a" * 300])))]
            )
            notes.append(f"{name}=file")
    content_type = None
    if target.method == "POST" and draw(st.integers(0, 9)) == 0:
        content_type = draw(
            st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
        )
        raw = {
            "application/json": draw(
                st.sampled_from(
                    [
                        json.dumps({k: v for k, v in data.items() if isinstance(v, str)}),
                        json.dumps({k: [1, {"a": None}] for k in data}),
                        json.dumps({k: 1e308 for k in data}),
                        "[1, 2]",
                        "{bad json",
                    ]
                )
            ),
            "text/plain": "garbage\x00\xff",
            "application/x-www-form-urlencoded": "a=%ZZ&b=%FF%FE&&=&c",
        }[content_type]
        data = raw.encode("utf-8", "surrogatepass")
        notes.append(content_type)
    return target, Request(target.method, path, data, content_type, "; ".join(notes))


class WriteWatch:
    """Whether a request committed any change to the database (flushes followed by a commit)."""

    def __init__(self):
        self.pending = set()
        self.committed = False

    def _flushed(self, session, context):
        self.pending.add(id(session))

    def _executed(self, state):
        if state.is_insert or state.is_update or state.is_delete:
            self.pending.add(id(state.session))

    def _commit(self, session):
        if id(session) in self.pending:
            self.committed = True
        self.pending.discard(id(session))

    def _rollback(self, session):
        self.pending.discard(id(session))

    def __enter__(self):
        event.listen(Session, "after_flush", self._flushed)
        event.listen(Session, "do_orm_execute", self._executed)
        event.listen(Session, "after_commit", self._commit)
        event.listen(Session, "after_soft_rollback", self._rollback_soft)
        return self

    def _rollback_soft(self, session, previous_transaction):
        self._rollback(session)

    def __exit__(self, *exc):
        event.remove(Session, "after_flush", self._flushed)
        event.remove(Session, "do_orm_execute", self._executed)
        event.remove(Session, "after_commit", self._commit)
        event.remove(Session, "after_soft_rollback", self._rollback_soft)

    def reset(self):
        self.pending.clear()
        self.committed = False


def refused(client, response):
    """Whether the platform refused the request: an error status, an error flash or a form shown again."""
    if response.status_code >= 400:
        return True
    with client.session_transaction() as session:
        if any(category == "danger" for category, _ in session.get("_flashes", [])):
            return True
    return response.mimetype == "text/html" and b"is-invalid" in response.get_data()
