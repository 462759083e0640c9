"""Arbitration pages: the section on the case page, a direct application, naming arbitrators from
the panel's ranked list, the arbitrators' answers, challenges, the award and its PDF."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from odr.accounts.decorators import roles_required
from odr.accounts.models import Organisation, OrgKind, PartyKind, Role, User
from odr.arbitration import awards, performance, tribunal
from odr.arbitration import operations as arb_ops
from odr.arbitration import workflow as arb_workflow
from odr.arbitration.forms import (
    AcceptForm,
    AnswerForm,
    AwardForm,
    ChallengeForm,
    DecideChallengeForm,
    DirectApplicationForm,
    FromMediationForm,
    NoteForm,
    PerformanceForm,
    ReviewAwardForm,
    SeatAnswerForm,
    ServiceForm,
    SettlementForm,
    SignAwardForm,
)
from odr.arbitration.models import (
    ArbitrationCase,
    ArbitrationState,
    Award,
    AwardKind,
    Challenge,
    ChallengeState,
    SeatRole,
    SeatState,
    TribunalSeat,
)
from odr.cases import panels
from odr.cases.forms import change_respondents, filing_form
from odr.cases.views import flash_form_errors, load_case, run
from odr.cases.workflow import Capacity
from odr.core import storage
from odr.core.db import utcnow
from odr.core.inputs import form_id
from odr.core.web import client_ip, send_stored
from odr.extensions import db

bp = Blueprint("arbitration", __name__)


def _me():
    return current_user._get_current_object()


def _load(arbitration_id) -> ArbitrationCase:
    arbitration = db.session.get(ArbitrationCase, arbitration_id) or abort(404)
    load_case(arbitration.case_id)
    return arbitration


def _back(arbitration_or_case):
    case_id = getattr(arbitration_or_case, "case_id", None) or arbitration_or_case.id
    return redirect(url_for("cases.show", case_id=case_id) + "#arbitration")


def _commissions():
    return [
        SelectChoice(o.id, o.name)
        for o in db.session.scalars(
            db.select(Organisation).where(
                Organisation.kind == OrgKind.ARBITRATION_COMMISSION, Organisation.active.is_(True)
            )
        )
    ]


# The section on the case page -------------------------------------------------------------------------


def case_panel(case, user):
    arbitration = arb_ops.arbitration_of(case)
    if arbitration is None:
        party = case.party_of(user)
        may_apply = (party is not None and party.side.value == "claimant") or case.is_clerk_of(user)
        # How the last application ended stays on the page: the commission's reasons for not
        # accepting it (the parties are told to read them here), or the claimant's withdrawal.
        closed = _closed_application(case)
        form = None
        if may_apply and arb_ops.can_go_to_arbitration(case):
            form = FromMediationForm(prefix="arb", claims=case.remedies)
            form.commission_id.choices = _commissions()
        if form is None and closed is None:
            return None
        return "arbitration/_case_panel.html", {"arbitration": None, "apply_form": form, "closed": closed}
    held = arb_workflow.capacities(arbitration, user)
    # A draft is the tribunal's deliberation: the parties read the award once it is issued.
    award = (
        awards.pending_award(arbitration)
        if held & {Capacity.ARBITRATOR, Capacity.ARBITRATION_CLERK}
        else None
    )
    issued = awards.issued_award(arbitration)
    my_seat = next(
        (s for s in arbitration.seats if s.arbitrator_id == user.id and s.state == SeatState.PROPOSED), None
    )
    challenges = db.session.scalars(
        db.select(Challenge)
        .join(TribunalSeat, TribunalSeat.id == Challenge.seat_id)
        .where(TribunalSeat.arbitration_id == arbitration.id)
        .order_by(Challenge.id)
    ).all()
    party = arbitration.case.party_of(user)
    now = utcnow()
    return "arbitration/_case_panel.html", {
        "arbitration": arbitration,
        "held": held,
        "C": Capacity,
        "party": party,
        "my_seat": my_seat,
        "declaration": tribunal.DECLARATION,
        "award": award,
        "issued": issued,
        "signed_ids": {s.arbitrator_id for s in award.signatures} if award else set(),
        "challenges": challenges,
        "notes": tribunal.notes_for(arbitration, user),
        "nominating": arbitration.state == ArbitrationState.FORMING_TRIBUNAL,
        "can_withdraw": arb_workflow.allowed(arbitration, arb_workflow.ArbitrationAction.WITHDRAW, held),
        "naming": {role: tribunal.may_name(arbitration, user, role) for role in arbitration.roles},
        "can_answer": party is not None
        and party.side.value == "respondent"
        and arbitration.answered_at is None
        and arbitration.answer_due_at is not None
        and now < arbitration.answer_due_at,
        "accept_form": AcceptForm(prefix="acc", expedited="1" if arbitration.expedited else "0"),
        "service_form": _service_form(),
        "service_method": arb_ops.ServiceMethod(arbitration.service_method).label
        if arbitration.service_method
        else None,
        "refuse_form": ChallengeForm(prefix="ref"),
        "answer_form": AnswerForm(prefix="ans"),
        "seat_form": SeatAnswerForm(prefix="seat"),
        "challenge_form": ChallengeForm(prefix="ch"),
        "decide_form": DecideChallengeForm(prefix="dec"),
        "award_form": AwardForm(prefix="award"),
        "settlement_form": SettlementForm(prefix="settle"),
        "sign_form": SignAwardForm(prefix="sign"),
        "review_form": ReviewAwardForm(prefix="review"),
        "note_form": NoteForm(prefix="note"),
        "performance_form": PerformanceForm(prefix="perf"),
        "enforcements": performance.enforcements_of(issued) if issued else [],
        "performance_overdue": bool(
            issued and issued.performance_due_on and now >= performance.due_moment(issued)
        ),
        "SeatRole": SeatRole,
        "ChallengeState": ChallengeState,
        "AwardKind": AwardKind,
    }


panels.register(case_panel)


def _closed_application(case) -> ArbitrationCase | None:
    """The case's newest application for arbitration, if the commission did not accept it or the
    claimant withdrew it."""
    newest = db.session.scalar(
        db.select(ArbitrationCase)
        .where(ArbitrationCase.case_id == case.id)
        .order_by(ArbitrationCase.id.desc())
    )
    closed = (ArbitrationState.REFUSED, ArbitrationState.WITHDRAWN)
    return newest if newest is not None and newest.state in closed else None


# Entry ------------------------------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/arbitration")
@login_required
def apply_from_mediation(case_id):
    case = load_case(case_id)
    form = FromMediationForm(prefix="arb")
    form.commission_id.choices = _commissions()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    run(
        arb_ops.start_from_mediation,
        case,
        _me(),
        commission_id=form.commission_id.data,
        basis=form.basis.data,
        claims=form.claims.data,
        success=_("The application for arbitration was sent to the commission with the case file."),
    )
    return _back(case)


@bp.route("/arbitration/apply", methods=["GET", "POST"])
@roles_required(Role.PARTY)
def apply_directly():
    form = filing_form(DirectApplicationForm)
    form.organisation_id.choices = _commissions()
    form.filer_is_company, form.filer_name = _me().party_kind == PartyKind.COMPANY, _me().name
    if request.method == "GET" and form.filer_is_company:
        form.representative.data = _me().legal_representative
    if change_respondents(form):
        return render_template("arbitration/apply.html", form=form)
    if form.validate_on_submit():
        data = form.case_fields()
        arbitration = run(
            arb_ops.apply_directly,
            _me(),
            commission_id=form.organisation_id.data,
            basis=form.arbitration_basis.data,
            success=_("Your application for arbitration was sent to the commission."),
            **data,
        )
        if arbitration:
            return redirect(url_for("cases.show", case_id=arbitration.case_id) + "#arbitration")
    elif request.method == "POST":
        flash(_("The application was not sent: correct the fields marked below."), "danger")
    return render_template("arbitration/apply.html", form=form)


# The commission ----------------------------------------------------------------------------------------


@bp.post("/arbitrations/<int:arbitration_id>/accept")
@login_required
def accept(arbitration_id):
    arbitration = _load(arbitration_id)
    form = AcceptForm(prefix="acc")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(arbitration)
    invitations = run(
        arb_ops.accept,
        arbitration,
        _me(),
        expedited=form.expedited.data == "1",
        success=_("The application is accepted and the respondent served."),
    )
    for party, token in invitations if isinstance(invitations, list) else []:
        flash(
            _(
                "%(name)s has no account yet: send them this link to take part: %(link)s",
                name=party.name,
                link=url_for("cases.invitation", token=token, _external=True),
            ),
            "info",
        )
    return _back(arbitration)


def _service_form():
    form = ServiceForm(prefix="srv")
    form.method.choices = [
        SelectChoice(m.value, m.label) for m in arb_ops.ServiceMethod if m != arb_ops.ServiceMethod.ELECTRONIC
    ]
    return form


@bp.post("/arbitrations/<int:arbitration_id>/service")
@login_required
def record_service(arbitration_id):
    arbitration = _load(arbitration_id)
    form = _service_form()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(arbitration)
    run(
        arb_ops.record_service,
        arbitration,
        _me(),
        served_on=form.served_on.data,
        method=form.method.data,
        success=_("The service is recorded; the defence and the nominations run from that day."),
    )
    return _back(arbitration)


@bp.post("/arbitrations/<int:arbitration_id>/refuse")
@login_required
def refuse(arbitration_id):
    arbitration = _load(arbitration_id)
    run(
        arb_ops.refuse,
        arbitration,
        _me(),
        request.form.get("ref-grounds", ""),
        success=_("The application was not accepted."),
    )
    return _back(arbitration)


@bp.post("/arbitrations/<int:arbitration_id>/answer")
@login_required
def answer(arbitration_id):
    arbitration = _load(arbitration_id)
    form = AnswerForm(prefix="ans")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _case_page_again(arbitration)
    if run(
        arb_ops.answer,
        arbitration,
        _me(),
        defence=form.defence.data,
        counterclaims=form.counterclaims.data,
        success=_("Your defence was filed."),
    ):
        return _back(arbitration)
    return _case_page_again(arbitration)


@bp.post("/arbitrations/<int:arbitration_id>/withdraw")
@login_required
def withdraw(arbitration_id):
    arbitration = _load(arbitration_id)
    run(
        arb_ops.withdraw,
        arbitration,
        _me(),
        request.form.get("reason", ""),
        success=_("The application was withdrawn."),
    )
    return _back(arbitration)


# Naming the tribunal ------------------------------------------------------------------------------------


@bp.route("/arbitrations/<int:arbitration_id>/panel/<role>", methods=["GET", "POST"])
@login_required
def panel(arbitration_id, role):
    arbitration = _load(arbitration_id)
    try:
        role = SeatRole(role)
    except ValueError:
        abort(404)
    if not arb_workflow.capacities(arbitration, _me()) & {
        Capacity.CLAIMANT,
        Capacity.RESPONDENT,
        Capacity.ARBITRATION_CLERK,
    }:
        abort(403)
    if request.method == "POST":
        arbitrator = db.session.get(User, form_id("expert_id", 0)) or abort(404)
        seat = run(tribunal.nominate, arbitration, _me(), role, arbitrator, success=None)
        if seat is True:  # a joint choice still waiting for the other side
            flash(
                _("Your choice is recorded. The arbitrator is asked when the other side chooses the same."),
                "info",
            )
        elif seat:
            flash(_("%(name)s is asked to sit on the tribunal.", name=arbitrator.name), "success")
        return _back(arbitration)
    return render_template(
        "experts/candidates.html",
        case=arbitration.case,
        seat=role,
        ranked=tribunal.candidates(arbitration),
        open_assignment=None,
    )


@bp.post("/seats/<int:seat_id>/answer")
@login_required
def answer_seat(seat_id):
    seat = db.session.get(TribunalSeat, seat_id) or abort(404)
    _load(seat.arbitration_id)
    form = SeatAnswerForm(prefix="seat")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(seat.arbitration)
    accept = form.decision.data == "accept"
    if accept and not form.declaration.data:
        flash(_("Sign the declaration of independence to accept."), "danger")
        return _back(seat.arbitration)
    answered = run(
        tribunal.answer_seat,
        seat,
        _me(),
        accept=accept,
        password=form.password.data,
        disclosure=form.disclosure.data,
        reason=form.reason.data,
        ip_address=client_ip(),
        success=_("Your answer was recorded."),
    )
    if answered and not seat.arbitration.case.can_view(current_user):
        # Declined: the case is no longer theirs to open, so they go back to their own cases.
        return redirect(url_for("assignments.caseload"))
    return _back(seat.arbitration)


@bp.post("/seats/<int:seat_id>/challenge")
@login_required
def challenge(seat_id):
    seat = db.session.get(TribunalSeat, seat_id) or abort(404)
    _load(seat.arbitration_id)
    form = ChallengeForm(prefix="ch")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(seat.arbitration)
    run(
        tribunal.challenge,
        seat,
        _me(),
        form.grounds.data,
        success=_("Your challenge was sent to the commission."),
    )
    return _back(seat.arbitration)


@bp.post("/challenges/<int:challenge_id>/decide")
@login_required
def decide_challenge(challenge_id):
    item = db.session.get(Challenge, challenge_id) or abort(404)
    _load(item.seat.arbitration_id)
    form = DecideChallengeForm(prefix="dec")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(item.seat.arbitration)
    run(
        tribunal.decide_challenge,
        item,
        _me(),
        uphold=form.decision.data == "uphold",
        reason=form.reason.data,
        success=_("The challenge was decided."),
    )
    return _back(item.seat.arbitration)


# The tribunal's work ------------------------------------------------------------------------------------


@bp.post("/arbitrations/<int:arbitration_id>/notes")
@login_required
def add_note(arbitration_id):
    arbitration = _load(arbitration_id)
    form = NoteForm(prefix="note")
    if form.validate_on_submit():
        run(tribunal.add_note, arbitration, _me(), form.text.data, success=_("The note was saved."))
    else:
        flash_form_errors(form)
    return _back(arbitration)


@bp.post("/arbitrations/<int:arbitration_id>/award")
@login_required
def draft_award(arbitration_id):
    arbitration = _load(arbitration_id)
    form = AwardForm(prefix="award")
    if run(
        awards.draft_award,
        arbitration,
        _me(),
        facts_found=form.facts_found.data or "",
        reasons=form.reasons.data or "",
        decisions=form.decisions.data or "",
        costs=form.costs.data or "",
        success=_("The draft award was sent to the commission for review; the tribunal signs it after that."),
    ):
        return _back(arbitration)
    return _case_page_again(arbitration)


@bp.post("/arbitrations/<int:arbitration_id>/settlement")
@login_required
def record_settlement(arbitration_id):
    arbitration = _load(arbitration_id)
    form = SettlementForm(prefix="settle")
    if run(
        awards.record_settlement,
        arbitration,
        _me(),
        terms=form.terms.data or "",
        costs=form.costs.data or "",
        success=_(
            "The consent award was sent to the commission for review; the tribunal signs it after that."
        ),
    ):
        return _back(arbitration)
    return _case_page_again(arbitration)


def _case_page_again(arbitration):
    """The case page, rendered in this request so the refused form shows what was typed into it."""
    from odr.cases.views import show

    return show(arbitration.case_id), 400


@bp.post("/arbitrations/<int:arbitration_id>/award/withdraw")
@login_required
def withdraw_draft(arbitration_id):
    arbitration = _load(arbitration_id)
    run(awards.withdraw_draft, arbitration, _me(), success=_("The draft award was withdrawn."))
    return _back(arbitration)


@bp.post("/awards/<int:award_id>/review")
@login_required
def review_award(award_id):
    award = db.session.get(Award, award_id) or abort(404)
    _load(award.arbitration_id)
    form = ReviewAwardForm(prefix="review")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _case_page_again(award.arbitration)
    if run(
        awards.review_award,
        award,
        _me(),
        remarks=form.remarks.data or "",
        success=_("The review is recorded; the tribunal is asked to sign the award."),
    ):
        return _back(award.arbitration)
    return _case_page_again(award.arbitration)


@bp.post("/awards/<int:award_id>/sign")
@login_required
def sign_award(award_id):
    award = db.session.get(Award, award_id) or abort(404)
    _load(award.arbitration_id)
    form = SignAwardForm(prefix="sign")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _case_page_again(award.arbitration)
    if run(
        awards.sign_award,
        award,
        _me(),
        password=form.password.data,
        dissent=form.dissent.data,
        ip_address=client_ip(),
        success=_("You signed the award."),
    ):
        return _back(award.arbitration)
    return _case_page_again(award.arbitration)


# Performance and enforcement of the award ---------------------------------------------------------------


def _award(award_id) -> Award:
    award = db.session.get(Award, award_id) or abort(404)
    _load(award.arbitration_id)
    return award


@bp.post("/awards/<int:award_id>/performance")
@login_required
def report_performance(award_id):
    award = _award(award_id)
    form = PerformanceForm(prefix="perf")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(award.arbitration)
    upload = request.files.get("perf-file")
    data = upload.read() if upload and upload.filename else None
    try:
        performance.report(
            award, _me(), text=form.text.data, filename=upload.filename if data else None, data=data
        )
    except (arb_ops.ArbitrationError, storage.StorageError) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(award.arbitration)
    db.session.commit()
    flash(_("Your report was sent to the other side for confirmation."), "success")
    return _back(award.arbitration)


@bp.post("/awards/<int:award_id>/performance/answer")
@login_required
def answer_performance(award_id):
    award = _award(award_id)
    decision = request.form.get("decision")
    if decision not in ("confirm", "dispute"):  # nothing chosen is no dispute
        flash(_("Choose an answer."), "danger")
        return _back(award.arbitration)
    run(
        performance.answer,
        award,
        _me(),
        accept=decision == "confirm",
        reason=request.form.get("reason", ""),
        success=_("Your answer was recorded."),
    )
    return _back(award.arbitration)


@bp.post("/awards/<int:award_id>/enforcement")
@login_required
def apply_for_enforcement(award_id):
    award = _award(award_id)
    run(
        performance.apply_for_enforcement,
        award,
        _me(),
        facts=request.form.get("facts", ""),
        success=_("The application for enforcement was drafted from the file and sent to the court."),
    )
    return _back(award.arbitration)


@bp.get("/awards/<int:award_id>/proof")
@login_required
def performance_proof(award_id):
    award = _award(award_id)
    return send_stored(
        award.performance_proof_sha256, award.performance_proof_name or "proof", award.performance_proof_type
    )


@bp.get("/awards/<int:award_id>.pdf")
@login_required
def award_pdf(award_id):
    award = db.session.get(Award, award_id) or abort(404)
    arbitration = _load(award.arbitration_id)
    return send_stored(award.pdf_sha256, f"{arbitration.case.number}-裁决书.pdf")
