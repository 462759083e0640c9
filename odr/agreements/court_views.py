"""The court liaison officer's pages: the queue of applications sent to their court, ordered by
due date, and the application page where the court accepts, extends, asks for materials and rules."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from odr.accounts.decorators import roles_required
from odr.accounts.models import Role
from odr.agreements import confirmation, court_queue, documents, operations, performance
from odr.agreements.forms import (
    AcceptForm,
    DecisionForm,
    EnforcementAcceptForm,
    ExtendForm,
    QueueFilterForm,
    RequestMaterialsForm,
)
from odr.agreements.models import (
    AgreementState,
    ConfirmationApplication,
    EnforcementApplication,
    RejectionGround,
)
from odr.cases import panels
from odr.cases.views import flash_form_errors, run
from odr.core.db import utcnow
from odr.extensions import db

bp = Blueprint("court", __name__, url_prefix="/court")


def _me():
    return current_user._get_current_object()


def _load(application_id) -> ConfirmationApplication:
    application = db.session.get(ConfirmationApplication, application_id)
    if (
        application is None
        or application.submitted_at is None
        or not confirmation.is_liaison_of(current_user, application.court)
    ):
        abort(404)
    return application


def _back(application):
    return redirect(url_for("court.application", application_id=application.id))


@bp.get("/")
@roles_required(Role.COURT_LIAISON)
def queue():
    court_id = current_user.organisation_id
    form = QueueFilterForm(request.args)
    valid = form.validate()
    # (a blank choice passes Optional() as it is: " " is no stage)
    chosen = (form.stage.data or "").strip() if valid else ""
    stage = court_queue.Stage(chosen) if chosen else court_queue.Stage.OPEN
    if court_id is None:
        abort(404)
    page = court_queue.page(
        court_id,
        stage=stage,
        due_by=form.due_by.data if valid else None,
        after=request.args.get("after"),
        before=request.args.get("before"),
    )
    return render_template(
        "agreements/court_queue.html",
        page=page,
        form=form,
        stage=stage,
        waiting=court_queue.waiting_count(court_id),
        enforcements=court_queue.enforcements(court_id),
        now=utcnow(),
        accept_form=EnforcementAcceptForm(prefix="enf"),
    )


@bp.get("/applications/<int:application_id>")
@roles_required(Role.COURT_LIAISON)
def application(application_id):
    return _render(_load(application_id))


def _render(application, decision_form=None, status=200):
    """The application's page; DECISION_FORM keeps what the officer typed when a ruling was refused."""
    agreement = application.agreement
    return render_template(
        "agreements/court_application.html",
        application=application,
        agreement=agreement,
        case=application.case,
        clauses_zh=documents.rendered_clauses(application.case, agreement.final_version.content),
        accept_form=AcceptForm(prefix="accept"),
        extend_form=ExtendForm(prefix="extend"),
        materials_form=RequestMaterialsForm(prefix="materials"),
        decision_form=decision_form
        or DecisionForm(prefix="decide", ruling_number=application.court_case_number),
        grounds=RejectionGround,
        paused=confirmation.paused_total(application),
        integrity=operations.verify_signed_pdf(agreement),
        now=utcnow(),
        states=AgreementState,
    ), status


def _post(application_id, form_class, prefix, operation, success, **fields):
    application = _load(application_id)
    form = form_class(prefix=prefix)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(application)
    run(
        operation,
        application,
        _me(),
        *[getattr(form, name).data for name in fields.get("args", ())],
        success=success,
    )
    return _back(application)


@bp.post("/applications/<int:application_id>/accept")
@roles_required(Role.COURT_LIAISON)
def accept(application_id):
    return _post(
        application_id,
        AcceptForm,
        "accept",
        confirmation.court_accepts,
        _("The application is accepted. The court decides within 15 days."),
        args=("court_case_number",),
    )


@bp.post("/applications/<int:application_id>/extend")
@roles_required(Role.COURT_LIAISON)
def extend(application_id):
    return _post(
        application_id,
        ExtendForm,
        "extend",
        confirmation.extend_review,
        _("The review period was extended by 10 days."),
        args=("reason",),
    )


@bp.post("/applications/<int:application_id>/materials")
@roles_required(Role.COURT_LIAISON)
def request_materials(application_id):
    return _post(
        application_id,
        RequestMaterialsForm,
        "materials",
        confirmation.request_materials,
        _("The parties were asked for the materials; the review period is paused until they supply them."),
        args=("what",),
    )


@bp.post("/applications/<int:application_id>/decide")
@roles_required(Role.COURT_LIAISON)
def decide(application_id):
    application = _load(application_id)
    form = DecisionForm(prefix="decide")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _render(application, form, 400)
    confirm = form.decision.data == "confirm"
    done = run(
        confirmation.decide,
        application,
        _me(),
        confirm=confirm,
        ruling_number=form.ruling_number.data,
        judge_name=form.judge_name.data,
        clerk_name=form.clerk_name.data,
        grounds=[] if confirm else form.grounds.data,
        explanation=form.explanation.data,
        success=_("The ruling was issued and the parties informed."),
    )
    if not done:  # refused: show the page again with what the officer typed
        return _render(application, form, 400)
    return _back(application)


@bp.post("/enforcements/<int:enforcement_id>/accept")
@roles_required(Role.COURT_LIAISON)
def accept_enforcement(enforcement_id):
    enforcement = db.session.get(EnforcementApplication, enforcement_id)
    if enforcement is None or not confirmation.is_liaison_of(current_user, enforcement.court):
        abort(404)
    form = EnforcementAcceptForm(prefix="enf")
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        run(
            performance.court_records_enforcement,
            enforcement,
            _me(),
            form.court_case_number.data,
            success=_("The acceptance of the enforcement application is recorded."),
        )
    return redirect(url_for("court.queue"))


def dashboard_widget(user):
    """The court's applications still waiting for it, on the liaison officer's dashboard."""
    if not user.has_role(Role.COURT_LIAISON):
        return None
    if user.organisation_id is None:
        return None
    return "agreements/_court_dashboard.html", {
        "waiting": court_queue.page(user.organisation_id, per_page=10).items,
        "count": court_queue.waiting_count(user.organisation_id),
        "enforcements": court_queue.enforcements(user.organisation_id, pending_only=True, limit=10),
        "now": utcnow(),
    }


panels.register_dashboard(dashboard_widget)
