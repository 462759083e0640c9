"""Experts on a case: the ranked list, the expert's answer, the parties' choice, recusal,
technical questions and opinions, and the caseload pages."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from odr.accounts.auth import check_password
from odr.accounts.decorators import roles_required
from odr.accounts.models import Role, User
from odr.cases import panels, visibility
from odr.cases.models import Case, CaseState
from odr.cases.views import load_case, run
from odr.cases.workflow import Capacity, capacities
from odr.core import storage
from odr.core.db import utcnow
from odr.core.inputs import form_id
from odr.experts import operations, opinions, ranking
from odr.experts.forms import (
    AnswerForm,
    OpinionForm,
    QuestionForm,
    RecusalDecisionForm,
    RecusalForm,
    VisibilityForm,
)
from odr.experts.models import (
    Assignment,
    AssignmentState,
    OpinionAttachment,
    RecusalRequest,
    RecusalState,
    Seat,
    TechnicalOpinion,
    TechnicalQuestion,
)
from odr.experts.ranking import open_loads
from odr.extensions import db
from odr.notifications import links as notification_links

bp = Blueprint("assignments", __name__)


def _me():
    return current_user._get_current_object()


def _back(case):
    return redirect(url_for("cases.show", case_id=case.id) + "#experts")


# The panel on the case page ------------------------------------------------------------------------


def case_panel(case, user):
    if case.state not in (CaseState.AWAITING_MEDIATOR, CaseState.MEDIATING) and not case.assignments:
        return None
    held = capacities(case, user)
    is_clerk = Capacity.CLERK in held
    party = case.party_of(user)
    seats = operations.seats_needed(case)
    assignments = sorted(case.assignments, key=lambda a: (a.seat.value, a.proposed_at))
    recusals = db.session.scalars(
        sa.select(RecusalRequest)
        .where(RecusalRequest.case_id == case.id)
        .order_by(RecusalRequest.requested_at)
    ).all()
    context = {
        "seats": seats,
        "assignments": assignments if (is_clerk or held) else [a for a in assignments if a.is_open],
        "open_by_seat": {s: operations.open_assignment(case, s) for s in seats},
        # Who served in each seat stays on the record once the case has moved on and the seat is released.
        "served_by_seat": {
            s: [
                a
                for a in assignments
                if a.seat == s and a.state == AssignmentState.RELEASED and a.declaration_signed_at is not None
            ]
            for s in seats
        },
        "is_clerk": is_clerk,
        "party": party,
        "recusals": recusals,
        "recusal_form": RecusalForm(prefix="recusal"),
        "decision_form": RecusalDecisionForm(prefix="decide"),
        "can_choose": party is not None
        and case.state == CaseState.AWAITING_MEDIATOR
        and operations.open_assignment(case, Seat.MEDIATOR) is None,
        "is_mediator": Capacity.MEDIATOR in held,
        "can_ask": opinions.may_ask(case, user),
        "is_investigator": opinions.may_answer(case, user),
        "can_read_opinions": True,  # the list below holds only the opinions USER may read
        "questions": db.session.scalars(
            sa.select(TechnicalQuestion)
            .where(TechnicalQuestion.case_id == case.id)
            .order_by(TechnicalQuestion.id)
        ).all(),
        "case_opinions": [
            opinion
            for opinion in db.session.scalars(
                sa.select(TechnicalOpinion)
                .where(TechnicalOpinion.case_id == case.id)
                .order_by(TechnicalOpinion.filed_at)
            )
            if opinions.can_read_opinion(opinion, user)
        ],
        "question_form": QuestionForm(prefix="q"),
        "visibility_form": VisibilityForm(prefix="v", visibility=case.opinion_visibility),
    }
    return "experts/_case_panel.html", context


panels.register(case_panel)


# Ranked list and proposal --------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/experts/<seat>", methods=["GET", "POST"])
@roles_required(Role.CLERK)
def candidates(case_id, seat):
    case = load_case(case_id)
    # The mediation centre's clerk of the case: not the commission's clerk of a dispute filed directly
    # for arbitration, which has no mediator to choose.
    if Capacity.CLERK not in capacities(case, current_user):
        abort(403)
    try:
        seat = Seat(seat)
    except ValueError:
        abort(404)
    if request.method == "POST":
        expert = db.session.get(User, form_id("expert_id", 0)) or abort(404)
        if run(
            operations.propose,
            case,
            seat,
            expert,
            actor=_me(),
            success=_("%(name)s has been asked to serve as %(seat)s.", name=expert.name, seat=seat.label),
        ):
            return _back(case)
    ranked = ranking.rank(case, seat)
    return render_template(
        "experts/candidates.html",
        case=case,
        ranked=ranked,
        seat=seat,
        open_assignment=operations.open_assignment(case, seat),
    )


# The expert's answer -------------------------------------------------------------------------------


def _load_assignment(assignment_id) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not (
        assignment.expert_id == current_user.id or assignment.case.is_clerk_of(current_user)
    ):
        abort(404)
    return assignment


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def answer(assignment_id):
    assignment = _load_assignment(assignment_id)
    form = AnswerForm()
    if request.method == "POST" and assignment.expert_id == current_user.id and form.validate_on_submit():
        if form.decision.data == "accept":
            if not check_password(_me(), form.password.data):
                form.password.errors.append(_("The password is not correct."))
            elif run(
                operations.accept,
                assignment,
                _me(),
                ip_address=request.remote_addr,
                success=_("You have accepted. The case is now in your caseload."),
            ):
                return redirect(url_for("cases.show", case_id=assignment.case_id))
        elif run(
            operations.decline,
            assignment,
            _me(),
            form.reason.data,
            success=_("You have declined; the next candidate will be asked."),
        ):
            return redirect(url_for("assignments.caseload"))
    return render_template(
        "experts/answer.html",
        assignment=assignment,
        case=assignment.case,
        form=form,
        declaration=operations.declaration_for(assignment),
    )


# The parties' choice of mediator ------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/choose-mediator", methods=["GET", "POST"])
@login_required
def choose_mediator(case_id):
    case = load_case(case_id)
    party = case.party_of(current_user) or abort(403)
    if request.method == "POST":
        expert = db.session.get(User, form_id("expert_id", 0)) or abort(404)
        result = run(
            operations.choose_mediator,
            case,
            _me(),
            expert,
            success=_("Your choice of %(name)s is recorded.", name=expert.name),
        )
        if isinstance(result, Assignment):
            flash(
                _("All parties chose %(name)s, who has now been asked to mediate.", name=expert.name), "info"
            )
        return _back(case)
    ranked = ranking.rank(case, Seat.MEDIATOR)
    return render_template(
        "experts/choose_mediator.html",
        case=case,
        ranked=ranked,
        choices=operations.choices_of(case),
        party=party,
    )


# Recusal -------------------------------------------------------------------------------------------


@bp.route("/assignments/<int:assignment_id>/recusal", methods=["POST"])
@login_required
def request_recusal(assignment_id):
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    case = load_case(assignment.case_id)
    form = RecusalForm(prefix="recusal")
    if form.validate_on_submit():
        run(
            operations.request_recusal,
            assignment,
            _me(),
            form.grounds.data,
            success=_("Your request has been sent to the clerk, who will decide on it."),
        )
    else:
        flash(_("State the grounds for the recusal."), "danger")
    return _back(case)


@bp.route("/recusals/<int:request_id>/decide", methods=["POST"])
@roles_required(Role.CLERK)
def decide_recusal(request_id):
    recusal = db.session.get(RecusalRequest, request_id) or abort(404)
    case = load_case(recusal.case_id)
    form = RecusalDecisionForm(prefix="decide")
    if form.validate_on_submit():
        run(
            operations.decide_recusal,
            recusal,
            _me(),
            grant=form.decision.data == "grant",
            reason=form.reason.data,
            success=_("Decision recorded; both parties can see it."),
        )
    else:
        flash(_("Choose a decision and give its reasons."), "danger")
    return _back(case)


# Technical questions and opinions -------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/questions", methods=["POST"])
@login_required
def ask_question(case_id):
    case = load_case(case_id)
    form = QuestionForm(prefix="q")
    if form.validate_on_submit():
        run(
            opinions.ask_question,
            case,
            _me(),
            form.text.data,
            success=_("The question has been put to the technical investigator."),
        )
    else:
        flash(_("Write the question."), "danger")
    return _back(case)


@bp.route("/cases/<int:case_id>/opinion-visibility", methods=["POST"])
@login_required
def opinion_visibility(case_id):
    case = load_case(case_id)
    form = VisibilityForm(prefix="v")
    if form.validate_on_submit():
        run(opinions.set_visibility, case, _me(), form.visibility.data, success=_("Saved."))
    return _back(case)


@bp.route("/cases/<int:case_id>/opinions/new", methods=["GET", "POST"])
@login_required
def new_opinion(case_id):
    case = load_case(case_id)
    if not opinions.may_answer(case, current_user):
        abort(403)
    form = OpinionForm()
    open_questions = opinions.questions_for(case, current_user)
    form.question_ids.choices = [SelectChoice(q.id, q.text) for q in open_questions]
    if form.validate_on_submit():
        files = [
            (f.filename or "attachment", f.read()) for f in form.attachments.data or [] if f and f.filename
        ]
        try:
            opinion = opinions.file_opinion(
                case,
                _me(),
                question_ids=form.question_ids.data,
                analysis=form.analysis.data,
                conclusion=form.conclusion.data,
                attachments=files,
            )
        except (operations.AssignmentError, storage.StorageError) as error:
            db.session.rollback()
            form.attachments.errors = [str(error)] if isinstance(error, storage.StorageError) else []
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("The technical opinion has been filed."), "success")
            return redirect(url_for("assignments.show_opinion", opinion_id=opinion.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields; nothing was filed."), "danger")
    return render_template("experts/opinion_form.html", case=case, form=form, open_questions=open_questions)


def _load_opinion(opinion_id) -> TechnicalOpinion:
    opinion = db.session.get(TechnicalOpinion, opinion_id)
    if (
        opinion is None
        or not opinion.case.can_view(current_user)
        or not opinions.can_read_opinion(opinion, current_user)
    ):
        abort(404)
    return opinion


@bp.route("/opinions/<int:opinion_id>")
@login_required
def show_opinion(opinion_id):
    opinion = _load_opinion(opinion_id)
    return render_template("experts/opinion.html", opinion=opinion, case=opinion.case)


@bp.route("/opinions/<int:opinion_id>/pdf")
@login_required
def opinion_pdf(opinion_id):
    opinion = _load_opinion(opinion_id)
    return _download(
        opinion.pdf_sha256, f"{opinion.case.number}-technical-opinion-{opinion.id}.pdf", "application/pdf"
    )


@bp.route("/opinions/attachments/<int:attachment_id>")
@login_required
def opinion_attachment(attachment_id):
    attachment = db.session.get(OpinionAttachment, attachment_id) or abort(404)
    _load_opinion(attachment.opinion_id)
    return _download(attachment.sha256, attachment.filename, attachment.content_type)


def _download(sha256, filename, content_type):
    try:
        path = storage.path_for(sha256)
    except storage.StorageError:
        abort(404)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Caseload pages -----------------------------------------------------------------------------------


@bp.route("/caseload")
@roles_required(Role.MEDIATOR, Role.TECHNICAL_INVESTIGATOR, Role.ARBITRATOR)
def caseload():
    """An expert's open cases, with what waits on them."""
    me = _me()
    mine = db.session.scalars(
        sa.select(Assignment)
        .where(
            Assignment.expert_id == me.id,
            Assignment.state.in_((AssignmentState.PROPOSED, AssignmentState.ACCEPTED)),
        )
        .order_by(Assignment.proposed_at.desc())
        .options(selectinload(Assignment.case))  # the page reads each one's case: load them together
    ).all()
    pending = [a for a in mine if a.state == AssignmentState.PROPOSED]
    accepted = [
        a
        for a in mine
        if a.state == AssignmentState.ACCEPTED
        and a.case.state in (CaseState.AWAITING_MEDIATOR, CaseState.MEDIATING)
    ]
    questions = db.session.scalars(
        sa.select(TechnicalQuestion).where(
            TechnicalQuestion.opinion_id.is_(None),
            TechnicalQuestion.case_id.in_(
                [a.case_id for a in accepted if a.seat == Seat.TECHNICAL_INVESTIGATOR]
            ),
        )
    ).all()
    total = visibility.bounded_total(me)
    now = utcnow()
    return render_template(
        "experts/caseload.html",
        pending=pending,
        accepted=accepted,
        questions=questions,
        total=total,
        now=now,
        today=date.today(),
    )


