"""Sign in and out, register as a party, manage one's own account."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from odr.accounts import operations, recovery, sessions, twofactor
from odr.accounts.auth import LoginOutcome, authenticate, check_password
from odr.accounts.forms import (
    ChangePasswordForm,
    EnableTwoFactorForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordConfirmForm,
    RegisterForm,
    ResetPasswordForm,
    SecondFactorForm,
)
from odr.accounts.models import User
from odr.audit.operations import record
from odr.core.db import utcnow
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
        if outcome is LoginOutcome.OK and twofactor.enabled(user):
            # The password was right; the second factor comes next, on a page of its own.
            session.clear()
            session[PENDING] = {
                "user_id": user.id,
                "remember": bool(form.remember.data),
                "next": safe_next(request.args.get("next")),
                "at": utcnow().timestamp(),
            }
            db.session.commit()
            return redirect(url_for("accounts.second_factor"))
        sessions.log_attempt(form.email.data, user, outcome is LoginOutcome.OK)
        if outcome is LoginOutcome.OK:
            return _complete_sign_in(user, form.remember.data, safe_next(request.args.get("next")))
        db.session.commit()  # keep the sign-in log
        if outcome is LoginOutcome.INACTIVE:
            flash(_("This account has been suspended. Please contact the mediation centre."), "danger")
        else:
            flash(_("The e-mail or password is not correct."), "danger")
    return render_template("accounts/login.html", form=form)


PENDING = "two_factor_pending"
PENDING_SECONDS = 300


def _complete_sign_in(user, remember, target):
    session.clear()
    login_user(user)
    sessions.start(user, remember=remember)
    record("signed_in", user, actor=user, details={"ip": request.remote_addr})
    db.session.commit()
    return redirect(target)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def second_factor():
    """The second step of signing in: the code from the authenticator app, or a recovery code."""
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending.get("user_id") or 0)
    if user is None or utcnow().timestamp() - pending.get("at", 0) > PENDING_SECONDS or not user.active:
        session.pop(PENDING, None)
        flash(_("Please sign in again."), "warning")
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        wait = sessions.wait_before_trying(user.email, request.remote_addr)
        if wait:
            flash(
                _("Too many failed sign-ins. Wait %(seconds)d seconds before trying again.", seconds=wait),
                "danger",
            )
            return render_template("accounts/second_factor.html", form=form), 429
        if twofactor.verify(user, form.code.data):
            sessions.log_attempt(user.email, user, True)
            return _complete_sign_in(
                user, pending.get("remember"), pending.get("next") or url_for("cases.dashboard")
            )
        sessions.log_attempt(user.email, user, False)
        db.session.commit()
        form.code.errors.append(
            _("That code is not right. Enter the current code, or one of your recovery codes.")
        )
    return render_template("accounts/second_factor.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Turn two-factor sign-in on (scan, confirm with a code, keep the recovery codes) or manage it."""
    user = current_user._get_current_object()
    if twofactor.enabled(user):
        return render_template(
            "accounts/two_factor.html",
            user=user,
            left=twofactor.recovery_codes_left(user),
            required=twofactor.required_for(user),
            confirm_form=PasswordConfirmForm(),
        )
    secret = session.get("totp_setup") or twofactor.new_secret()
    session["totp_setup"] = secret
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.enable(user, secret, form.code.data)
        except twofactor.TwoFactorError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            session.pop("totp_setup", None)
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("accounts/recovery_codes.html", codes=codes)
    return render_template(
        "accounts/two_factor.html",
        user=user,
        form=form,
        secret=secret,
        qr=twofactor.qr_data_uri(user, secret),
        required=twofactor.required_for(user),
    )


@bp.route("/account/two-factor/<action>", methods=["POST"])
@login_required
def two_factor_action(action):
    """New recovery codes, or turning two-factor sign-in off; both need the password."""
    user = current_user._get_current_object()
    form = PasswordConfirmForm()
    if action not in ("recovery-codes", "disable") or not twofactor.enabled(user):
        abort(404)
    if not form.validate_on_submit() or not check_password(user, form.password.data):
        flash(_("The password is not correct."), "danger")
        return redirect(url_for("accounts.two_factor"))
    if action == "recovery-codes":
        codes = twofactor.new_recovery_codes(user)
        db.session.commit()
        return render_template("accounts/recovery_codes.html", codes=codes)
    try:
        twofactor.disable(user, user)
    except twofactor.TwoFactorError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("accounts.two_factor"))
    db.session.commit()
    flash(_("Two-factor sign-in is off."), "info")
    return redirect(url_for("accounts.account"))


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
    "accounts.two_factor",
    "accounts.two_factor_action",
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
    if not current_user.is_authenticated:
        return None
    if twofactor.required_for(current_user) and not twofactor.enabled(current_user):
        if request.endpoint in ("accounts.two_factor", "accounts.logout", "core.switch_language", "static"):
            return None
        flash(_("Your role requires two-factor sign-in. Set it up to continue."), "warning")
        return redirect(url_for("accounts.two_factor"))
    if current_user.password_change_required:
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
