"""Undisputed facts and the hand-over on the case page; the receiving organisation's queue."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from odr.cases import panels
from odr.cases.models import CaseState
from odr.cases.views import flash_form_errors, load_case, run
from odr.cases.workflow import Capacity, capacities
from odr.core import storage
from odr.extensions import db
from odr.handover import operations
from odr.handover.forms import FactAnswerForm, FactForm, FilingForm
from odr.handover.models import Handover, UndisputedFact

bp = Blueprint("handover", __name__)


def case_panel(case, user):
    """Undisputed facts (recorded by the mediator, confirmed by each party) and the hand-over package."""
    facts = operations.facts_of(case)
    handover = operations.handover_of(case)
    can_record = Capacity.MEDIATOR in capacities(case, user) and case.state == CaseState.MEDIATING
    party = case.party_of(user)
    if not (facts or handover or can_record):
        return None
    if handover is not None and not operations.can_read(handover, user):
        handover = None
    names = {p.id: p.name for p in case.parties}
    rows = []
    for fact in facts:
        mine = next((a for a in fact.answers if party and a.party_id == party.id), None)
        rows.append(
            {
                "fact": fact,
                "undisputed": operations.is_undisputed(fact, case),
                "answers": [(names.get(a.party_id, ""), a) for a in fact.answers],
                "mine": mine,
                "can_answer": party is not None and case.state == CaseState.MEDIATING,
            }
        )
    return "handover/_case_panel.html", {
        "facts": rows,
        "fact_form": FactForm(prefix="fact") if can_record else None,
        "answer_form": FactAnswerForm(prefix="factans"),
        "handover": handover,
    }


panels.register(case_panel)


def _back(case):
    return redirect(url_for("cases.show", case_id=case.id, _anchor="facts"))


@bp.route("/cases/<int:case_id>/facts", methods=["POST"])
@login_required
def record_fact(case_id):
    case = load_case(case_id)
    form = FactForm(prefix="fact")
    if form.validate_on_submit():
        run(
            operations.record_fact,
            case,
            current_user._get_current_object(),
            form.text.data,
            success=_("The fact is recorded; each party is asked to confirm it."),
        )
    else:
        flash_form_errors(form)
    return _back(case)


@bp.route("/cases/<int:case_id>/facts/<int:fact_id>/answer", methods=["POST"])
@login_required
def answer_fact(case_id, fact_id):
    case = load_case(case_id)
    fact = db.session.get(UndisputedFact, fact_id)
    if fact is None or fact.case_id != case.id:
        abort(404)
    form = FactAnswerForm(prefix="factans")
    if form.validate_on_submit():
        confirmed = form.decision.data == "confirm"
        run(
            operations.answer_fact,
            fact,
            case,
            current_user._get_current_object(),
            confirmed=confirmed,
            comment=form.comment.data,
            success=_("Your answer is recorded."),
        )
    else:
        flash_form_errors(form)
    return _back(case)


def load_handover(handover_id) -> Handover:
    """The hand-over, if the signed-in user may read it; 404 otherwise."""
    handover = db.session.get(Handover, handover_id)
    if handover is None or not operations.can_read(handover, current_user):
        abort(404)
    return handover


@bp.route("/handovers")
@login_required
def queue():
    if not operations.is_receiving_officer(current_user):
        abort(403)
    show = request.args.get("show", "open")
    filed = {"open": False, "filed": True}.get(show)
    return render_template(
        "handover/queue.html", handovers=operations.queue_for(current_user, filed=filed), show=show
    )


@bp.route("/handovers/<int:handover_id>", methods=["GET", "POST"])
@login_required
def show(handover_id):
    handover = load_handover(handover_id)
    receiving = operations.receives(handover, current_user)
    form = FilingForm() if receiving and handover.state.value == "sent" else None
    if form is not None and request.method == "POST":
        if form.validate_on_submit():
            done = run(
                operations.record_filing,
                handover,
                current_user._get_current_object(),
                number=form.number.data,
                filed_on=form.filed_on.data,
                success=_("The filing is recorded; the parties and the mediation centre are told."),
            )
            if done:
                return redirect(url_for("handover.show", handover_id=handover.id))
        else:
            flash(_("Please correct the marked fields; nothing has been recorded yet."), "danger")
    elif request.method == "POST":
        abort(403)
    return render_template(
        "handover/show.html", handover=handover, case=handover.case, form=form, receiving=receiving
    )


@bp.route("/handovers/<int:handover_id>/summary.pdf")
@login_required
def summary_pdf(handover_id):
    handover = load_handover(handover_id)
    if handover.pdf_sha256 is None:  # made by a sweep a moment ago and not yet rendered: render it now
        operations.complete(handover)
        db.session.commit()
    return _stored_file(handover.pdf_sha256, "application/pdf", f"{handover.case.number}-handover.pdf")


@bp.route("/handovers/<int:handover_id>/evidence/<sha256>")
@login_required
def evidence_file(handover_id, sha256):
    handover = load_handover(handover_id)
    item = next((e for e in handover.evidence if e["sha256"] == sha256), None)
    if item is None:
        abort(404)
    return _stored_file(sha256, item["type"], item["name"])


def _stored_file(sha256, content_type, name):
    path = storage.path_for(sha256)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
