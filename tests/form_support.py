"""Post a page's form exactly as a browser would: the fields, names and defaults the page itself
renders, with what the user typed, chose and attached.

A test names what the user does ("fill the text box named report-text", "attach this file"), never
the field names the view happens to read, so a form whose field the view never reads fails.
"""

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    attrs: dict
    fields: list = field(default_factory=list)  # (kind, name, value, attrs) in page order
    options: dict = field(default_factory=dict)  # select name -> [(value, selected)]
    buttons: list = field(default_factory=list)  # (name, value, text, attrs)

    @property
    def file_inputs(self) -> list[str]:
        return [name for kind, name, _v, _a in self.fields if kind == "file"]

    def names(self) -> set[str]:
        return {name for _k, name, _v, _a in self.fields} | {b[0] for b in self.buttons if b[0]}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None
        self._button = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", "application/x-www-form-urlencoded"),
                attrs=a,
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                form.buttons.append((name, a.get("value", ""), a.get("value", ""), a))
            elif kind in ("checkbox", "radio"):
                form.fields.append((kind, name, a.get("value", "on"), a))
            elif name:
                form.fields.append((kind, name, a.get("value", ""), a))
        elif tag == "textarea" and name:
            self._textarea = [name, "", a]
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
            form.fields.append(("select", name, None, a))
        elif tag == "option" and self._select:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = [name, a.get("value", ""), "", a]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[2] += data
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text, a = self._textarea
            # as a browser reads it: line breaks normalised, the one after the opening tag dropped
            text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\n")
            self._form.fields.append(("textarea", name, text, a))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._form.options[self._select].append((value if value is not None else text.strip(), selected))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "button" and self._button is not None:
            name, value, text, a = self._button
            self._form.buttons.append((name, value, " ".join(text.split()), a))
            self._button = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def find_form(
    html: str,
    action: str | None = None,
    testid: str | None = None,
    button: str | None = None,
    carrying: dict | None = None,
) -> Form:
    """The one form on the page whose action ends with ACTION (or that holds a data-testid TESTID, or
    whose submit BUTTON reads so: what the user sees and clicks; or, among a list of like forms, the
    one CARRYING those hidden values, e.g. the row of the candidate the user asks)."""
    found = []
    for form in forms(html):
        if action == "" and form.action:  # the form that posts back to its own page
            continue
        if action and not form.action.split("?")[0].endswith(action):
            continue
        if testid is not None:
            ids = [form.attrs.get("data-testid")] + [b[3].get("data-testid") for b in form.buttons]
            ids += [a.get("data-testid") for *_x, a in form.fields]
            if testid not in ids:
                continue
        if button is not None and not any(
            button in (b[0], b[2], b[3].get("data-testid")) for b in form.buttons
        ):
            continue
        hidden = {n: v for k, n, v, _a in form.fields if k == "hidden"}
        if carrying and any(hidden.get(n) != str(v) for n, v in carrying.items()):
            continue
        found.append(form)
    assert len(found) == 1, (
        f"expected one form (action={action!r}, testid={testid!r}, button={button!r}), found {len(found)}"
    )
    return found[0]


