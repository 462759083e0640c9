"""The administrators' page for the annual report: choose the typical cases, download the PDF."""

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from odr.accounts.decorators import roles_required
from odr.accounts.models import Role
from odr.cases.views import run
from odr.extensions import db
from odr.stats import report, typical
from odr.stats.models import TypicalCase
from odr.stats.views import FIRST_YEAR, this_year

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return this_year()
    if not FIRST_YEAR <= year <= this_year():
        abort(404)
    return year


@bp.route("/annual")
@roles_required(Role.ADMIN)
def annual():
    year = _year(request.args.get("year"))
    return render_template(
        "stats/annual.html",
        year=year,
        years=list(range(this_year(), this_year() - 5, -1)),
        chosen=typical.of_year(year),
        form={},
    )


@bp.route("/annual/<int:year>/typical", methods=["POST"])
@roles_required(Role.ADMIN)
def add_typical(year):
    year = _year(year)
    form = request.form
    done = run(
        typical.choose,
        year,
        form.get("number", ""),
        current_user._get_current_object(),
        title=form.get("title", ""),
        summary=form.get("summary", ""),
        success=_("The case was added; its names were taken out."),
    )
    if done:
        return redirect(url_for("reports.annual", year=year))
    # Refused: the page again with what was typed.
    return render_template(
        "stats/annual.html",
        year=year,
        years=list(range(this_year(), this_year() - 5, -1)),
        chosen=typical.of_year(year),
        form=form,
    )


@bp.route("/annual/typical/<int:typical_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_typical(typical_id):
    item = db.session.get(TypicalCase, typical_id)
    if item is None:
        abort(404)
    year = item.year
    run(
        typical.remove,
        item,
        current_user._get_current_object(),
        success=_("The case was taken out of the report."),
    )
    return redirect(url_for("reports.annual", year=year))


@bp.route("/annual/<int:year>.pdf")
@roles_required(Role.ADMIN)
def annual_pdf(year):
    year = _year(year)
    data = report.render(year)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="ip-protection-report-{year}.pdf"'
    return response
