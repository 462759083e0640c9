"""Judicial confirmation, the parties' side: applying, joining, supplying the court's materials,
resuming mediation after a rejection; the application's and the ruling's PDFs and supplied files."""

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from odr.agreements import competence, confirmation, operations
from odr.agreements.forms import (
    ApplyForm,
    MaterialsForm,
    NameCourtForm,
)
from odr.agreements.models import (
    ConfirmationApplication,
    MaterialsRequest,
)
from odr.agreements.views import _back, _file, _load, _me, _pdf, _upload, bp
from odr.cases.views import flash_form_errors as flash_errors
from odr.cases.views import load_case, run
from odr.core import storage
from odr.core.web import client_ip
from odr.extensions import db


@bp.get("/confirmations/<int:application_id>/<kind>.pdf")
@login_required
def application_pdf(application_id, kind):
    application = db.session.get(ConfirmationApplication, application_id) or abort(404)
    load_case(application.case_id)
    if kind == "application":
        return _pdf(application.form_pdf_sha256, f"{application.case.number}-司法确认申请书.pdf")
    if kind == "ruling":
        return _pdf(application.ruling_pdf_sha256, f"{application.case.number}-民事裁定书.pdf")
    abort(404)


@bp.get("/materials/<int:request_id>")
@login_required
def materials_file(request_id):
    materials = db.session.get(MaterialsRequest, request_id) or abort(404)
    load_case(materials.application.case_id)
    return _file(materials.file_sha256, materials.file_name, materials.file_type)


@bp.post("/agreements/<int:agreement_id>/confirmation")
@login_required
def apply(agreement_id):
    agreement = _load(agreement_id)
    form = ApplyForm(prefix="apply")
    form.court_id.choices = [
        SelectChoice(o.court.id, o.court.name) for o in competence.competent_courts(agreement.case)
    ]
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(agreement)
    run(
        confirmation.apply_for_confirmation,
        agreement,
        _me(),
        court_id=form.court_id.data,
        facts_and_reasons=form.facts_and_reasons.data,
        ip_address=client_ip(),
        success=_("Your application is recorded. It goes to the court when the other side joins it."),
    )
    return _back(agreement)


@bp.post("/agreements/<int:agreement_id>/competent-court")
@login_required
def name_court(agreement_id):
    agreement = _load(agreement_id)
    form = NameCourtForm(prefix="court")
    form.court_id.choices = [SelectChoice(c.id, c.name) for c in competence.nameable_courts()]
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(agreement)
    run(
        confirmation.name_court,
        agreement.case,
        _me(),
        court_id=form.court_id.data,
        reason=form.reason.data,
        success=_("The court is named; the parties may now apply to it."),
    )
    return _back(agreement)


@bp.post("/confirmations/<int:application_id>/join")
@login_required
def join(application_id):
    application = db.session.get(ConfirmationApplication, application_id) or abort(404)
    load_case(application.case_id)
    run(
        confirmation.join,
        application,
        _me(),
        ip_address=client_ip(),
        success=_("You joined the application."),
    )
    return _back(application.agreement)


@bp.post("/confirmations/<int:application_id>/materials")
@login_required
def supply(application_id):
    application = db.session.get(ConfirmationApplication, application_id) or abort(404)
    load_case(application.case_id)
    form = MaterialsForm(prefix="materials")
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(application.agreement)
    filename, data = _upload(form.file)
    try:
        confirmation.supply_materials(application, _me(), reply=form.reply.data, filename=filename, data=data)
    except (operations.AgreementError, operations.TransitionError, storage.StorageError) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(application.agreement)
    db.session.commit()
    flash(_("The materials were sent to the court."), "success")
    return _back(application.agreement)


@bp.post("/cases/<int:case_id>/resume-mediation")
@login_required
def resume(case_id):
    case = load_case(case_id)
    run(
        operations.resume_mediation,
        case,
        _me(),
        success=_("Mediation resumed. Draft a new agreement when the parties are ready."),
    )
    return _back(case)
