"""The administrators' page for the rest-day table: each year's public holidays and make-up working
days, the years it does not cover yet, and importing a year's schedule."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from odr.accounts.decorators import roles_required
from odr.accounts.models import Role
from odr.core.db import utcnow
from odr.core.timeutil import local
from odr.deadlines import restdays
from odr.deadlines.models import RestDayKind
from odr.extensions import db

bp = Blueprint("restdays", __name__, url_prefix="/admin/rest-days")


class RestDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date, e.g. 2027-01-01."))])
    kind = RadioField(
        _l("Kind of day"),
        choices=[SelectChoice(k.value, k.label) for k in RestDayKind],
        default=RestDayKind.HOLIDAY.value,
        validators=[InputRequired()],
    )
    name = StringField(_l("Name (e.g. 春节)"), validators=[Optional(), Length(max=100)])


class ImportForm(FlaskForm):
    rows = TextAreaField(
        _l("Lines date,kind,name (kind: holiday or workday)"),
        validators=[InputRequired(_l("Paste the lines to import.")), Length(max=20000)],
        render_kw={"rows": 6, "placeholder": "2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休上班"},
    )


def _year() -> int:
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        year = local(utcnow()).year
    return min(max(year, 2000), 2100)


@bp.route("", methods=["GET"])
@roles_required(Role.ADMIN)
def index():
    year = _year()
    now = local(utcnow())
    return render_template(
        "deadlines/rest_days.html",
        year=year,
        days=restdays.days_of(year),
        uncovered=restdays.uncovered_years(restdays.years_in_use(now)),
        covered=sorted(restdays.covered_years()),
        form=RestDayForm(),
        import_form=ImportForm(),
    )


def _back(year=None):
    return redirect(url_for("restdays.index", year=year or _year()))


@bp.route("/set", methods=["POST"])
@roles_required(Role.ADMIN)
def set_day():
    form = RestDayForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return _back()
    try:
        row = restdays.set_day(
            form.day.data, form.kind.data, form.name.data, actor=current_user._get_current_object()
        )
    except restdays.RestDayError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(form.day.data.year)
    db.session.commit()
    flash(_("%(day)s saved: %(kind)s.", day=row.day.isoformat(), kind=row.kind.label), "success")
    return _back(row.day.year)


@bp.route("/<day>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_day(day):
    try:
        when = date.fromisoformat(day)
    except ValueError:
        flash(_("Enter a date, e.g. 2027-01-01."), "danger")
        return _back()
    try:
        restdays.remove_day(when, actor=current_user._get_current_object())
    except restdays.RestDayError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(when.year)
    db.session.commit()
    flash(_("%(day)s removed: it follows the week again.", day=when.isoformat()), "success")
    return _back(when.year)


@bp.route("/import", methods=["POST"])
@roles_required(Role.ADMIN)
def import_rows():
    form = ImportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return _back()
    try:
        count = restdays.import_csv(
            form.rows.data, actor=current_user._get_current_object(), source="admin import"
        )
    except restdays.RestDayError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back()
    db.session.commit()
    flash(_("%(n)d days imported.", n=count), "success")
    return _back()


@bp.route("/seed", methods=["POST"])
@roles_required(Role.ADMIN)
def seed():
    added = restdays.seed_from_package(actor=current_user._get_current_object())
    db.session.commit()
    flash(_("%(n)d days added from the chinesecalendar package.", n=added), "success")
    return _back()
