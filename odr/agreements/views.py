"""Agreement pages: the case panel, the clause editor, versions and their comparison, signing,
applying for judicial confirmation, performance and enforcement; downloads of every PDF."""

import difflib
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from odr.accounts.decorators import roles_required
from odr.accounts.models import PartyKind, Role
from odr.agreements import clauses, competence, confirmation, documents, operations, performance
from odr.agreements.forms import (
    AnswerReportForm,
    ApplyForm,
    BreachAnswerForm,
    BreachForm,
    ClauseTemplateForm,
    EnforcementForm,
    MaterialsForm,
    NameCourtForm,
    ReasonForm,
    ReportForm,
    SignForm,
)
from odr.agreements.models import (
    Agreement,
    AgreementState,
    ClauseTemplate,
    ConfirmationApplication,
    EnforcementApplication,
)
from odr.agreements.operations import DraftInvalid
from odr.cases import panels, representatives
from odr.cases.models import CaseState
from odr.cases.views import flash_form_errors as flash_errors
from odr.cases.views import load_case, run
from odr.cases.workflow import Capacity, capacities
from odr.core.inputs import as_id
from odr.core.templating import current_locale
from odr.core.web import client_ip, send_stored
from odr.extensions import db

bp = Blueprint("agreements", __name__)


def _me():
    return current_user._get_current_object()


def _load(agreement_id) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    load_case(agreement.case_id)  # 404 unless the user may see the case
    return agreement


def readable_versions(agreement, user) -> list:
    """The versions USER may read: all of them for the mediator (also once released: they wrote them)
    and the clerk; for the parties (and the court), those the mediator has shared — a draft is the
    mediator's own until then."""
    if capacities(agreement.case, user) & {Capacity.MEDIATOR, Capacity.FORMER_MEDIATOR, Capacity.CLERK}:
        return list(agreement.versions)
    return [v for v in agreement.versions if v.shared_at is not None]


def _readable(agreement, number):
    version = agreement.version(number)
    if version is None or version not in readable_versions(agreement, _me()):
        abort(404)
    return version


def _back(agreement_or_case):
    case_id = getattr(agreement_or_case, "case_id", None) or agreement_or_case.id
    return redirect(url_for("cases.show", case_id=case_id) + "#agreement")


def _upload(field):
    """The file the user attached in FIELD (a form's file field, named with the form's prefix)."""
    upload = field.data
    if upload is None or not getattr(upload, "filename", None):
        return None, None
    return upload.filename, upload.read()


# The panel on the case page ------------------------------------------------------------------------


def case_panel(case, user):
    agreement = operations.current_agreement(case)
    held = capacities(case, user)
    is_mediator = Capacity.MEDIATOR in held
    can_start = is_mediator and case.state == CaseState.MEDIATING and operations.open_agreement(case) is None
    if agreement is None and not can_start:
        return None
    context = {"agreement": agreement, "can_start": can_start, "is_mediator": is_mediator, "held": held}
    context["versions"] = readable_versions(agreement, user) if agreement else []
    if agreement is None:
        return "agreements/_case_panel.html", context
    party = case.party_of(user)
    application = confirmation.latest_application(agreement)
    obligations = performance.obligations_of(agreement)
    context.update(
        party=party,
        application=application,
        missing=operations.missing_signatures(agreement),
        obligations=obligations,
        reasons_form=ReasonForm(prefix="reopen"),
        report_form=ReportForm(prefix="report"),
        answer_form=AnswerReportForm(prefix="answer"),
        breach_form=BreachForm(prefix="breach"),
        breach_answer_form=BreachAnswerForm(prefix="breachanswer"),
        breach_states={state.value for state in performance.BREACH_STATES},
        materials_form=MaterialsForm(prefix="materials"),
        enforcement_form=EnforcementForm(prefix="enforce"),
        enforcements=db.session.scalars(
            db.select(EnforcementApplication)
            .where(EnforcementApplication.agreement_id == agreement.id)
            .order_by(EnforcementApplication.id)
        ).all(),
        overdue={o.id for o in obligations if performance.is_overdue(o)},
        window_closes=confirmation.window_closes_at(agreement) if agreement.effective_at else None,
        integrity=operations.verify_signed_pdf(agreement) if agreement.final_version else [],
        can_resume=operations.can_resume_mediation(case, user),
        locale=current_locale(),
    )
    if party is not None and agreement.state == AgreementState.EFFECTIVE:
        pending = confirmation.open_application(agreement)
        context["pending"] = pending
        if pending is None:
            form = ApplyForm(prefix="apply")
            options = competence.competent_courts(case)
            form.court_id.choices = [
                SelectChoice(o.court.id, o.court.display_name(current_locale())) for o in options
            ]
            if options:
                form.court_id.data = options[0].court.id
            context.update(apply_form=form, court_options=options)
    if (
        Capacity.CLERK in held
        and agreement.state == AgreementState.EFFECTIVE
        and not competence.competent_courts(case)
    ):
        name_form = NameCourtForm(prefix="court")
        name_form.court_id.choices = [
            SelectChoice(c.id, c.display_name(current_locale())) for c in competence.nameable_courts()
        ]
        context.update(name_court_form=name_form)
    return "agreements/_case_panel.html", context


