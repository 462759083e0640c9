"""The survey's pages: a party's open surveys and the form; the staff's results with anonymous
comments; an expert's own results; the panel on the case page."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from odr.accounts.decorators import roles_required
from odr.accounts.models import Role
from odr.cases import panels
from odr.cases.models import Case, visible_to
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.extensions import db
from odr.survey import operations, results
from odr.survey.forms import SHORT_LABELS, SurveyForm
from odr.survey.models import QUESTIONS, SurveyInvitation

bp = Blueprint("survey", __name__, url_prefix="/surveys")


def _mine(invitation_id) -> SurveyInvitation:
    invitation = db.session.get(SurveyInvitation, invitation_id)
    if invitation is None or invitation.user_id != current_user.id:
        abort(404)
    return invitation


@bp.route("/")
@login_required
def index():
    invitations = db.session.scalars(
        sa.select(SurveyInvitation)
        .where(SurveyInvitation.user_id == current_user.id)
        .order_by(SurveyInvitation.asked_at.desc())
        .limit(100)
    ).all()
    return render_template("survey/index.html", invitations=invitations, now=utcnow())


@bp.route("/<int:invitation_id>", methods=["GET", "POST"])
@login_required
def answer(invitation_id):
    invitation = _mine(invitation_id)
    form = SurveyForm()
    if not invitation.is_open(utcnow()):
        return render_template("survey/answer.html", invitation=invitation, form=None, now=utcnow())
    if form.validate_on_submit():
        try:
            operations.answer(
                invitation,
                current_user._get_current_object(),
                {q: getattr(form, q).data for q in QUESTIONS},
                form.comment.data,
            )
        except UserError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Thank you: your answer is recorded. It is counted without your name."), "success")
            return redirect(url_for("survey.index"))
    return render_template("survey/answer.html", invitation=invitation, form=form, now=utcnow())


def staff_scope(user):
    """The WHERE clauses limiting the answers USER may read: administrators all of them, other staff
    those on the cases they may see."""
    from odr.survey.models import SurveyAnswer

    if user.has_role(Role.ADMIN):
        return []
    return [SurveyAnswer.case_id.in_(sa.select(Case.id).where(visible_to(user)))]


@bp.route("/results")
@roles_required(Role.ADMIN, Role.CLERK, Role.COURT_LIAISON)
def staff_results():
    where = staff_scope(current_user)
    return render_template(
        "survey/results.html",
        summary=results.summarise(where),
        comments=results.comments(where),
        labels=SHORT_LABELS,
        questions=QUESTIONS,
        minimum=results.MIN_ANSWERS,
    )


@bp.route("/mine")
@roles_required(Role.MEDIATOR, Role.ARBITRATOR, Role.TECHNICAL_INVESTIGATOR)
def expert_results():
    return render_template(
        "survey/expert.html",
        summary=results.for_expert(current_user.id),
        labels=SHORT_LABELS,
        questions=QUESTIONS,
        minimum=results.MIN_ANSWERS,
    )


def case_panel(case, user):
    """The party's survey on the case page, once the case has ended."""
    party = case.party_of(user)
    if party is None:
        return None
    invitation = db.session.scalar(
        sa.select(SurveyInvitation).where(
            SurveyInvitation.case_id == case.id, SurveyInvitation.party_id == party.id
        )
    )
    if invitation is None or invitation.user_id != user.id:
        return None  # the survey asks the party's own account, not the agent acting for it
    return "survey/_case_panel.html", {"invitation": invitation, "open": invitation.is_open(utcnow())}


panels.register(case_panel)
