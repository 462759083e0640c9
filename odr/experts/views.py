"""The pool's pages: search, create and edit experts; an expert's own availability, ties, training."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from odr.accounts.decorators import roles_required
from odr.accounts.forms import organisation_choices
from odr.accounts.models import OrgKind, Role, User, UserRole
from odr.accounts.operations import AccountError
from odr.core.inputs import paginate
from odr.experts import pool
from odr.experts.forms import (
    AffiliationForm,
    ExpertForm,
    ExpertSearchForm,
    SuspendForm,
    TrainingForm,
    UnavailabilityForm,
)
from odr.experts.models import (
    ExpertAffiliation,
    ExpertProfile,
    ExpertTraining,
    ExpertUnavailability,
)
from odr.experts.models.profile import TRAINING_TARGET_HOURS
from odr.experts.ranking import open_loads
from odr.extensions import db
from odr.survey.results import expert_scores

bp = Blueprint("experts", __name__)
MANAGERS = (Role.ADMIN, Role.CLERK)
EXPERTS = (Role.MEDIATOR, Role.ARBITRATOR, Role.TECHNICAL_INVESTIGATOR)


@bp.route("/experts")
@roles_required(*MANAGERS)
def index():
    form = ExpertSearchForm(request.args)
    query = sa.select(ExpertProfile).join(User, User.id == ExpertProfile.user_id)
    if form.validate():
        if form.q.data:
            query = query.where(User.name.ilike(f"%{form.q.data.strip()}%"))
        if form.role.data:
            query = query.where(
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == form.role.data))
            )
        if form.status.data:
            query = query.where(ExpertProfile.status == form.status.data)
        # JSON lists are searched as text: the values are fixed codes, quoted in the stored JSON.
        if form.specialty.data:
            query = query.where(
                sa.cast(ExpertProfile.specialties, sa.Text).like(f'%"{form.specialty.data}"%')
            )
        if form.industry.data:
            query = query.where(sa.cast(ExpertProfile.industries, sa.Text).like(f'%"{form.industry.data}"%'))
    page = paginate(query.order_by(User.name), per_page=25)
    loads = open_loads([p.user_id for p in page.items])
    return render_template(
        "experts/index.html",
        page=page,
        form=form,
        loads=loads,
        year=date.today().year,
        target=TRAINING_TARGET_HOURS,
    )


def _fill_choices(form):
    form.organisation_id.choices = organisation_choices(blank="—")
    form.station_id.choices = organisation_choices(
        OrgKind.PARK_STATION, OrgKind.MEDIATION_COMMITTEE, blank="—"
    )


def _profile_fields(form):
    return {
        "title": form.title.data or None,
        "bio": form.bio.data or None,
        "specialties": form.specialties.data,
        "industries": form.industries.data,
        "technical_fields": form.technical_fields.data,
        "languages": form.languages.data,
        "station_id": form.station_id.data or None,
        "max_open_cases": form.max_open_cases.data,
    }


def _org(form):
    from odr.accounts.models import Organisation

    return db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None


@bp.route("/experts/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    form = ExpertForm()
    _fill_choices(form)
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Give an initial password."))
        else:
            try:
                user = pool.create_expert(
                    email=form.email.data,
                    name=form.name.data,
                    password=form.password.data,
                    roles=form.roles.data,
                    organisation=_org(form),
                    phone=form.phone.data or None,
                    actor=current_user._get_current_object(),
                    **_profile_fields(form),
                )
            except AccountError as error:
                db.session.rollback()
                form.email.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("Expert %(name)s added to the pool.", name=user.name), "success")
                return redirect(url_for("experts.show", profile_id=user.expert_profile.id))
    return render_template("experts/form.html", form=form, expert=None)


def _load_profile(profile_id) -> ExpertProfile:
    expert = db.session.get(ExpertProfile, profile_id)
    if expert is None:
        abort(404)
    return expert


@bp.route("/experts/<int:profile_id>")
@roles_required(*MANAGERS, *EXPERTS)
def show(profile_id):
    expert = _load_profile(profile_id)
    if not current_user.has_role(*MANAGERS) and expert.user_id != current_user.id:
        abort(404)
    return render_template(
        "experts/show.html",
        expert=expert,
        load=open_loads([expert.user_id]).get(expert.user_id, 0),
        satisfaction=expert_scores([expert.user_id]).get(expert.user_id, (None, 0)),
        year=date.today().year,
        target=TRAINING_TARGET_HOURS,
        suspend_form=SuspendForm(),
    )


@bp.route("/experts/<int:profile_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(profile_id):
    expert = _load_profile(profile_id)
    user = expert.user
    form = ExpertForm(obj=expert) if request.method == "GET" else ExpertForm()
    _fill_choices(form)
    if request.method == "GET":
        form.name.data, form.email.data, form.phone.data = user.name, user.email, user.phone
        form.organisation_id.data = user.organisation_id or 0
        form.station_id.data = expert.station_id or 0
        form.roles.data = [r.value for r in user.roles if r in pool.EXPERT_ROLES]
    form.email.data = user.email  # the e-mail is the login; it is not changed here
    if form.validate_on_submit():
        pool.update_profile(
            expert,
            actor=current_user._get_current_object(),
            roles=form.roles.data,
            name=form.name.data,
            phone=form.phone.data or None,
            organisation=_org(form),
            **_profile_fields(form),
        )
        db.session.commit()
        flash(_("Profile saved."), "success")
        return redirect(url_for("experts.show", profile_id=expert.id))
    return render_template("experts/form.html", form=form, expert=expert)


@bp.route("/experts/<int:profile_id>/suspend", methods=["POST"])
@roles_required(*MANAGERS)
def suspend(profile_id):
    expert = _load_profile(profile_id)
    form = SuspendForm()
    if form.validate_on_submit():
        pool.suspend(expert, current_user._get_current_object(), form.reason.data)
        db.session.commit()
        flash(
            _("%(name)s is suspended and will not be proposed for cases.", name=expert.user.name), "success"
        )
    else:
        flash(_("Give the reason for the suspension."), "danger")
    return redirect(url_for("experts.show", profile_id=expert.id))


@bp.route("/experts/<int:profile_id>/reinstate", methods=["POST"])
@roles_required(*MANAGERS)
def reinstate(profile_id):
    expert = _load_profile(profile_id)
    pool.reinstate(expert, current_user._get_current_object())
    db.session.commit()
    flash(_("%(name)s is active again.", name=expert.user.name), "success")
    return redirect(url_for("experts.show", profile_id=expert.id))


@bp.route("/my/expert-profile", methods=["GET", "POST"])
@roles_required(*EXPERTS)
def mine():
    """An expert keeps their own availability, declared ties and training record."""
    me = current_user._get_current_object()
    expert = pool.profile_of(me)
    forms = {
        "unavailability": UnavailabilityForm(prefix="u"),
        "affiliation": AffiliationForm(prefix="a"),
        "training": TrainingForm(prefix="t"),
    }
    which = request.form.get("which")
    if request.method == "POST" and which in forms:
        form = forms[which]
        if form.validate_on_submit():
            if which == "unavailability":
                pool.add_unavailability(
                    expert,
                    me,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                    reason=form.reason.data,
                )
            elif which == "affiliation":
                pool.add_affiliation(
                    expert,
                    me,
                    kind=form.kind.data,
                    entity_name=form.entity_name.data,
                    credit_code=form.credit_code.data,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                )
            else:
                pool.add_training(
                    expert,
                    me,
                    course=form.course.data,
                    completed_on=form.completed_on.data,
                    hours=form.hours.data,
                )
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("experts.mine"))
        flash(_("Please correct the marked fields; nothing was saved."), "danger")
    db.session.commit()  # a first visit creates the empty profile
    return render_template(
        "experts/mine.html", expert=expert, forms=forms, year=date.today().year, target=TRAINING_TARGET_HOURS
    )


REMOVABLE = {
    "unavailability": ExpertUnavailability,
    "affiliation": ExpertAffiliation,
    "training": ExpertTraining,
}


@bp.route("/my/expert-profile/<kind>/<int:item_id>/remove", methods=["POST"])
@roles_required(*EXPERTS)
def remove(kind, item_id):
    model = REMOVABLE.get(kind) or abort(404)
    item = db.session.get(model, item_id) or abort(404)
    me = current_user._get_current_object()
    try:
        pool.remove(pool.profile_of(me), me, item)
    except AccountError:
        abort(404)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("experts.mine"))