panels.register(case_panel)

# Where a settled case's agreement stands once the court is involved: a confirmed case reads as
# enforceable (or performed, or in default), not merely as "agreement reached".
_STAGES_SHOWN = {
    AgreementState.CONFIRMATION_REQUESTED,
    AgreementState.UNDER_COURT_REVIEW,
    AgreementState.MATERIALS_REQUESTED,
    AgreementState.ENFORCEABLE,
    AgreementState.REJECTED,
    AgreementState.PERFORMED,
    AgreementState.IN_DEFAULT,
    AgreementState.ENFORCEMENT_REQUESTED,
}


_STAGE_LABELS = {
    AgreementState.ENFORCEABLE: _l("Judicially confirmed · enforceable"),
    AgreementState.PERFORMED: _l("Judicially confirmed · performed"),
    AgreementState.IN_DEFAULT: _l("Judicially confirmed · in default"),
}


@bp.app_template_global()
def agreement_stage(case):
    """The agreement's stage (value, label) to show beside a settled case's own, where it says more."""
    if case.state not in (CaseState.SETTLED, CaseState.CLOSED):
        return None
    agreement = operations.current_agreement(case)
    if agreement is None or agreement.state not in _STAGES_SHOWN:
        return None
    state = agreement.state
    label = _STAGE_LABELS.get(state, state.label)
    if state == AgreementState.PERFORMED:
        application = confirmation.latest_application(agreement)
        if application is None or application.decision != "confirmed":
            label = state.label
    return SimpleNamespace(value=state.value, label=label)


@bp.app_template_global()
def agreement_stages(cases) -> dict:
    """agreement_stage of each of CASES, by case id, in two queries for a whole list of cases."""
    settled = [c.id for c in cases if c.state in (CaseState.SETTLED, CaseState.CLOSED)]
    if not settled:
        return {}
    current = {}
    for agreement in db.session.scalars(
        sa.select(Agreement)
        .where(Agreement.case_id.in_(settled), Agreement.state != AgreementState.ABANDONED)
        .order_by(Agreement.id)
    ):
        current[agreement.case_id] = agreement  # the newest not abandoned, as current_agreement()
    shown = {case_id: a for case_id, a in current.items() if a.state in _STAGES_SHOWN}
    performed = [a.id for a in shown.values() if a.state == AgreementState.PERFORMED]
    decisions = {}
    if performed:
        for agreement_id, decision in db.session.execute(
            sa.select(ConfirmationApplication.agreement_id, ConfirmationApplication.decision)
            .where(ConfirmationApplication.agreement_id.in_(performed))
            .order_by(ConfirmationApplication.id)
        ):
            decisions[agreement_id] = decision  # the latest application's, as latest_application()
    stages = {}
    for case_id, agreement in shown.items():
        state = agreement.state
        label = _STAGE_LABELS.get(state, state.label)
        if state == AgreementState.PERFORMED and decisions.get(agreement.id) != "confirmed":
            label = state.label
        stages[case_id] = SimpleNamespace(value=state.value, label=label)
    return stages


# Drafting ------------------------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/agreement")
@login_required
def start(case_id):
    case = load_case(case_id)
    agreement = run(operations.start_agreement, case, _me())
    if agreement:
        return redirect(url_for("agreements.edit", agreement_id=agreement.id))
    return _back(case)


