"""Public pages, the language switch and the health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from odr.accounts.operations import set_locale
from odr.accounts.views import safe_next
from odr.core.i18n import LANG_COOKIE
from odr.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return render_template("core/index.html")


@bp.route("/lang/<code>", methods=["POST"])
def switch_language(code):
    """Remember the chosen language (cookie, and the account when signed in)."""
    response = redirect(safe_next(request.form.get("next"), default=url_for("core.index")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if current_user.is_authenticated:
            set_locale(current_user._get_current_object(), code)
            db.session.commit()
    return response


@bp.route("/favicon.ico")
def favicon():
    """The site's icon, for clients that ask for it at the conventional address."""
    return current_app.send_static_file("favicon.svg")


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # the check reports the failure instead of raising it
        current_app.logger.warning("Health check: database unavailable: %s", error)
        database = "unavailable"
        db.session.rollback()
    status = 200 if database == "ok" else 503
    return jsonify(
        status="ok" if status == 200 else "degraded",
        version=current_app.config["ODR_VERSION"],
        database=database,
    ), status
