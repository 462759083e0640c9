"""The statistics pages: the staff's dashboard (filtered by period, organisation and dimensions),
the public page of aggregate figures, and a CSV file of every table."""

import csv
import io
import re

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from odr.accounts.decorators import roles_required
from odr.accounts.models import Organisation, Role
from odr.core.db import utcnow
from odr.core.timeutil import local
from odr.extensions import db
from odr.stats import tables as stats_tables
from odr.stats.figures import Filters

bp = Blueprint("stats", __name__)
STAFF = (Role.ADMIN, Role.CLERK, Role.COURT_LIAISON)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 2000


def this_year() -> int:
    return local(utcnow()).year


def _month(text, default) -> int | None:
    if not text:
        return default
    match = MONTH_RE.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < FIRST_YEAR:
        return None
    return int(match.group(1)) * 100 + int(match.group(2))


def staff_filters(args, user) -> tuple[Filters, dict]:
    """The filters asked for in ARGS, as far as USER may have them; a bad value is named and left
    out. Administrators choose any organisation; other staff see their own organisation's figures."""
    year = this_year()
    start = _month(args.get("from"), year * 100 + 1)
    end = _month(args.get("to"), year * 100 + 12)
    if start is None or end is None:
        flash(_("Give months as YYYY-MM, e.g. %(example)s.", example=f"{year}-01"), "warning")
        start, end = start or year * 100 + 1, end or year * 100 + 12
    if start > end:
        flash(_("The period ends before it starts: the two months were swapped."), "warning")
        start, end = end, start
    values = {}
    for dim, enum_cls in stats_tables.DIMENSION_ENUMS.items():
        value = (args.get(dim) or "").strip()
        if value and value not in {m.value for m in enum_cls}:
            flash(
                _(
                    "“%(value)s” is not a value of %(dimension)s; it was left out.",
                    value=value,
                    dimension=stats_tables.DIMENSION_LABELS[dim],
                ),
                "warning",
            )
            value = ""
        values[dim] = value or None
    if user.has_role(Role.ADMIN):
        org_id = args.get("org", type=int) or 0
        if org_id and db.session.get(Organisation, org_id) is None:
            flash(_("There is no such organisation; every organisation is counted."), "warning")
            org_id = 0
    else:
        org_id = user.organisation_id or -1  # staff without an organisation see nothing
    return Filters(start, end, org_id, **values), {
        "from": f"{start // 100}-{start % 100:02d}",
        "to": f"{end // 100}-{end % 100:02d}",
        "org": org_id,
        **{k: v or "" for k, v in values.items()},
    }


def csv_response(table, filename) -> Response:
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(out)
    for row in table.csv_rows():
        writer.writerow(row)
    response = Response(out.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _table(tables, table_id):
    table = next((t for t in tables if t.id == table_id), None)
    if table is None:
        abort(404)
    return table


@bp.route("/stats")
@roles_required(*STAFF)
def dashboard():
    filters, chosen = staff_filters(request.args, current_user)
    organisations = db.session.scalars(
        db.select(Organisation).order_by(Organisation.kind, Organisation.name)
    ).all()
    return render_template(
        "stats/dashboard.html",
        tables=stats_tables.staff_tables(filters),
        chosen=chosen,
        organisations=organisations if current_user.has_role(Role.ADMIN) else [],
        own=current_user.organisation,
        dimensions=stats_tables.DIMENSION_LABELS,
        enums=stats_tables.DIMENSION_ENUMS,
        csv_endpoint="stats.dashboard_csv",
        csv_args={k: v for k, v in chosen.items() if v},
    )


@bp.route("/stats/<table_id>.csv")
@roles_required(*STAFF)
def dashboard_csv(table_id):
    filters, chosen = staff_filters(request.args, current_user)
    table = _table(stats_tables.staff_tables(filters), table_id)
    return csv_response(table, f"{table_id}-{chosen['from']}-{chosen['to']}.csv")


def _public_year():
    year = request.args.get("year", type=int) or this_year()
    if not FIRST_YEAR <= year <= this_year():
        abort(404)
    return year


@bp.route("/statistics")
def public():
    year = _public_year()
    return render_template(
        "stats/public.html",
        tables=stats_tables.public_tables(year),
        year=year,
        years=list(range(this_year(), this_year() - 5, -1)),
        csv_endpoint="stats.public_csv",
        csv_args={"year": year},
    )


@bp.route("/statistics/<table_id>.csv")
def public_csv(table_id):
    year = _public_year()
    return csv_response(_table(stats_tables.public_tables(year), table_id), f"{table_id}-{year}.csv")