def _items_from_form(form, library):
    """The clauses as entered in the editor, in the order the mediator gave them."""
    items = []
    try:
        count = int(form.get("n") or 0)
    except ValueError:
        count = 0
    for i in range(min(count, 60)):
        key = form.get(f"c-{i}-key")
        if key not in library or form.get(f"c-{i}-remove"):
            continue
        values = {spec["name"]: form.get(f"c-{i}-{spec['name']}", "") for spec in library[key].fields}
        try:
            order = float(form.get(f"c-{i}-order") or i + 1)
        except ValueError:
            order = i + 1
        items.append((order, i, {"key": key, "values": values}))
    return [item for _order, _i, item in sorted(items, key=lambda t: (t[0], t[1]))]


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id):
    agreement = _load(agreement_id)
    case = agreement.case
    if Capacity.MEDIATOR not in capacities(case, _me()):
        abort(403)
    library = clauses.template_map()
    latest = agreement.latest
    facts, items, note, errors = (
        latest.content.get("facts", ""),
        list(latest.content.get("clauses", [])),
        "",
        {},
    )
    if request.method == "POST":
        facts = request.form.get("facts", "")
        note = request.form.get("note", "")
        items = _items_from_form(request.form, library)
        if "add" in request.form:
            key = request.form.get("add_key")
            if key in library and library[key].active:
                items.append({"key": key, "values": {}})
            else:
                flash(_("Choose a kind of clause to add."), "warning")
        else:
            try:
                version = operations.save_version(agreement, _me(), facts=facts, items=items, note=note)
            except DraftInvalid as invalid:
                db.session.rollback()
                errors = invalid.errors
                flash(str(invalid), "danger")
            except operations.AgreementError as error:
                db.session.rollback()
                flash(str(error), "danger")
            except operations.TransitionError as error:
                db.session.rollback()
                flash(str(error), "danger")
            else:
                db.session.commit()
                flash(_("Version %(n)d saved.", n=version.number), "success")
                return redirect(
                    url_for("agreements.version", agreement_id=agreement.id, number=version.number)
                )
    return render_template(
        "agreements/edit.html",
        agreement=agreement,
        next_number=operations.next_version_number(agreement),
        case=case,
        facts=facts,
        note=note,
        items=items,
        errors=errors,
        library=library,
        offered=clauses.templates(),
        parties=case.parties,
        locale=current_locale(),
    )


@bp.post("/agreements/<int:agreement_id>/share")
@login_required
def share(agreement_id):
    agreement = _load(agreement_id)
    run(operations.share_version, agreement, _me(), success=_("The draft was shared with the parties."))
    return _back(agreement)


@bp.post("/agreements/<int:agreement_id>/finalise")
@login_required
def finalise(agreement_id):
    agreement = _load(agreement_id)
    try:
        operations.finalise(agreement, _me())
    except DraftInvalid as invalid:
        db.session.rollback()
        flash(
            _(
                "This version can no longer be finalised: %(problems)s Draft a new version.",
                problems=_problems(invalid),
            ),
            "danger",
        )
        return _back(agreement)
    except (operations.AgreementError, operations.TransitionError) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(agreement)
    db.session.commit()
    flash(_("The agreement is final. The parties and the mediator can now sign it."), "success")
    return _back(agreement)


def _problems(invalid):
    messages = []
    for value in invalid.errors.values():
        messages.extend(str(m) for m in (value.values() if isinstance(value, dict) else [value]))
    return " ".join(sorted(set(messages)))


@bp.post("/agreements/<int:agreement_id>/reopen")
@login_required
def reopen(agreement_id):
    agreement = _load(agreement_id)
    form = ReasonForm(prefix="reopen")
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(agreement)
    run(
        operations.reopen,
        agreement,
        _me(),
        form.reason.data,
        success=_("The final version was withdrawn for changes."),
    )
    return _back(agreement)


@bp.post("/agreements/<int:agreement_id>/abandon")
@login_required
def abandon(agreement_id):
    agreement = _load(agreement_id)
    if Capacity.MEDIATOR not in capacities(agreement.case, _me()):
        abort(403)
    run(
        operations.abandon,
        agreement,
        _me(),
        request.form.get("reason", ""),
        success=_("The draft was abandoned."),
    )
    return _back(agreement)


# Reading and comparing versions --------------------------------------------------------------------


@bp.get("/agreements/<int:agreement_id>/versions/<int:number>")
@login_required
def version(agreement_id, number):
    agreement = _load(agreement_id)
    version = _readable(agreement, number)
    case = agreement.case
    locale = current_locale()
    form = None
    me = _me()
    party = case.party_of(me)
    if (
        agreement.state == AgreementState.AWAITING_SIGNATURES
        and agreement.final_version_id == version.id
        and operations.signature_of(version, me) is None
        and (party is not None or Capacity.MEDIATOR in capacities(case, me))
    ):
        form = SignForm(prefix="sign", version_id=version.id)
        if _no_capacity_choice(case, party, me):
            del form.capacity
    signing_as = None
    if form is not None and party is not None and party.kind == PartyKind.COMPANY:
        try:
            name, title = representatives.signatory(case, party, me)
            signing_as = SimpleNamespace(name=name, title=representatives.title_label(title), problem=None)
        except representatives.RepresentativeError as error:
            signing_as = SimpleNamespace(problem=str(error))
    return render_template(
        "agreements/version.html",
        agreement=agreement,
        version=version,
        case=case,
        clauses_zh=documents.rendered_clauses(case, version.content),
        clauses_local=documents.rendered_clauses(case, version.content, locale)
        if locale != "zh_CN"
        else None,
        sign_form=form,
        party=party,
        signing_as=signing_as,
    )


