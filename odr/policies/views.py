"""The public pages of the service terms and the personal information notice."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from odr.audit import labels
from odr.core.templating import current_locale
from odr.policies.operations import VERSIONS

bp = Blueprint("policies", __name__)

labels.register({"policies.accepted": _l("The terms and the personal information notice were accepted")})


def _page(document, title):
    language = "zh" if current_locale() == "zh_CN" else "en"
    return render_template(
        "policies/page.html",
        body=f"policies/{document}_{language}.html",
        title=title,
        version=VERSIONS[document],
    )


@bp.route("/terms")
def terms():
    return _page("terms", _l("Terms of service"))


@bp.route("/privacy")
def privacy():
    return _page("privacy", _l("Personal information notice"))
