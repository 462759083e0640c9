"""Sign in and out, register as a party, manage one's own account."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from odr.accounts import operations, recovery, sessions
from odr.accounts.auth import LoginOutcome, authenticate, check_password
from odr.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from odr.audit.operations import record
from odr.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def safe_next(target, default=None):
    """TARGET if it is a path on this site, else DEFAULT (the dashboard)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return default or url_for("cases.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = sessions.wait_before_trying(form.email.data, request.remote_addr)
        if wait:
            flash(
                _(
                    "Too many failed sign-ins. Wait %(seconds)d seconds before trying again.",
                    seconds=wait,
                ),
                "danger",
            )
            return render_template("accounts/login.html", form=form), 429
        outcome, user = authenticate(form.email.data, form.password.data)
        sessions.log_attempt(form.email.data, user, outcome is LoginOutcome.OK)
        if outcome is LoginOutcome.OK:
            session.clear()
            login_user(user)
            sessions.start(user, remember=form.remember.data)
            record("signed_in", user, actor=user, details={"ip": request.remote_addr})
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        db.session.commit()  # keep the sign-in log
        if outcome is LoginOutcome.INACTIVE:
            flash(_("This account has been suspended. Please contact the mediation centre."), "danger")
        else:
            flash(_("The e-mail or password is not correct."), "danger")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record("signed_out", current_user._get_current_object())
    sessions.sign_out()
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.index"))


# Pages a user whose password must change may still open.
OPEN_WHILE_CHANGING = {
    "accounts.account",
    "accounts.logout",
    "accounts.end_session",
    "accounts.end_all_sessions",
    "core.switch_language",
    "static",
}


@bp.before_app_request
def ask_to_change_a_weak_password():
    """An account whose password no longer passes the policy changes it before anything else."""
    if request.endpoint in OPEN_WHILE_CHANGING or request.endpoint is None:
        return None
    if current_user.is_authenticated and current_user.password_change_required:
        flash(
            _(
                "Your password is too easy to guess under the platform's password rules. Choose a new one"
                " to continue."
            ),
            "warning",
        )
        return redirect(url_for("accounts.account"))
    return None


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data, request.remote_addr)
        db.session.commit()
        # The same answer whether or not an account uses the address.
        flash(
            _(
                "If an account uses %(email)s, a link to choose a new password is on its way there. It"
                " works once, for %(minutes)d minutes.",
                email=form.email.data,
                minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        reset = recovery.find_reset(token)
    except recovery.ResetError as error:
        return render_template("accounts/reset.html", error=str(error)), 410
    form = ResetPasswordForm()
    form.password_user_inputs = [reset.user.email, reset.user.name]
    if form.validate_on_submit():
        recovery.reset_password(reset, form.password.data)
        db.session.commit()
        logout_user()
        session.pop("sid", None)
        flash(
            _("Your password has been changed and every session ended. Sign in with the new password."),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, user=reset.user)


@bp.route("/register", methods=["GET", "POST"])
def register():
    from odr.cases.operations import InvitationError, claim_invitation, find_invitation

    token = request.values.get("invite")
    invitation = None
    if token:
        try:
            invitation = find_invitation(token)
        except InvitationError as error:
            flash(str(error), "danger")
            return redirect(url_for("core.index"))
    if current_user.is_authenticated and not invitation:
        return redirect(url_for("cases.dashboard"))
    form = RegisterForm()
    if request.method == "GET" and invitation:
        party = invitation.party
        form.party_kind.data = party.kind.value
        form.name.data = party.name
        form.email.data = party.email
        form.phone.data = party.phone
        form.id_number.data = party.id_number
        form.credit_code.data = party.credit_code
    if form.validate_on_submit():
        user = operations.register_party(
            email=form.email.data,
            password=form.password.data,
            name=form.name.data,
            party_kind=form.party_kind.data,
            phone=form.phone.data,
            locale=form.locale.data,
            id_number=form.id_number.data,
            credit_code=form.credit_code.data,
            contact_name=form.contact_name.data,
        )
        claimed = False
        if invitation:
            try:
                claim_invitation(invitation, user)
                claimed = True
            except InvitationError as error:
                flash(str(error), "danger")
        login_user(user)
        sessions.start(user)
        db.session.commit()
        flash(_("Welcome, %(name)s. Your account has been created.", name=user.name), "success")
        if claimed:
            return redirect(url_for("cases.show", case_id=invitation.party.case_id))
        return redirect(url_for("identity.mine"))
    return render_template("accounts/register.html", form=form, invitation=invitation, token=token)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    form.password_user_inputs = [current_user.email, current_user.name]
    if form.validate_on_submit():
        if not check_password(current_user, form.current.data):
            form.current.errors.append(_("The current password is not correct."))
        else:
            operations.change_password(
                current_user._get_current_object(), form.password.data, keep=sessions.current()
            )
            db.session.commit()
            flash(
                _("Your password has been changed. Every other session of your account has been ended."),
                "success",
            )
            return redirect(url_for("accounts.account"))
    user = current_user._get_current_object()
    return render_template(
        "accounts/account.html",
        form=form,
        active_sessions=sessions.active_sessions(user),
        this_session=sessions.current(),
        attempts=sessions.recent_attempts(user),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id):
    row = db.session.get(sessions.LoginSession, session_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    mine = row is sessions.current()
    sessions.end_session(row, "ended_by_user", actor=current_user._get_current_object())
    db.session.commit()
    if mine:
        logout_user()
        return redirect(url_for("accounts.login"))
    flash(_("The session has been ended."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required
def end_all_sessions():
    """Sign out everywhere, this browser included."""
    sessions.end_all(
        current_user._get_current_object(), "signed_out_everywhere", actor=current_user._get_current_object()
    )
    db.session.commit()
    logout_user()
    flash(_("You have been signed out everywhere."), "info")
    return redirect(url_for("accounts.login"))
