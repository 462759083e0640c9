"""Docket pages: the case's exhibits, depositing one, an exhibit and its file, receipt and responses,
the mediator's summary, the evidence list and the public verification page."""

from io import BytesIO

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from odr.cases import panels
from odr.cases.models import Side
from odr.cases.views import load_case, run
from odr.core import storage
from odr.core.db import utcnow
from odr.core.inputs import form_id
from odr.core.labels import zh
from odr.evidence import charts, operations, preservation
from odr.evidence.access import is_neutral, liaison_court_id, side_of, visible_exhibits_clause
from odr.evidence.forms import ExhibitForm, ResponseForm, VerifyForm
from odr.evidence.models import ClaimChart, Exhibit, PreservationRequest, Visibility
from odr.evidence.operations import EvidenceError
from odr.extensions import db, limiter

bp = Blueprint("evidence", __name__)


def _me():
    return current_user._get_current_object()


def load_exhibit(exhibit_id) -> Exhibit:
    """The exhibit, if the signed-in user may see it; 404 otherwise."""
    exhibit = db.session.get(Exhibit, exhibit_id)
    if exhibit is None or not exhibit.can_view(current_user):
        abort(404)
    return exhibit


def visible_exhibits(case, user):
    return db.session.scalars(
        sa.select(Exhibit)
        .where(visible_exhibits_clause(case, user))
        .options(selectinload(Exhibit.deposit_entry))
        .order_by(Exhibit.side, Exhibit.seq)
    ).all()


def visible_requests(case, user):
    query = sa.select(PreservationRequest).where(PreservationRequest.case_id == case.id)
    if not is_neutral(case, user):
        query = query.where(PreservationRequest.side == side_of(case, user))
    return db.session.scalars(query.order_by(PreservationRequest.requested_at.desc())).all()


def visible_charts(case, user):
    found = db.session.scalars(
        sa.select(ClaimChart).where(ClaimChart.case_id == case.id).order_by(ClaimChart.id)
    )
    return [c for c in found if c.can_view(user)]


# The case page's section and the dashboard --------------------------------------------------------


def case_panel(case, user):
    party = case.party_of(user)
    neutral = is_neutral(case, user)
    if party is None and not neutral:
        return None
    exhibits = visible_exhibits(case, user)
    context = {
        "exhibits": exhibits,
        "can_deposit": party is not None and operations.docket_open(case),
        "is_neutral": neutral,
        "summary": operations.summary(case) if neutral else None,
        "charts": visible_charts(case, user) if charts.charts_apply(case) else [],
        "can_chart": charts.charts_apply(case)
        and party is not None
        and party.side == Side.CLAIMANT
        and operations.docket_open(case),
        "requests": visible_requests(case, user),
    }
    return "evidence/_case_panel.html", context


panels.register(case_panel)


def dashboard_widget(user):
    """For a court liaison officer: the preservation requests waiting on their court."""
    court_id = liaison_court_id(user)
    if court_id is None:
        return None
    return "evidence/_dashboard.html", {"pending": preservation.for_court(court_id, pending_only=True)}


panels.register_dashboard(dashboard_widget)


# The docket ----------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/evidence")
@login_required
def docket(case_id):
    case = load_case(case_id)
    context = case_panel(case, current_user)
    if context is None:
        abort(404)
    return render_template("evidence/docket.html", case=case, panel=context[1])