def _may_lack_an_expert():
    """A condition on Case: some seat it may need has no open request or serving expert.

    Asked in the database, so the page reads the cases waiting for an expert, not every case in
    mediation; seats_needed() then decides exactly, as before."""
    from flask import current_app

    from odr.cases.models import Track
    from odr.experts.ranking import INDUSTRY_FIELDS, IP_TYPE_FIELDS, OPEN_STATES

    def unfilled(seat):
        # A count per case, not NOT EXISTS: under OR, PostgreSQL would hash every open seat of the
        # platform first; this reads the case's own seats by their index as the cases are walked.
        return (
            sa.select(sa.func.count())
            .select_from(Assignment)
            .where(Assignment.case_id == Case.id, Assignment.seat == seat, Assignment.state.in_(OPEN_STATES))
            .correlate(Case)
            .scalar_subquery()
            == 0
        )

    technical_types = {k for k, v in IP_TYPE_FIELDS.items() if v} | set(
        current_app.config["TRIAGE_TECHNICAL_IP_TYPES"]
    )
    technical = sa.or_(
        Case.ip_type.in_(sorted(technical_types)),
        Case.industry.in_(sorted(k for k, v in INDUSTRY_FIELDS.items() if v)),
    )
    return sa.or_(
        unfilled(Seat.MEDIATOR),
        sa.and_(Case.track == Track.COMPLEX, unfilled(Seat.CO_MEDIATOR)),
        sa.and_(technical, unfilled(Seat.TECHNICAL_INVESTIGATOR)),
    )