def fill(form: Form, values: dict | None = None, upload: tuple | None = None, button: str | None = None):
    """What the browser sends: the page's defaults, the user's VALUES (by field name, only names the
    page has, select and radio values only among those offered), UPLOAD (filename, bytes) in the
    form's only file box (or {box name: (filename, bytes)} for a form of several), and the clicked
    submit BUTTON's name/value (by its text or name)."""
    values = dict(values or {})
    unknown = set(values) - form.names()
    assert not unknown, f"the form has no field named {sorted(unknown)}; it has {sorted(form.names())}"
    data: list[tuple[str, object]] = []
    seen = set()
    for kind, name, default, attrs in form.fields:
        if kind == "file":
            continue
        if kind in ("checkbox", "radio"):
            if name in values:
                wanted = values[name]
                wanted = wanted if isinstance(wanted, list | tuple | set) else [wanted]
                wanted = [("on" if w is True else w) for w in wanted if w not in (False, None)]
                offered = [v for k, n, v, _a in form.fields if n == name]
                for w in wanted:
                    assert str(w) in offered, f"{name}: {w!r} is not offered ({offered})"
                if str(default) in map(str, wanted):
                    data.append((name, default))
            elif "checked" in attrs:
                data.append((name, default))
            continue
        if kind == "select":
            offered = [v for v, _s in form.options[name]]
            if name in values:
                wanted = values[name]
                for w in wanted if isinstance(wanted, list) else [wanted]:
                    assert str(w) in offered, f"{name}: {w!r} is not among the choices {offered}"
                    data.append((name, str(w)))
            elif "multiple" not in attrs:
                chosen = [v for v, s in form.options[name] if s] or offered[:1]
                data.extend((name, v) for v in chosen[:1])
            else:
                data.extend((name, v) for v, s in form.options[name] if s)
            continue
        if name in seen:
            continue
        seen.add(name)
        data.append((name, str(values[name]) if name in values else default))
    if upload is not None and not isinstance(upload, dict):
        assert len(form.file_inputs) == 1, f"the form has file boxes {form.file_inputs}"
        upload = {form.file_inputs[0]: upload}
    upload = upload or {}
    unknown = set(upload) - set(form.file_inputs)
    assert not unknown, f"the form has no file box named {sorted(unknown)}; it has {form.file_inputs}"
    for name in form.file_inputs:
        filename, content = upload.get(name, ("", b""))
        data.append((name, (io.BytesIO(content), filename)))
    if button is not None:
        matches = [b for b in form.buttons if button in (b[0], b[2], b[3].get("data-testid"))]
        assert matches, f"no button {button!r} in {[b[2] for b in form.buttons]}"
        if matches[0][0]:
            data.append((matches[0][0], matches[0][1]))
    elif len(form.buttons) == 1 and form.buttons[0][0]:
        data.append((form.buttons[0][0], form.buttons[0][1]))
    return data


def submit(
    client,
    page_url: str,
    *,
    action=None,
    testid=None,
    values=None,
    upload=None,
    button=None,
    carrying=None,
    on=None,
    **kw,
):
    """Open PAGE_URL as the client, find the form and post it as the browser would; the response.
    ON is the page the user is on already (as follow() returned it): its forms are used as they are."""
    if on is None:
        page = client.get(page_url)
        assert page.status_code == 200, (page_url, page.status_code)
        on = page.get_data(as_text=True)
    form = find_form(on, action=action, testid=testid, button=button, carrying=carrying)
    data = fill(form, values, upload, button)
    target = form.action or page_url
    if form.method == "get":
        return client.get(target, query_string=[(k, v) for k, v in data], **kw)
    from werkzeug.datastructures import MultiDict

    multipart = form.enctype == "multipart/form-data"
    if upload is not None:
        assert multipart, "the form does not send files (its enctype is not multipart/form-data)"
    if multipart:
        return client.post(target, data=MultiDict(data), content_type="multipart/form-data", **kw)
    return client.post(target, data=MultiDict([(k, v) for k, v in data if not isinstance(v, tuple)]), **kw)


def follow(client, response) -> str:
    """The page the user lands on after RESPONSE (its redirect followed, or the page itself)."""
    if response.status_code in (301, 302, 303):
        response = client.get(response.headers["Location"])
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def alerts(page: str) -> list[str]:
    """The flashed messages at the top of PAGE, as the user reads them."""
    import re
    from html import unescape

    found = re.findall(r'<div class="alert alert-(\w+) alert-dismissible[^>]*>(.*?)<button', page, re.S)
    return [f"{kind}: {' '.join(unescape(text).split())}" for kind, text in found]
