"""Admin pages: staff and expert accounts, organisations."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from odr.accounts import operations
from odr.accounts.decorators import roles_required
from odr.accounts.forms import OrganisationForm, StaffUserForm, organisation_choices
from odr.accounts.models import Organisation, Role, User, UserRole
from odr.accounts.operations import AccountError
from odr.core.inputs import paginate
from odr.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    role = request.args.get("role")
    query = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
    if role in {r.value for r in Role}:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    page = paginate(query, per_page=30)
    return render_template("admin/users.html", page=page, roles=list(Role), role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = StaffUserForm()
    form.organisation_id.choices = organisation_choices(blank="—")
    if form.validate_on_submit():
        try:
            user = operations.create_staff_user(
                email=form.email.data,
                password=form.password.data,
                name=form.name.data,
                roles=form.roles.data,
                phone=form.phone.data or None,
                locale=form.locale.data,
                organisation=db.session.get(Organisation, form.organisation_id.data)
                if form.organisation_id.data
                else None,
                actor=current_user._get_current_object(),
            )
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Account created for %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def set_active(user_id):
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash(_("You cannot suspend your own account."), "warning")
        return redirect(url_for("admin.users"))
    active = request.form.get("active") == "1"
    operations.set_user_active(user, active, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Account activated.") if active else _("Account suspended."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@roles_required(Role.ADMIN)
def sign_out_everywhere(user_id):
    """An administrator ends every session of an account (a lost phone, a leaving employee)."""
    from odr.accounts import sessions

    user = db.session.get(User, user_id) or abort(404)
    ended = sessions.end_all(user, "ended_by_admin", actor=current_user._get_current_object())
    db.session.commit()
    flash(
        _("%(email)s has been signed out everywhere (%(n)d sessions).", email=user.email, n=ended), "success"
    )
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_two_factor(user_id):
    """A user lost both the phone and the recovery codes: an administrator turns two-factor sign-in
    off (a required role sets it up again at the next sign-in) and ends the user's sessions."""
    from odr.accounts import sessions, twofactor

    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id or not twofactor.enabled(user):
        abort(400)
    twofactor.disable(user, current_user._get_current_object())
    sessions.end_all(user, "two_factor_reset", actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Two-factor sign-in of %(email)s has been reset.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/organisations", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            operations.create_organisation(
                name=form.name.data,
                name_en=form.name_en.data or None,
                kind=form.kind.data,
                region=form.region.data or None,
                address=form.address.data or None,
                actor=current_user._get_current_object(),
            )
        except AccountError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Organisation created."), "success")
            return redirect(url_for("admin.organisations"))
    orgs = db.session.scalars(sa.select(Organisation).order_by(Organisation.kind, Organisation.name)).all()
    return render_template("admin/organisations.html", form=form, orgs=orgs)


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    """The mails the platform sent or still holds (all of them, when no SMTP server is configured)."""
    from odr.notifications.mail import OutboxMail

    page = paginate(sa.select(OutboxMail).order_by(OutboxMail.id.desc()), per_page=50)
    return render_template("admin/outbox.html", page=page)