@bp.route("/assignments")
@roles_required(Role.CLERK)
def overview():
    """The clerk's view: cases without their experts, requests awaiting answers, recusals, everyone's load.

    Each list is a page (the cases waiting and the experts go on with Next/Previous, keyset paging),
    so the page costs the same with a hundred cases as with a million."""
    from odr.accounts.models import UserRole
    from odr.core import paging
    from odr.experts.models import ExpertProfile

    me = _me()
    per_page = current_app.config["CASES_PER_PAGE"]
    keys = [Case.id]
    waiting = paging.fetch(
        paging.query_runner(
            sa.select(Case)
            .where(
                Case.organisation_id == me.organisation_id,
                Case.state.in_((CaseState.AWAITING_MEDIATOR, CaseState.MEDIATING)),
                _may_lack_an_expert(),
            )
            # each case's seats are read below: load them with the cases, not one query per case
            .options(selectinload(Case.assignments))
        ),
        keys,
        per_page=per_page,
        descending=False,  # the longest waiting first
        after_cursor=request.args.get("after"),
        before_cursor=request.args.get("before"),
        key_of=lambda case: [case.id],
    )
    unassigned = [
        (c, [s for s in operations.seats_needed(c) if operations.open_assignment(c, s) is None])
        for c in waiting.items
    ]
    unassigned = [(c, seats) for c, seats in unassigned if seats]
    shown = current_app.config["OVERVIEW_ITEMS"]
    pending = db.session.scalars(
        sa.select(Assignment)
        .join(Case)
        .where(Case.organisation_id == me.organisation_id, Assignment.state == AssignmentState.PROPOSED)
        .order_by(Assignment.answer_due_at, Assignment.id)
        .options(selectinload(Assignment.case), selectinload(Assignment.expert))
        .limit(shown + 1)
    ).all()
    recusals = db.session.scalars(
        sa.select(RecusalRequest)
        .join(Case, Case.id == RecusalRequest.case_id)
        .where(Case.organisation_id == me.organisation_id, RecusalRequest.state == RecusalState.PENDING)
        .order_by(RecusalRequest.id)
        .options(
            selectinload(RecusalRequest.assignment).selectinload(Assignment.case),
            selectinload(RecusalRequest.assignment).selectinload(Assignment.expert),
            selectinload(RecusalRequest.party),
        )
        .limit(shown + 1)
    ).all()
    now = utcnow()
    # The serving investigators, the longest serving first (their limit is counted on the legal
    # calendar, so each is checked here), among the most recent LATE_NOTICE_SCAN.
    late_notices = [
        a
        for a in db.session.scalars(
            sa.select(Assignment)
            .join(Case)
            .where(
                Case.organisation_id == me.organisation_id,
                Assignment.seat == Seat.TECHNICAL_INVESTIGATOR,
                Assignment.state == AssignmentState.ACCEPTED,
            )
            .order_by(Assignment.answered_at, Assignment.id)
            .options(selectinload(Assignment.case))
            .limit(LATE_NOTICE_SCAN)
        )
        if a.notice_late
    ]
    expert_keys = [User.name, User.id]
    experts = paging.fetch(
        _experts_runner(
            sa.select(User, ExpertProfile)
            .join(ExpertProfile, ExpertProfile.user_id == User.id)
            .where(
                User.id.in_(
                    sa.select(UserRole.user_id).where(
                        UserRole.role.in_((Role.MEDIATOR, Role.TECHNICAL_INVESTIGATOR, Role.ARBITRATOR))
                    )
                )
            )
            .options(selectinload(User.role_rows))
        ),
        expert_keys,
        per_page=current_app.config["EXPERTS_PER_PAGE"],
        descending=False,
        after_cursor=request.args.get("experts_after"),
        before_cursor=request.args.get("experts_before"),
        key_of=lambda row: [row[0].name, row[0].id],
    )
    loads = open_loads([user.id for user, _ in experts.items]) if experts.items else {}
    return render_template(
        "experts/overview.html",
        waiting=waiting,
        unassigned=unassigned,
        pending=pending,
        recusals=recusals,
        late_notices=late_notices,
        shown=shown,
        experts=experts,
        loads=loads,
        now=now,
    )


