"""Performance and enforcement of an effective agreement: reporting and answering, applying for
enforcement; the proof and the application's PDF."""

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import login_required

from odr.agreements import operations, performance
from odr.agreements.forms import (
    AnswerReportForm,
    BreachAnswerForm,
    BreachForm,
    EnforcementForm,
    ReportForm,
)
from odr.agreements.models import (
    Breach,
    EnforcementApplication,
    Obligation,
)
from odr.agreements.views import _back, _file, _load, _me, _pdf, _upload, bp
from odr.cases.views import flash_form_errors as flash_errors
from odr.cases.views import load_case, run
from odr.core import storage
from odr.core.web import client_ip
from odr.extensions import db


@bp.get("/obligations/<int:obligation_id>/proof")
@login_required
def proof(obligation_id):
    obligation = db.session.get(Obligation, obligation_id) or abort(404)
    load_case(obligation.agreement.case_id)
    return _file(obligation.proof_sha256, obligation.proof_name, obligation.proof_type)


@bp.get("/breaches/<int:breach_id>/evidence")
@login_required
def breach_evidence(breach_id):
    breach = db.session.get(Breach, breach_id) or abort(404)
    load_case(breach.obligation.agreement.case_id)
    return _file(breach.evidence_sha256, breach.evidence_name, breach.evidence_type)


@bp.get("/enforcements/<int:enforcement_id>.pdf")
@login_required
def enforcement_pdf(enforcement_id):
    application = db.session.get(EnforcementApplication, enforcement_id) or abort(404)
    load_case(application.case_id)
    return _pdf(application.pdf_sha256, f"{application.case.number}-强制执行申请书.pdf")


@bp.post("/obligations/<int:obligation_id>/report")
@login_required
def report(obligation_id):
    obligation = db.session.get(Obligation, obligation_id) or abort(404)
    load_case(obligation.agreement.case_id)
    form = ReportForm(prefix="report")
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(obligation.agreement)
    filename, data = _upload(form.file)
    try:
        performance.report(obligation, _me(), text=form.text.data, filename=filename, data=data)
    except (operations.AgreementError, storage.StorageError) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(obligation.agreement)
    db.session.commit()
    flash(_("Your report was sent to the other side for confirmation."), "success")
    return _back(obligation.agreement)


@bp.post("/obligations/<int:obligation_id>/answer")
@login_required
def answer(obligation_id):
    obligation = db.session.get(Obligation, obligation_id) or abort(404)
    load_case(obligation.agreement.case_id)
    form = AnswerReportForm(prefix="answer")
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(obligation.agreement)
    run(
        performance.answer_report,
        obligation,
        _me(),
        accept=form.decision.data == "confirm",
        reason=form.reason.data,
        success=_("Your answer was recorded."),
    )
    return _back(obligation.agreement)


@bp.post("/obligations/<int:obligation_id>/breach")
@login_required
def breach(obligation_id):
    obligation = db.session.get(Obligation, obligation_id) or abort(404)
    load_case(obligation.agreement.case_id)
    form = BreachForm(prefix="breach")
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(obligation.agreement)
    filename, data = _upload(form.file)
    try:
        performance.report_breach(
            obligation,
            _me(),
            text=form.text.data,
            observed_on=form.observed_on.data,
            filename=filename,
            data=data,
        )
    except (operations.AgreementError, storage.StorageError) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(obligation.agreement)
    db.session.commit()
    flash(
        _("The breach was reported with your evidence; the other side and the mediator are told."), "success"
    )
    return _back(obligation.agreement)


@bp.post("/breaches/<int:breach_id>/answer")
@login_required
def answer_breach(breach_id):
    breach = db.session.get(Breach, breach_id) or abort(404)
    load_case(breach.obligation.agreement.case_id)
    form = BreachAnswerForm(prefix="breachanswer")
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(breach.obligation.agreement)
    run(
        performance.answer_breach,
        breach,
        _me(),
        text=form.text.data,
        success=_("Your answer was recorded; the other side and the mediator can read it."),
    )
    return _back(breach.obligation.agreement)


@bp.post("/agreements/<int:agreement_id>/enforcement")
@login_required
def enforce(agreement_id):
    agreement = _load(agreement_id)
    form = EnforcementForm(prefix="enforce")
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(agreement)
    run(
        performance.apply_for_enforcement,
        agreement,
        _me(),
        facts=form.facts.data,
        ip_address=client_ip(),
        success=_("The application for enforcement was drafted from the file and sent to the court."),
    )
    return _back(agreement)
