"""Which language and time zone a request is shown in."""

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANG_COOKIE = "odr_lang"
LOGIN_MESSAGE = _l("Please sign in to see this page.")


def supported(code):
    return code in current_app.config["LANGUAGES"]


def select_locale():
    """The signed-in user's choice, else the language cookie, else the browser's preference."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and supported(current_user.locale):
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie and supported(cookie):
        return cookie
    return (
        request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def join_items(items) -> str:
    """ITEMS as one list in the reader's language: "a; b" in English, "a；b" in Chinese."""
    locale = get_locale()
    separator = "；" if locale is not None and locale.language == "zh" else "; "
    return separator.join(str(item) for item in items)
