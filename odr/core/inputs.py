"""Reading numbers from addresses, query strings and forms without trusting them.

Every id the platform stores is a PostgreSQL ``integer``: a larger number names nothing, so it is
"not found" rather than an error of the database driver.
"""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: a whole number that an id can be (1 to MAX_ID); anything else is 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def as_id(value) -> int | None:
    """VALUE (a form or query value) as an id, or None when it cannot be one."""
    if value is None:
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def form_id(name: str, default=None) -> int | None:
    """The id posted in form field NAME, or DEFAULT when it is missing or cannot be an id."""
    value = as_id(request.form.get(name))
    return default if value is None else value


def page_number(name: str = "page", last: int = 100_000) -> int:
    """The page asked for in the query string: 1 when absent; 404 when it is not a page number."""
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return 1
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or not 1 <= int(text) <= last:
        abort(404)
    return int(text)


def paginate(query, per_page: int):
    """One page of QUERY, the page number taken from the query string; 404 past the last page."""
    from odr.extensions import db

    number = page_number()
    page = db.paginate(query, page=number, per_page=per_page, error_out=False)
    if number > max(page.pages, 1):
        abort(404)
    return page


def _refuse_nul():
    """A NUL character cannot be typed, and PostgreSQL can neither store nor compare text holding
    one: a request carrying one in its address, query or form is refused before anything reads it."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        from odr.core.errors import render_error

        return render_error(
            400,
            _l("Bad request"),
            _l(
                "The request contained a character that cannot be typed or stored (NUL). Nothing was changed."
            ),
        )


def init_app(app):
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_nul)
