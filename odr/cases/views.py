"""Case pages: dashboard and lists, filing, the case page and its actions, invitation links."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from odr.accounts.decorators import roles_required
from odr.accounts.forms import organisation_choices
from odr.accounts.models import COURT_KINDS, INTAKE_KINDS, Organisation, OrgKind, PartyKind, Role
from odr.cases import operations, panels, progress, representatives, timeline, triage, visibility, workflow
from odr.cases.forms import (
    AcceptForm,
    AnswerForm,
    CaseFilterForm,
    CaseForm,
    OptionalReasonForm,
    ReasonForm,
    ReferForm,
    RepresentativeForm,
    change_respondents,
    filing_form,
)
from odr.cases.models import Case, CaseParty, CaseState, Channel, Side
from odr.cases.operations import InvitationError
from odr.cases.workflow import Action
from odr.core import paging
from odr.core.failures import UserError
from odr.extensions import db

bp = Blueprint("cases", __name__)


def load_case(case_id) -> Case:
    """The case, if the signed-in user may see it; 404 otherwise (its existence is not revealed)."""
    case = db.session.get(Case, case_id)
    if case is None or not case.can_view(current_user):
        abort(404)
    return case


def run(operation, *args, success=None, **kwargs):
    """Carry out OPERATION and commit; on a refusal, roll back and show why. Returns the result or None."""
    try:
        result = operation(*args, **kwargs)
    except UserError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return None
    db.session.commit()
    if success:
        flash(success, "success")
    return result if result is not None else True


@bp.route("/dashboard")
@login_required
def dashboard():
    me = current_user._get_current_object()
    counts = visibility.bounded_counts(me, DASHBOARD_STATES)
    recent = visibility.first(me, order_by=[Case.updated_at.desc(), Case.id.desc()], limit=8)
    awaiting_answer = db.session.scalars(
        sa.select(Case)
        .join(CaseParty)
        .where(
            CaseParty.user_id == current_user.id,
            CaseParty.side == Side.RESPONDENT,
            Case.state == CaseState.AWAITING_RESPONDENT,
            CaseParty.answer == "pending",
        )
        .order_by(Case.respondent_due_at, Case.id)
        .limit(20)
    ).all()
    from odr.arbitration.desk import is_commission_clerk

    intake = None
    mediation_counters = not is_commission_clerk(current_user)  # the commission counts arbitrations
    if current_user.has_role(Role.CLERK) and mediation_counters:
        intake = counts[CaseState.SUBMITTED]
    return render_template(
        "cases/dashboard.html",
        counts=counts,
        recent=recent,
        awaiting_answer=awaiting_answer,
        intake=intake,
        mediation_counters=mediation_counters,
        states=CaseState,
        dashboard_states=DASHBOARD_STATES,
        widgets=panels.for_dashboard(current_user),
    )


# The states whose cases the dashboard counts, each linking to the list of them.
DASHBOARD_STATES = (
    CaseState.SUBMITTED,
    CaseState.AWAITING_RESPONDENT,
    CaseState.AWAITING_MEDIATOR,
    CaseState.MEDIATING,
    CaseState.SETTLED,
)


@bp.route("/cases")
@login_required
def index():
    return _case_list(intake=False)


@bp.route("/cases/intake")
@roles_required(Role.CLERK)
def intake():
    return _case_list(intake=True)


def _case_list(intake):
    """A page of the cases the user may see, filtered; paged by keyset (``after``/``before``)."""
    me = current_user._get_current_object()
    form = CaseFilterForm(request.args)
    filters = []
    searching = False
    if intake:
        filters += [
            Case.state == CaseState.SUBMITTED,
            Case.organisation_id == current_user.organisation_id,
            Case.channel != Channel.ARBITRATION,  # the arbitration commission accepts those itself
        ]
    if form.validate():
        if form.state.data:
            filters.append(Case.state == form.state.data)
        if form.ip_type.data:
            filters.append(Case.ip_type == form.ip_type.data)
        if form.track.data:
            filters.append(Case.track == form.track.data)
        if form.q.data and form.q.data.strip():
            filters.append(visibility.matching(form.q.data.strip()))
            searching = True
    # The intake queue serves the oldest filing first; other lists the most recently changed.
    keys = [Case.submitted_at, Case.id] if intake else [Case.updated_at, Case.id]
    page = paging.fetch(
        visibility.case_runner(me, *filters),
        keys,
        per_page=current_app.config["CASES_PER_PAGE"],
        descending=not intake,
        after_cursor=request.args.get("after"),
        before_cursor=request.args.get("before"),
        key_of=lambda case: [getattr(case, key.key) for key in keys],
    )
    # A search is counted to a lower bound ("more than 100"): a common word is checked on each case
    # as the list is read, and counting a thousand matches would read tens of thousands of cases.
    total = visibility.bounded_total(
        me, *filters, bound=current_app.config["SEARCH_COUNT_BOUND"] if searching else None
    )
    return render_template("cases/list.html", page=page, total=total, form=form, intake=intake)


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required(Role.PARTY)
def new():
    me = current_user._get_current_object()
    form = filing_form(CaseForm)
    form.filer_is_company, form.filer_name = me.party_kind == PartyKind.COMPANY, me.name
    if request.method == "GET" and form.filer_is_company:
        form.representative.data = me.legal_representative
    form.organisation_id.choices = organisation_choices(*INTAKE_KINDS)
    form.delegating_court_id.choices = organisation_choices(*COURT_KINDS, blank="—")
    if change_respondents(form):
        return render_template("cases/new.html", form=form)
    if form.validate_on_submit():
        respondents = [entry.data for entry in form.respondents]
        case = operations.file_case(
            current_user._get_current_object(),
            organisation=db.session.get(Organisation, form.organisation_id.data),
            respondents=respondents,
            title=form.title.data.strip(),
            ip_type=form.ip_type.data,
            dispute_kind=form.dispute_kind.data,
            industry=form.industry.data,
            place=form.place.data,
            subject_matter_place=(form.subject_matter_place.data or "").strip() or None,
            right_number=(form.right_number.data or "").strip() or None,
            claim_amount=form.claim_amount.data,
            remedies=form.remedies.data.strip(),
            facts=form.facts.data.strip(),
            channel=form.channel.data,
            delegating_court=db.session.get(Organisation, form.delegating_court_id.data)
            if form.delegating_court_id.data
            else None,
            online_consent=True,
            agent_name=form.agent_name.data,
            agent_firm=form.agent_firm.data,
            representative=form.representative.data,
            representative_title=form.representative_title.data,
            address=form.address.data,
        )
        db.session.commit()
        flash(_("Your dispute has been filed. The mediation centre will review it shortly."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    if request.method == "POST":
        flash(_("Please correct the marked fields; nothing has been filed yet."), "danger")
    return render_template("cases/new.html", form=form)


@bp.route("/cases/<int:case_id>")
@login_required
def show(case_id):
    case = load_case(case_id)
    held = workflow.capacities(case, current_user)
    can = {action: workflow.allowed(case, action, held) for action in Action}
    can_answer = operations.awaiting_answer_from(case, current_user) is not None
    accept_form = None
    proposed = None
    if can[Action.ACCEPT]:
        proposed = triage.propose_track(case)
        accept_form = AcceptForm(track=proposed[0].value)
    refer_form = None
    if can[Action.REFER]:
        refer_form = ReferForm()
        refer_form.organisation_id.choices = organisation_choices(
            *COURT_KINDS, OrgKind.ARBITRATION_COMMISSION
        )
    return render_template(
        "cases/show.html",
        case=case,
        can=can,
        Action=Action,
        can_answer=can_answer,
        accept_form=accept_form,
        proposed=proposed,
        refuse_form=ReasonForm(prefix="refuse"),
        answer_form=_answer_form(case),
        representative_forms=_representative_forms(case),
        withdraw_form=OptionalReasonForm(prefix="withdraw"),
        close_form=OptionalReasonForm(prefix="close"),
        terminate_form=ReasonForm(prefix="terminate"),
        refer_form=refer_form,
        timeline=timeline.items(case.id, people_only=request.args.get("timeline") == "people"),
        people_only=request.args.get("timeline") == "people",
        steps=progress.steps_for(case),
        panels=panels.for_case(case, current_user),
        triage_labels=triage.describe(case.triage_reasons),
        is_clerk=workflow.Capacity.CLERK in held,
        needs_invitation={p.id for p in case.parties if operations.needs_invitation(p)},
    )


def _answer_form(case):
    form = AnswerForm(prefix="answer")
    party = case.party_of(current_user)
    if party is not None:
        form.address.data = party.address
    if party is not None and party.kind == PartyKind.COMPANY:
        form.representative.data = party.representative or (party.user and party.user.legal_representative)
        if party.representative_title:
            form.representative_title.data = party.representative_title.value
    else:
        del form.representative, form.representative_title
    return form


def _representative_forms(case) -> dict:
    """The form to record who represents each organisation the user may record it for, by party id."""
    me = current_user._get_current_object()
    forms = {}
    for party in case.parties:
        if party.kind != PartyKind.COMPANY or (party.user_id != me.id and not case.is_clerk_of(me)):
            continue
        form = RepresentativeForm(prefix=f"rep{party.id}")
        form.name.data = party.representative
        if party.representative_title:
            form.title.data = party.representative_title.value
        forms[party.id] = form
    return forms


@bp.post("/cases/<int:case_id>/parties/<int:party_id>/representative")
@login_required
def record_representative(case_id, party_id):
    case = load_case(case_id)
    party = next((p for p in case.parties if p.id == party_id), None)
    if party is None:
        abort(404)
    form = RepresentativeForm(prefix=f"rep{party.id}")
    if form.validate_on_submit():
        run(
            representatives.set_representative,
            party,
            current_user._get_current_object(),
            name=form.name.data,
            title=form.title.data,
            success=_("The legal representative of %(party)s is recorded.", party=party.name),
        )
    else:
        flash_form_errors(form)
    return _back(case)


def _back(case):
    return redirect(url_for("cases.show", case_id=case.id))


def flash_form_errors(form):
    """Each error of FORM as a message, for forms posted from a page that is then shown again."""
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "danger")


@bp.route("/cases/<int:case_id>/accept", methods=["POST"])
@login_required
def accept(case_id):
    case = load_case(case_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    invitations = run(
        operations.accept_case,
        case,
        current_user._get_current_object(),
        track=form.track.data,
        override_reason=form.override_reason.data,
    )
    if invitations is not None:
        flash(
            _("Case accepted as %(number)s on the %(track)s.", number=case.number, track=case.track.label),
            "success",
        )
        for party, token in invitations or []:
            flash(
                _(
                    "Invitation link for %(name)s (valid for %(days)d days; send it by SMS or e-mail): %(url)s",
                    name=party.name,
                    days=current_app.config["INVITATION_VALID_DAYS"],
                    url=url_for("cases.invitation", token=token, _external=True),
                ),
                "info",
            )
    return _back(case)


def _reason_action(case_id, form_class, prefix, operation, success):
    """A case action whose form is just a reason: validate it, carry the operation out, go back."""
    case = load_case(case_id)
    form = form_class(prefix=prefix)
    if form.validate_on_submit():
        run(operation, case, current_user._get_current_object(), form.reason.data, success=success)
    else:
        flash_form_errors(form)
    return _back(case)


@bp.route("/cases/<int:case_id>/refuse", methods=["POST"])
@login_required
def refuse(case_id):
    return _reason_action(
        case_id,
        ReasonForm,
        "refuse",
        operations.refuse_case,
        _("The case has been refused; the claimant can see your reason."),
    )


@bp.route("/cases/<int:case_id>/withdraw", methods=["POST"])
@login_required
def withdraw(case_id):
    return _reason_action(
        case_id, OptionalReasonForm, "withdraw", operations.withdraw_case, _("The case has been withdrawn.")
    )


@bp.route("/cases/<int:case_id>/terminate", methods=["POST"])
@login_required
def terminate(case_id):
    return _reason_action(
        case_id,
        ReasonForm,
        "terminate",
        operations.terminate_mediation,
        _("The mediation has ended without agreement."),
    )


@bp.route("/cases/<int:case_id>/close", methods=["POST"])
@login_required
def close(case_id):
    return _reason_action(
        case_id, OptionalReasonForm, "close", operations.close_case, _("The case has been closed.")
    )


@bp.route("/cases/<int:case_id>/answer", methods=["POST"])
@login_required
def answer(case_id):
    case = load_case(case_id)
    form = AnswerForm(prefix="answer")
    if form.validate_on_submit():
        consent = form.decision.data == "consent"
        success = _("Thank you: you agreed to mediation.") if consent else _("Your answer has been recorded.")
        run(
            operations.answer_invitation,
            case,
            current_user._get_current_object(),
            consent=consent,
            reason=form.reason.data,
            agent_name=form.agent_name.data,
            agent_firm=form.agent_firm.data,
            representative=form.representative.data,
            representative_title=form.representative_title.data,
            address=form.address.data,
            success=success,
        )
    else:
        flash_form_errors(form)
    return _back(case)


@bp.route("/cases/<int:case_id>/refer", methods=["POST"])
@login_required
def refer(case_id):
    case = load_case(case_id)
    form = ReferForm()
    form.organisation_id.choices = organisation_choices(*COURT_KINDS, OrgKind.ARBITRATION_COMMISSION)
    if form.validate_on_submit():
        target = db.session.get(Organisation, form.organisation_id.data)
        run(
            operations.refer_case,
            case,
            current_user._get_current_object(),
            target,
            form.note.data,
            success=_("The case has been referred."),
        )
    else:
        flash_form_errors(form)
    return _back(case)


@bp.route("/cases/<int:case_id>/parties/<int:party_id>/invite", methods=["POST"])
@login_required
def reissue_invitation(case_id, party_id):
    case = load_case(case_id)
    party = db.session.get(CaseParty, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    if not case.is_clerk_of(current_user):
        abort(403)
    token = run(operations.reissue_invitation, party, current_user._get_current_object())
    if token is None:
        return _back(case)
    flash(
        _(
            "New invitation link for %(name)s (earlier links no longer work): %(url)s",
            name=party.name,
            url=url_for("cases.invitation", token=token, _external=True),
        ),
        "info",
    )
    return _back(case)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invitation(token):
    """Where an invited respondent lands: sign in or register, then see the case."""
    try:
        invite = operations.find_invitation(token)
    except InvitationError as error:
        return render_template("cases/invitation.html", error=str(error)), 410
    claiming = current_user.is_authenticated and request.method == "POST"
    if claiming and run(operations.claim_invitation, invite, current_user._get_current_object()):
        flash(_("The case has been added to your account."), "success")
        return redirect(url_for("cases.show", case_id=invite.party.case_id))
    return render_template("cases/invitation.html", invite=invite, case=invite.party.case, token=token)
