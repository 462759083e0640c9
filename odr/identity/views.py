"""Identity pages: the user's documents and status, the clerks' queue and decision."""

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from odr.accounts.decorators import roles_required
from odr.accounts.models import Role, User
from odr.audit import labels
from odr.cases import panels
from odr.cases.models import CaseState
from odr.cases.views import flash_form_errors, run
from odr.core.web import send_stored
from odr.extensions import db
from odr.identity import methods, operations
from odr.identity.forms import DecisionForm, DocumentsForm, RevokeForm
from odr.identity.models import IdentityDocument, IdentityVerification, VerificationState

bp = Blueprint("identity", __name__)
labels.register(
    {
        "case.respondent_unlinked": _l(
            "Respondent's account removed from the case: its verification was revoked"
        )
    }
)


@bp.route("/account/identity", methods=["GET", "POST"])
@login_required
def mine():
    user = current_user._get_current_object()
    if not user.has_role(Role.PARTY) or not user.identity_number:
        abort(404)
    form = DocumentsForm()
    if form.validate_on_submit():
        done = run(
            operations.submit_documents,
            user,
            form.uploads(),
            success=_("Your documents have been received. A clerk will check them."),
        )
        if done:
            return redirect(url_for("identity.mine"))
    else:
        flash_form_errors(form)
    return render_template(
        "accounts/identity.html",
        form=form,
        required=operations.required_documents(user),
        pending=operations.pending_request(user),
        latest=operations.latest_request(user),
        VerificationState=VerificationState,
    )


@bp.route("/identity/queue")
@roles_required(Role.CLERK)
def queue():
    requests = operations.queue()
    return render_template(
        "accounts/identity_queue.html",
        requests=requests,
        conflicts={r.id: operations.conflicts(r) for r in requests},
    )


def _load_request(request_id) -> IdentityVerification:
    request = db.session.get(IdentityVerification, request_id)
    if request is None:
        abort(404)
    return request


@bp.route("/identity/requests/<int:request_id>", methods=["GET", "POST"])
@roles_required(Role.CLERK)
def review(request_id):
    request = _load_request(request_id)
    form = DecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data == "verify"
        done = run(
            operations.decide,
            request,
            current_user._get_current_object(),
            approve=approve,
            reason=form.reason.data,
            success=_("The account has been verified.") if approve else _("The request has been rejected."),
        )
        if done:
            return redirect(url_for("identity.queue"))
    else:
        flash_form_errors(form)
    history = db.session.scalars(
        sa.select(IdentityVerification)
        .where(IdentityVerification.user_id == request.user_id, IdentityVerification.id != request.id)
        .order_by(IdentityVerification.id.desc())
    ).all()
    return render_template(
        "accounts/identity_review.html",
        request=request,
        form=form,
        revoke_form=RevokeForm(prefix="revoke"),
        conflicts=operations.conflicts(request),
        history=history,
        method_label=methods.label(request.method),
        VerificationState=VerificationState,
    )


@bp.route("/identity/users/<int:user_id>/revoke", methods=["POST"])
@roles_required(Role.CLERK)
def revoke(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = RevokeForm(prefix="revoke")
    if form.validate_on_submit():
        run(
            operations.revoke,
            user,
            current_user._get_current_object(),
            form.reason.data,
            success=_("The verification of %(email)s has been revoked.", email=user.email),
        )
    else:
        flash_form_errors(form)
    return redirect(url_for("identity.queue"))


@bp.route("/identity/documents/<int:document_id>")
@roles_required(Role.CLERK)
def document(document_id):
    """A document as a download, for clerks only (it is personal data)."""
    doc = db.session.get(IdentityDocument, document_id)
    if doc is None:
        abort(404)
    return send_stored(doc.sha256, doc.filename, doc.content_type)


def case_panel(case, user):
    """Who stands behind each party: for the clerk before acceptance, for a party not yet verified."""
    if case.is_clerk_of(user) and case.state == CaseState.SUBMITTED:
        rows = []
        for party in case.claimants:
            account = party.user
            rows.append(
                {
                    "party": party,
                    "account": account,
                    "verified": account is not None and account.identity_verified,
                    "request": operations.pending_request(account) if account else None,
                }
            )
        return "accounts/_identity_case_panel.html", {"rows": rows}
    party = case.party_of(user)
    if party is not None and party.user_id == user.id and not user.identity_verified:
        return "accounts/_identity_case_panel.html", {
            "rows": None,
            "pending": operations.pending_request(user),
        }
    return None


panels.register(case_panel)


def dashboard_widget(user):
    if user.has_role(Role.CLERK):
        waiting = len(operations.queue())
        return ("accounts/_identity_dashboard.html", {"waiting": waiting}) if waiting else None
    if user.has_role(Role.PARTY) and user.identity_number and not user.identity_verified:
        return "accounts/_identity_dashboard.html", {"pending": operations.pending_request(user)}
    return None


panels.register_dashboard(dashboard_widget)
