"""Deadlines on the case page and the dashboard; the mediation-period extension's actions."""

from flask import Blueprint, abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from odr.cases import panels
from odr.cases.models import CaseState
from odr.cases.views import flash_form_errors, load_case, run
from odr.cases.workflow import capacities
from odr.core.db import utcnow
from odr.deadlines import extending
from odr.deadlines.forms import ExtensionAnswerForm, ExtensionProposalForm
from odr.deadlines.models import ExtensionProposal, ExtensionState
from odr.deadlines.operations import upcoming_for_case
from odr.extensions import db

bp = Blueprint("deadlines", __name__)


def case_panel(case, user):
    if not capacities(case, user) and case.party_of(user) is None:
        return None
    running = upcoming_for_case(case.id)
    if not running:
        return None
    return "deadlines/_case_panel.html", {"deadlines": running, "now": utcnow()}


panels.register(case_panel)


def extension_panel(case, user):
    """The proposal to extend the mediation period: the mediator proposes, each party answers."""
    proposals = extending.proposals_of(case)
    mediator = extending.is_mediator(case, user)
    can_propose = (
        mediator and case.state == CaseState.MEDIATING and extending.running_period(case) is not None
    )
    if not proposals and not can_propose:
        return None
    if not mediator and case.party_of(user) is None and not case.is_clerk_of(user):
        return None
    current = next((p for p in proposals if p.state == ExtensionState.OPEN), None)
    answering = extending.awaiting_answer_from(current, case, user)
    names = {p.id: p.name for p in case.parties}
    return "deadlines/_extension_panel.html", {
        "current": current,
        "history": [p for p in proposals if p is not current][:5],
        "names": names,
        "pending": [
            p.name for p in case.parties if current and p.id not in {a.party_id for a in current.answers}
        ],
        "propose_form": ExtensionProposalForm(prefix="ext") if can_propose and current is None else None,
        "answer_form": ExtensionAnswerForm(prefix="extans") if answering else None,
        "can_withdraw": mediator and current is not None,
    }


panels.register(extension_panel)


def _back(case):
    return redirect(url_for("cases.show", case_id=case.id, _anchor="extension"))


def _proposal(case, proposal_id) -> ExtensionProposal:
    proposal = db.session.get(ExtensionProposal, proposal_id)
    if proposal is None or proposal.case_id != case.id:
        abort(404)
    return proposal


@bp.route("/cases/<int:case_id>/extension", methods=["POST"])
@login_required
def propose(case_id):
    case = load_case(case_id)
    form = ExtensionProposalForm(prefix="ext")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _case_page_again(case)
    if run(
        extending.propose_extension,
        case,
        current_user._get_current_object(),
        reason=form.reason.data,
        days=form.days.data,
        on_date=form.new_date.data,
        success=_("The extension is proposed; the parties are asked to consent."),
    ):
        return _back(case)
    return _case_page_again(case)


def _case_page_again(case):
    """The case page, rendered in this request so the refused proposal keeps the reason typed into it."""
    from odr.cases.views import show

    return show(case.id), 400


@bp.route("/cases/<int:case_id>/extension/<int:proposal_id>/answer", methods=["POST"])
@login_required
def answer(case_id, proposal_id):
    case = load_case(case_id)
    proposal = _proposal(case, proposal_id)
    form = ExtensionAnswerForm(prefix="extans")
    if form.validate_on_submit():
        agreed = form.decision.data == "consent"
        run(
            extending.answer_extension,
            proposal,
            case,
            current_user._get_current_object(),
            agreed=agreed,
            reason=form.reason.data,
            success=_("Your consent is recorded.") if agreed else _("Your refusal is recorded."),
        )
    else:
        flash_form_errors(form)
    return _back(case)


@bp.route("/cases/<int:case_id>/extension/<int:proposal_id>/withdraw", methods=["POST"])
@login_required
def withdraw(case_id, proposal_id):
    case = load_case(case_id)
    proposal = _proposal(case, proposal_id)
    run(
        extending.withdraw_extension,
        proposal,
        case,
        current_user._get_current_object(),
        success=_("The proposal is withdrawn."),
    )
    return _back(case)


def dashboard_widget(user):
    """The user's next time limits, across the cases they may see, with a countdown."""
    import sqlalchemy as sa

    from odr.cases.models import Case
    from odr.cases.visibility import case_ids_of, union_of
    from odr.deadlines.models import Deadline, DeadlineState

    postgresql = db.session.get_bind().dialect.name == "postgresql"  # LATERAL below

    def next_of(condition):  # the next ten through one way of seeing cases, on its own index
        own = case_ids_of(condition) if postgresql else None
        if own is None:
            # A whole organisation's cases: walk the running limits soonest first until ten are its.
            return (
                sa.select(Deadline.id)
                .join(Case, Case.id == Deadline.case_id)
                .where(condition, Deadline.state == DeadlineState.PENDING)
                .order_by(Deadline.due_at, Deadline.id)
                .limit(10)
            )
        # The user's own set of cases (a court's, a party's): each case's running limits on their
        # index, then the soonest ten. Walking every running limit of the platform to find a court's
        # few would read them all when the court has none running.
        cases = own.subquery()
        running = (
            sa.select(Deadline.id, Deadline.due_at)
            .where(Deadline.case_id == cases.c[0], Deadline.state == DeadlineState.PENDING)
            .order_by(Deadline.due_at, Deadline.id)
            .limit(10)
            .lateral()
        )
        return (
            sa.select(running.c.id)
            .select_from(cases)
            .join(running, sa.true())
            .order_by(running.c.due_at, running.c.id)
            .limit(10)
        )

    ids = union_of(user, next_of)
    if ids is None:
        return None
    rows = db.session.execute(
        sa.select(Deadline, Case.number, Case.id)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.id.in_(sa.select(ids.c.id)))
        .order_by(Deadline.due_at, Deadline.id)
        .limit(10)
    ).all()
    if not rows:
        return None
    return "deadlines/_dashboard.html", {"rows": rows, "now": utcnow()}


panels.register_dashboard(dashboard_widget)