@bp.route("/cases/<int:case_id>/evidence/new", methods=["GET", "POST"])
@login_required
def deposit(case_id):
    case = load_case(case_id)
    if case.party_of(current_user) is None:
        abort(403)
    form = ExhibitForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        upload.close()  # a large upload is spooled to a temporary file: let it go now
        try:
            exhibit = operations.deposit(
                case,
                _me(),
                filename=upload.filename,
                data=data,
                title=form.title.data,
                proves=form.proves.data,
                source=form.source.data,
                obtained_on=form.obtained_on.data,
                captured_url=form.captured_url.data,
                captured_at=form.captured_at_utc(),
            )
        except (EvidenceError, storage.StorageError) as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(error)]
            flash(_("Nothing was deposited: %(reason)s", reason=error), "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Exhibit %(number)s deposited. Its SHA-256 is on the audit chain; keep the receipt with the file.",
                    number=exhibit.number,
                ),
                "success",
            )
            return redirect(url_for("evidence.show", exhibit_id=exhibit.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields; nothing was deposited. Choose the file again."), "danger")
    return render_template("evidence/deposit.html", case=case, form=form)


@bp.route("/evidence/<int:exhibit_id>")
@login_required
def show(exhibit_id):
    exhibit = load_exhibit(exhibit_id)
    return _exhibit_page(exhibit, ResponseForm())


def _exhibit_page(exhibit, response_form, status=200):
    case = exhibit.case
    me = _me()
    side = side_of(case, me)
    mine = side is not None and side == exhibit.side  # the side's: its party and agents alike
    can_respond = (
        side is not None
        and side != exhibit.side
        and exhibit.visibility == Visibility.SHARED
        and operations.docket_open(case)
    )
    own = next((r for r in exhibit.responses if r.responded_by_id == me.id), None)
    if can_respond and own is not None and request.method == "GET":
        response_form = ResponseForm(formdata=None, stance=own.stance.value, comment=own.comment)
    moves = [m for (state, m) in operations.VISIBILITY_MOVES if state == exhibit.visibility]
    return (
        render_template(
            "evidence/exhibit.html",
            exhibit=exhibit,
            case=case,
            can_see_case=case.can_view(me),
            mine=mine,
            moves=moves if mine and operations.docket_open(case) else [],
            can_respond=can_respond,
            response_form=response_form,
            accesses=operations.accesses(exhibit) if (mine or is_neutral(case, me)) else None,
            rooms=operations.rooms_to_show_in(exhibit, me),
        ),
        status,
    )


def _stored(sha256):
    """The path of a stored file, or 404 when it is not there."""
    try:
        path = storage.path_for(sha256)
    except storage.StorageError:
        abort(404)
    if not path.exists():
        abort(404)
    return path


def _send(path, name, mimetype):
    """PATH as a download, never shown inline: the browser neither sniffs nor runs anything in it."""
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/evidence/<int:exhibit_id>/file")
@login_required
def download(exhibit_id):
    exhibit = load_exhibit(exhibit_id)
    path = _stored(exhibit.sha256)
    operations.log_access(exhibit, _me(), "file", request.remote_addr)
    db.session.commit()
    return _send(path, exhibit.file_name, exhibit.content_type)


@bp.route("/evidence/<int:exhibit_id>/receipt")
@login_required
def receipt(exhibit_id):
    exhibit = load_exhibit(exhibit_id)
    path = _stored(exhibit.receipt_sha256 or "")
    operations.log_access(exhibit, _me(), "receipt", request.remote_addr)
    db.session.commit()
    return _send(path, f"{exhibit.case.number or 'case'}-{exhibit.number}-receipt.pdf", "application/pdf")


@bp.route("/evidence/<int:exhibit_id>/visibility", methods=["POST"])
@login_required
def visibility(exhibit_id):
    exhibit = load_exhibit(exhibit_id)
    move = request.form.get("move", "")
    success = {
        "share": _("The exhibit is now shared with the other side."),
        "confidential": _("The exhibit is marked confidential: only the neutrals see it."),
        "unmark": _("The confidential mark is lifted; the exhibit is not shared."),
    }.get(move)
    if success is None:
        abort(400)
    run(operations.change_visibility, exhibit, _me(), move, success=success)
    return redirect(url_for("evidence.show", exhibit_id=exhibit.id))


@bp.route("/evidence/<int:exhibit_id>/room", methods=["POST"])
@login_required
def show_in_room(exhibit_id):
    from odr.rooms.models import Room

    exhibit = load_exhibit(exhibit_id)
    room = db.session.get(Room, form_id("room_id", 0))
    if room is None or room.case_id != exhibit.case_id:
        abort(404)
    run(
        operations.show_in_room,
        exhibit,
        _me(),
        room,
        success=_("The exhibit's file has been posted in the room."),
    )
    return redirect(url_for("evidence.show", exhibit_id=exhibit.id))


@bp.route("/evidence/<int:exhibit_id>/respond", methods=["POST"])
@login_required
def respond(exhibit_id):
    exhibit = load_exhibit(exhibit_id)
    form = ResponseForm()
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields; your response was not saved."), "danger")
        return _exhibit_page(exhibit, form, 400)
    if run(
        operations.respond,
        exhibit,
        _me(),
        form.stance.data,
        form.comment.data,
        success=_("Your response is recorded; the mediator sees it."),
    ):
        return redirect(url_for("evidence.show", exhibit_id=exhibit.id))
    return _exhibit_page(exhibit, form, 400)


@bp.route("/cases/<int:case_id>/evidence/summary")
@login_required
def summary(case_id):
    case = load_case(case_id)
    if not is_neutral(case, current_user):
        abort(403)
    return render_template("evidence/summary.html", case=case, summary=operations.summary(case))


@bp.route("/cases/<int:case_id>/evidence/list.pdf")
@login_required
def evidence_list(case_id):
    from odr.evidence.pdf import render_evidence_list

    case = load_case(case_id)
    me = _me()
    neutral = is_neutral(case, me)
    if not neutral and case.party_of(me) is None:
        abort(403)
    exhibits = visible_exhibits(case, me)
    data = {
        "case_number": case.number or "（尚未编号）",
        "case_title": case.title,
        "made_at": utcnow(),
        "scope_label": "全部证据（含未共享及保密证据）" if neutral else "本方提交的证据及对方已共享的证据",
        "exhibits": [
            {
                "number": e.number_zh,
                "title": e.title,
                "proves": e.proves,
                "source_label": zh(e.source),
                "obtained_on": e.obtained_on,
                "captured_url": e.captured_url,
                "captured_at": e.captured_at,
                "file_name": e.file_name,
                "size": e.size,
                "sha256": e.sha256,
                "chain_position": e.deposit_entry.position if e.deposit_entry else "—",
                "visibility_label": {"private": "未共享", "shared": "已共享", "confidential": "保密"}[
                    e.visibility.value
                ],
            }
            for e in exhibits
        ],
    }
    pdf = render_evidence_list(data)
    return send_file(
        BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{case.number or 'case'}-evidence-list.pdf",
    )


# Verification (open to anyone holding a file) -----------------------------------------------------


@bp.route("/evidence/verify", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def verify():
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        receipt = form.receipt.data
        receipt_bytes = receipt.read() if receipt and getattr(receipt, "filename", "") else None
        data = form.file.data.read()
        form.file.data.close()
        result = operations.verify(data, receipt_bytes)
    elif request.method == "POST":
        flash(_("Choose the file to check."), "danger")
    return render_template("evidence/verify.html", form=form, result=result)


from odr.evidence import chart_views, court_views  # noqa: E402, F401  (their routes are on this blueprint)
