"""Preservation requests: a party's request, the court liaison officer's list and decision."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from odr.accounts.decorators import roles_required
from odr.accounts.models import Organisation, Role
from odr.cases.views import flash_form_errors, load_case, run
from odr.core.templating import current_locale
from odr.evidence import operations, preservation
from odr.evidence.access import is_liaison_of, liaison_court_id, of_side, side_of
from odr.evidence.forms import DecisionForm, PreservationForm
from odr.evidence.models import Exhibit, PreservationRequest, PreservationState
from odr.evidence.views import bp
from odr.extensions import db


def _me():
    return current_user._get_current_object()


def load_request(request_id) -> PreservationRequest:
    found = db.session.get(PreservationRequest, request_id)
    if found is None or not found.can_view(current_user):
        abort(404)
    return found


def _own_exhibits(case, user):
    return [
        e
        for e in db.session.query(Exhibit)
        .filter_by(case_id=case.id, side=side_of(case, user))
        .order_by(Exhibit.seq)
    ]


@bp.route("/cases/<int:case_id>/preservation/new", methods=["GET", "POST"])
@login_required
def new_preservation(case_id):
    case = load_case(case_id)
    if case.party_of(current_user) is None:
        abort(403)
    if not operations.docket_open(case):
        flash(_("This case is %(state)s: its evidence docket is closed.", state=case.state.label), "warning")
        return redirect(url_for("evidence.docket", case_id=case.id))
    form = PreservationForm()
    locale = current_locale()
    form.court_id.choices = [
        SelectChoice(0, "—"),
        *(SelectChoice(c.id, c.display_name(locale)) for c in preservation.courts()),
    ]
    own = _own_exhibits(case, _me())
    form.exhibit_ids.choices = [SelectChoice(e.id, f"{e.number} {e.title}") for e in own]
    if request.method == "GET":
        court = preservation.default_court(case)
        if court is not None:
            form.court_id.data = court.id
    if form.validate_on_submit():
        chosen = [e for e in own if e.id in set(form.exhibit_ids.data)]
        created = run(
            preservation.request_preservation,
            case,
            _me(),
            court=db.session.get(Organisation, form.court_id.data),
            target=form.target.data,
            reason=form.reason.data,
            exhibits=chosen,
            success=_("Your request has been sent to the court's liaison officer."),
        )
        if created:
            return redirect(url_for("evidence.preservation_request", request_id=created.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields; nothing was sent."), "danger")
    return render_template("evidence/preservation_new.html", case=case, form=form, own=own)


@bp.route("/preservation/<int:request_id>")
@login_required
def preservation_request(request_id):
    found = load_request(request_id)
    return _request_page(found, DecisionForm())


def _request_page(found, form, status=200):
    me = _me()
    return (
        render_template(
            "evidence/preservation.html",
            req=found,
            case=found.case,
            can_see_case=found.case.can_view(me),
            can_decide=is_liaison_of(found.court, me) and found.state == PreservationState.PENDING,
            can_withdraw=of_side(found.case, me, found.side) and found.state == PreservationState.PENDING,
            form=form,
        ),
        status,
    )


@bp.route("/preservation/<int:request_id>/decide", methods=["POST"])
@login_required
def decide_preservation(request_id):
    found = load_request(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _request_page(found, form, 400)
    if run(
        preservation.decide,
        found,
        _me(),
        grant=form.decision.data == "grant",
        note=form.note.data,
        ruling_number=form.ruling_number.data,
        success=_("The court's decision is recorded; the party has been told."),
    ):
        return redirect(url_for("evidence.preservation_request", request_id=found.id))
    return _request_page(found, form, 400)


@bp.route("/preservation/<int:request_id>/withdraw", methods=["POST"])
@login_required
def withdraw_preservation(request_id):
    found = load_request(request_id)
    run(preservation.withdraw, found, _me(), success=_("Your request has been withdrawn."))
    return redirect(url_for("evidence.preservation_request", request_id=found.id))


@bp.route("/court/preservation")
@roles_required(Role.COURT_LIAISON)
def court_requests():
    """The liaison officer's list: every preservation request sent to their court, the waiting ones first."""
    court_id = liaison_court_id(current_user)
    if court_id is None:
        abort(403)
    found = preservation.for_court(court_id)
    found.sort(key=lambda r: r.state != PreservationState.PENDING)
    return render_template("evidence/court.html", requests=found, court=current_user.organisation)
