"""Error pages in the user's language; never a stack trace."""

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from odr.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Not found"), _l("There is no such page, or you are not allowed to see it.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("The upload is larger than the platform accepts.")),
    429: (_l("Too many requests"), _l("You have tried too often. Please wait a few minutes and try again.")),
    500: (
        _l("Something went wrong"),
        _l("The platform could not complete your request. Nothing was changed; please try again later."),
    ),
}
CSRF_MESSAGE = (
    _l("Form expired"),
    _l(
        "The form was missing its security token or had expired, so nothing was saved. "
        "Please reload the page and submit it again."
    ),
)


def wants_json():
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(code, title, message):
    if wants_json():
        return jsonify(error=str(title), message=str(message)), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description))
    return render_error(code, title, message)


def handle_csrf(error: CSRFError):
    return render_error(400, *CSRF_MESSAGE)


def handle_unexpected(error):
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    return render_error(500, *MESSAGES[500])


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
