"""Sign in and out, register as a party, manage one's own account."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from odr.accounts import operations, sessions
from odr.accounts.auth import LoginOutcome, authenticate, check_password
from odr.accounts.forms import ChangePasswordForm, LoginForm, RegisterForm
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
        outcome, user = authenticate(form.email.data, form.password.data)
        sessions.log_attempt(form.email.data, user, outcome is LoginOutcome.OK)
        if outcome is LoginOutcome.OK:
            session.clear()
            login_user(user)
            sessions.start(user, remember=form.remember.data)
            record("signed_in", user, actor=user, details={"ip": request.remote_addr})
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        db.session.commit()  # keep the failure count, any lock and the sign-in log
        if outcome is LoginOutcome.LOCKED:
            minutes = int(current_app.config["LOGIN_LOCKOUT"].total_seconds() // 60)
            flash(
                _(
                    "Too many failed attempts: this account is locked for %(minutes)d minutes.",
                    minutes=minutes,
                ),
                "danger",
            )
        elif outcome is LoginOutcome.INACTIVE:
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