LATE_NOTICE_SCAN = 500


def _experts_runner(query):
    def run(where, order_by, limit):
        q = query if where is None else query.where(where)
        return db.session.execute(q.order_by(*order_by).limit(limit)).all()

    return run


# What waits on an expert, wherever they look -------------------------------------------------------


def _pending_requests(user) -> list[Assignment]:
    return db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.expert_id == user.id, Assignment.state == AssignmentState.PROPOSED)
        .order_by(Assignment.answer_due_at)
    ).all()


def dashboard_widget(user):
    """An expert's requests to serve, each with the time left to answer (48 hours by default)."""
    if not user.has_role(Role.MEDIATOR, Role.TECHNICAL_INVESTIGATOR, Role.ARBITRATOR):
        return None
    pending = _pending_requests(user)
    if not pending:
        return None
    return "experts/_dashboard.html", {"pending": pending, "now": utcnow()}


def request_link(notification, user):
    """A request to serve opens the page where the expert answers it (the case stays closed to them
    until they accept)."""
    if notification.case_id is None:
        return None
    assignment = db.session.scalar(
        sa.select(Assignment)
        .where(Assignment.case_id == notification.case_id, Assignment.expert_id == user.id)
        .order_by(Assignment.proposed_at.desc(), Assignment.id.desc())
    )
    if assignment is None:
        return None
    if assignment.state != AssignmentState.PROPOSED and assignment.case.can_view(user):
        return url_for("cases.show", case_id=assignment.case_id)
    return url_for("assignments.answer", assignment_id=assignment.id)


panels.register_dashboard(dashboard_widget)
notification_links.register("assignment.proposed", request_link)