@bp.get("/agreements/<int:agreement_id>/compare")
@login_required
def compare(agreement_id):
    agreement = _load(agreement_id)
    readable = readable_versions(agreement, _me())
    numbers = [v.number for v in readable]
    if not numbers:
        abort(404)
    a = as_id(request.args.get("a")) or (numbers[-2] if len(numbers) > 1 else numbers[-1])
    b = as_id(request.args.get("b")) or numbers[-1]
    old, new = agreement.version(a), agreement.version(b)
    if old not in readable or new not in readable:
        flash(_("Choose two versions of this agreement."), "warning")
        return _back(agreement)
    locale = current_locale()
    return render_template(
        "agreements/compare.html",
        agreement=agreement,
        case=agreement.case,
        old=old,
        new=new,
        numbers=numbers,
        rows=diff_rows(_lines(agreement.case, old, locale), _lines(agreement.case, new, locale)),
    )


def _lines(case, version, locale):
    lines = [_("Facts"), *version.content.get("facts", "").splitlines()]
    for n, clause in enumerate(documents.rendered_clauses(case, version.content, locale), start=1):
        lines.append(f"{n}. {clause['title']}")
        lines.extend(clause["text"].splitlines())
    return lines


def diff_rows(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """A readable line diff: ('same'|'removed'|'added', text) rows in reading order."""
    rows = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(("same", line) for line in old[i1:i2])
        else:
            rows.extend(("removed", line) for line in old[i1:i2])
            rows.extend(("added", line) for line in new[j1:j2])
    return rows


# Signing ----------------------------------------------------------------------------------------------


def _no_capacity_choice(case, party, user) -> bool:
    """Whether the signer has no capacity to choose: only a natural person with an agent named on the
    case chooses between signing in person and through that agent; an organisation signs through its
    legal representative, an agent under their own power."""
    return (
        party is None
        or not party.agent_name
        or party.kind == PartyKind.COMPANY
        or case.power_of(user) is not None
    )


@bp.post("/agreements/<int:agreement_id>/sign")
@login_required
def sign(agreement_id):
    agreement = _load(agreement_id)
    form = SignForm(prefix="sign")
    number = agreement.final_version.number if agreement.final_version else agreement.latest.number
    party = agreement.case.party_of(_me())
    if _no_capacity_choice(agreement.case, party, _me()):
        del form.capacity
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("agreements.version", agreement_id=agreement.id, number=number))
    version_id = as_id(form.version_id.data) or 0
    capacity = form.capacity.data if getattr(form, "capacity", None) is not None else None
    if run(
        operations.sign,
        agreement,
        _me(),
        version_id=version_id,
        password=form.password.data,
        capacity=capacity,
        ip_address=client_ip(),
        success=_("Signed. Your signature is bound to the document's fingerprint."),
    ):
        return _back(agreement)
    return redirect(url_for("agreements.version", agreement_id=agreement.id, number=number))


# Downloads -------------------------------------------------------------------------------------------


def _pdf(sha256, name):
    return send_stored(sha256, name)


def _file(sha256, name, content_type):
    return send_stored(sha256, name, content_type)


@bp.get("/agreements/<int:agreement_id>/versions/<int:number>.pdf")
@login_required
def version_pdf(agreement_id, number):
    agreement = _load(agreement_id)
    version = _readable(agreement, number)
    return _pdf(version.pdf_sha256, f"{agreement.case.number}-调解协议书-第{number}版.pdf")


@bp.get("/agreements/<int:agreement_id>/signed.pdf")
@login_required
def signed_pdf(agreement_id):
    agreement = _load(agreement_id)
    return _pdf(agreement.signed_pdf_sha256, f"{agreement.case.number}-调解协议书-已签署.pdf")


# The clause library (administrators) -------------------------------------------------------------------


@bp.get("/admin/clauses", endpoint="clauses")
@roles_required(Role.ADMIN)
def clauses_index():
    clauses.ensure_defaults()
    db.session.commit()
    return render_template(
        "agreements/clauses.html", templates=clauses.templates(active_only=False), locale=current_locale()
    )


@bp.route("/admin/clauses/<int:template_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def clause_edit(template_id):
    template = db.session.get(ClauseTemplate, template_id) or abort(404)
    form = ClauseTemplateForm(obj=template)
    if form.validate_on_submit():
        try:
            operations.update_clause_template(
                template, _me(), **{f.name: f.data for f in form if f.name != "csrf_token"}
            )
        except operations.AgreementError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("The clause template was saved. Agreements already drafted keep their text."), "success")
            return redirect(url_for("agreements.clauses"))
    return render_template(
        "agreements/clause_edit.html", template=template, form=form, locale=current_locale()
    )


# The confirmation and performance pages join this blueprint from their own modules.
from odr.agreements import confirmation_views, performance_views  # noqa: E402, F401
