"""The list's pages: public (no sign-in), the credit officers' desk, the entity's notice and repair,
and the exports."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from odr.accounts.decorators import roles_required
from odr.accounts.models import Role
from odr.audit.models import AuditEntry
from odr.cases.views import flash_form_errors, run
from odr.core.forms import USCC_MESSAGES
from odr.core.inputs import paginate
from odr.core.web import send_stored
from odr.extensions import db
from odr.registry import exports, findings, operations, public
from odr.registry.forms import (
    OBJECTION_DECISIONS,
    CorrectionForm,
    ExportForm,
    FindingForm,
    JudgmentForm,
    NoticeForm,
    ObjectionDecisionForm,
    ObjectionForm,
    ReasonsForm,
    RepairDecisionForm,
    RepairForm,
    SearchForm,
)
from odr.registry.models import Entry, EntryState, Finding, RepairApplication

bp = Blueprint("registry", __name__)
officer_only = roles_required(Role.CREDIT_OFFICER)


def _me():
    return current_user._get_current_object()


# ---- public ------------------------------------------------------------------------------------


@bp.get("/infringers")
def index():
    """The list as it stands, searchable by name or credit code; the rules it applies."""
    form = SearchForm(request.args)
    problem = None
    query_text = ""
    if form.validate() and form.q.data:
        query_text = form.q.data.strip()
        code_problem = public.search_problem(query_text)
        if code_problem:
            problem = USCC_MESSAGES[code_problem]
    elif form.q.errors:
        problem = form.q.errors[0]
    page = paginate(public.published(None if problem else query_text), per_page=20)
    return render_template(
        "registry/index.html",
        form=form,
        page=page,
        query_text=query_text,
        problem=problem,
        rules=findings.rules(),
        authority=current_app.config["REGISTRY_PUBLISHING_AUTHORITY"],
        recent=public.changes(limit=5),
    )


@bp.get("/infringers/changes")
def changes():
    return render_template("registry/changes.html", changes=public.changes(limit=200))


@bp.get("/infringers/<int:entry_id>")
def entry(entry_id):
    item = db.session.get(Entry, entry_id)
    if item is None or item.state not in public.PUBLIC_STATES:
        abort(404)
    history = [c for c in public.changes() if c.entry_id == item.id]
    return render_template("registry/entry.html", entry=item, history=history, last_day=public.last_day)


# ---- the credit officer's desk -------------------------------------------------------------------


@bp.get("/registry")
@officer_only
def desk():
    groups = {}
    for state in (EntryState.CANDIDATE, EntryState.UNDER_REVIEW, EntryState.NOTIFIED, EntryState.OBJECTED):
        groups[state] = db.session.scalars(
            sa.select(Entry).where(Entry.state == state).order_by(Entry.proposed_at)
        ).all()
    repairs = db.session.scalars(
        sa.select(RepairApplication)
        .where(RepairApplication.state == "pending")
        .order_by(RepairApplication.applied_at)
    ).all()
    published = db.session.scalars(public.published()).all()
    closed = db.session.scalars(
        sa.select(Entry)
        .where(Entry.state.in_((EntryState.WITHDRAWN, EntryState.REMOVED, EntryState.ARCHIVED)))
        .order_by(Entry.updated_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "registry/desk.html",
        groups=groups,
        repairs=repairs,
        published=published,
        closed=closed,
        export_form=ExportForm(),
        rules=findings.rules(),
    )


@bp.post("/registry/scan")
@officer_only
def scan():
    made = run(findings.propose_candidates)
    count = len(made) if isinstance(made, list) else 0
    flash(_("%(n)d new candidates proposed by the rules.", n=count), "success" if count else "info")
    return redirect(url_for("registry.desk"))


@bp.route("/registry/findings/new", methods=["GET", "POST"])
@officer_only
def new_finding():
    form = FindingForm()
    if form.validate_on_submit():
        upload = form.document.data
        data = upload.read() if upload else b""
        finding = run(
            findings.record_external,
            _me(),
            entity_kind=form.entity_kind.data,
            entity_name=form.entity_name.data,
            credit_code=form.credit_code.data,
            id_number=form.id_number.data,
            legal_representative=form.legal_representative.data,
            decision_kind=form.decision_kind.data,
            number=form.number.data,
            decided_on=form.decided_on.data,
            authority=form.authority.data,
            infringement=form.infringement.data,
            willful=form.willful.data,
            punitive=form.punitive.data,
            summary=form.summary.data,
            filename=upload.filename if upload else "",
            data=data,
            success=_("The decision is recorded; its document is kept by its SHA-256 on the audit chain."),
        )
        if finding:
            return redirect(url_for("registry.desk"))
    return render_template("registry/finding_form.html", form=form)


@bp.get("/registry/findings/<int:finding_id>/document")
@officer_only
def finding_document(finding_id):
    finding = db.session.get(Finding, finding_id)
    if finding is None or not finding.document_sha256:
        abort(404)
    return send_stored(finding.document_sha256, finding.document_name, None)


def _entry_or_404(entry_id) -> Entry:
    item = db.session.get(Entry, entry_id)
    if item is None:
        abort(404)
    return item


@bp.get("/registry/entries/<int:entry_id>")
@login_required
def manage(entry_id):
    """The officer's page of an entry, or the listed entity's notice page."""
    item = _entry_or_404(entry_id)
    officer = operations.is_officer(current_user)
    if not officer and not operations.is_entity(item, current_user):
        abort(404)
    if not officer and item.state in (EntryState.CANDIDATE, EntryState.UNDER_REVIEW):
        abort(404)  # the entity hears of an entry only once it is notified
    timeline = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "registry_entries", AuditEntry.object_id == item.id)
        .order_by(AuditEntry.position)
    ).all()
    return render_template(
        "registry/manage.html",
        entry=item,
        officer=officer,
        timeline=timeline if officer else [],
        last_day=public.last_day,
        reasons_form=ReasonsForm(),
        notice_form=NoticeForm(),
        objection_form=ObjectionForm(),
        decision_form=ObjectionDecisionForm(),
        correction_form=CorrectionForm(),
        repair_form=RepairForm(),
        repair_decision_form=RepairDecisionForm(),
        objection_decisions=OBJECTION_DECISIONS,
    )


def _back(item):
    return redirect(url_for("registry.manage", entry_id=item.id))


def _act(entry_id, form_class, operation, success, **fields):
    item = _entry_or_404(entry_id)
    form = form_class()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(item)
    values = {name: getattr(form, attr).data for name, attr in fields.items()}
    run(operation, item, _me(), success=success, **values)
    return _back(item)


@bp.post("/registry/entries/<int:entry_id>/review")
@officer_only
def review(entry_id):
    item = _entry_or_404(entry_id)
    run(operations.start_review, item, _me(), success=_("The entry is under your review."))
    return _back(item)


@bp.post("/registry/entries/<int:entry_id>/notify")
@officer_only
def notify(entry_id):
    return _act(
        entry_id,
        NoticeForm,
        operations.notify_entity,
        _("The entity is notified; the period to object has started."),
        service_record="service_record",
    )


@bp.post("/registry/entries/<int:entry_id>/withdraw")
@officer_only
def withdraw(entry_id):
    return _act(
        entry_id,
        ReasonsForm,
        operations.withdraw,
        _("The entry is withdrawn: not listed."),
        reasons="reasons",
    )


@bp.post("/registry/entries/<int:entry_id>/publish")
@officer_only
def publish(entry_id):
    item = _entry_or_404(entry_id)
    run(operations.publish_after_period, item, _me(), success=_("The entry is published."))
    return _back(item)


@bp.post("/registry/entries/<int:entry_id>/objection")
@login_required
def object_to(entry_id):
    return _act(
        entry_id,
        ObjectionForm,
        operations.object_to,
        _("The objection is lodged; the credit officer will decide it with reasons."),
        text="text",
    )


@bp.post("/registry/entries/<int:entry_id>/objection/decision")
@officer_only
def decide_objection(entry_id):
    item = _entry_or_404(entry_id)
    form = ObjectionDecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(item)
    run(
        operations.decide_objection,
        item,
        _me(),
        decision=form.decision.data,
        reasons=form.reasons.data,
        corrections=_corrections(form),
        success=_("The objection is decided."),
    )
    return _back(item)


@bp.post("/registry/entries/<int:entry_id>/correct")
@officer_only
def correct(entry_id):
    item = _entry_or_404(entry_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(item)
    run(
        operations.correct,
        item,
        _me(),
        reasons=form.reasons.data,
        corrections=_corrections(form),
        success=_("The correction is published."),
    )
    return _back(item)


@bp.post("/registry/entries/<int:entry_id>/archive")
@officer_only
def archive(entry_id):
    item = _entry_or_404(entry_id)
    run(operations.archive, item, _me(), success=_("The entry is archived."))
    return _back(item)


@bp.post("/registry/entries/<int:entry_id>/repair")
@login_required
def apply_for_repair(entry_id):
    item = _entry_or_404(entry_id)
    form = RepairForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(item)
    upload = form.proof.data
    run(
        operations.apply_for_repair,
        item,
        _me(),
        performance=form.performance.data,
        commitment=form.commitment.data,
        filename=upload.filename if upload else "",
        data=upload.read() if upload else b"",
        success=_("The application for credit repair is sent to the credit officer."),
    )
    return _back(item)


@bp.post("/registry/repairs/<int:application_id>/decision")
@officer_only
def decide_repair(application_id):
    application = db.session.get(RepairApplication, application_id)
    if application is None:
        abort(404)
    form = RepairDecisionForm()
    if form.validate_on_submit():
        run(
            operations.decide_repair,
            application,
            _me(),
            grant=form.decision.data == "grant",
            reasons=form.reasons.data,
            success=_("The application for credit repair is decided."),
        )
    else:
        flash_form_errors(form)
    return _back(application.entry)


@bp.get("/registry/repairs/<int:application_id>/proof")
@login_required
def repair_proof(application_id):
    application = db.session.get(RepairApplication, application_id)
    if application is None or not (
        operations.is_officer(current_user) or operations.is_entity(application.entry, current_user)
    ):
        abort(404)
    return send_stored(application.proof_sha256, application.proof_name, None)


@bp.get("/registry/mine")
@login_required
def mine():
    """The entity's own entries: notices to answer, published entries to repair."""
    entries = [
        e
        for e in db.session.scalars(
            sa.select(Entry)
            .where(
                Entry.state.not_in((EntryState.CANDIDATE, EntryState.UNDER_REVIEW)),
                sa.or_(
                    Entry.credit_code == (current_user.credit_code or "-"),
                    Entry.id_number_hash.is_not(None),
                ),
            )
            .order_by(Entry.id.desc())
        )
        if operations.is_entity(e, current_user)
    ]
    return render_template("registry/mine.html", entries=entries)


# ---- the court records its judgment in a case handed over to it ----------------------------------


@bp.get("/registry/judgments")
@roles_required(Role.COURT_LIAISON)
def judgments():
    from odr.handover import operations as handovers

    received = handovers.queue_for(_me())
    return render_template(
        "registry/judgments.html",
        received=[(h, findings.court_findings(h.case_id)) for h in received],
    )


@bp.route("/registry/judgments/<int:handover_id>", methods=["GET", "POST"])
@roles_required(Role.COURT_LIAISON)
def record_judgment(handover_id):
    from odr.handover import operations as handovers
    from odr.handover.models import Handover

    handover = db.session.get(Handover, handover_id)
    if handover is None or not handovers.receives(handover, _me()):
        abort(404)
    form = JudgmentForm()
    form.party.choices = [(p.id, p.name) for p in handover.case.respondents]
    if form.validate_on_submit():
        upload = form.document.data
        done = run(
            findings.record_court_judgment,
            handover,
            _me(),
            party_id=form.party.data,
            number=form.number.data,
            decided_on=form.decided_on.data,
            infringement=form.infringement.data,
            willful=form.willful.data,
            punitive=form.punitive.data,
            summary=form.summary.data,
            filename=upload.filename if upload else "",
            data=upload.read() if upload else b"",
            success=_(
                "The judgment is recorded for the list of infringers; the credit officers decide on it."
            ),
        )
        if done:
            return redirect(url_for("registry.judgments"))
    return render_template(
        "registry/judgment_form.html",
        form=form,
        handover=handover,
        recorded=findings.court_findings(handover.case_id),
    )


# ---- exports -----------------------------------------------------------------------------------


@bp.get("/registry/export")
@officer_only
def export():
    form = ExportForm(request.args)
    if not form.validate():
        flash_form_errors(form)
        return redirect(url_for("registry.desk"))
    name, data, manifest = exports.build(form.what.data, form.format.data, form.since.data, actor=_me())
    db.session.commit()
    body = exports.bundle(name, data, manifest)
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
    )


# ---- the clerk sees a listed party --------------------------------------------------------------


def listed_parties(case) -> list[tuple]:
    """(party, entries) for each party of CASE on the list now."""
    out = []
    for party in case.parties:
        entries = public.listed_entries_for(credit_code=party.credit_code, id_number=party.id_number)
        if entries:
            out.append((party, entries))
    return out


def case_panel(case, user):
    if not (case.is_clerk_of(user) or user.has_role(Role.CREDIT_OFFICER)):
        return None
    listed = listed_parties(case)
    if not listed:
        return None
    return "registry/_case_panel.html", {"listed": listed, "last_day": public.last_day}


def _notice_link(note, user):
    """A notice about an entry opens the entry's page (the officer's desk or the entity's notice)."""
    entry_id = (note.params or {}).get("entry")
    return url_for("registry.manage", entry_id=entry_id) if entry_id else None


def init_app(app):
    from odr.cases import panels
    from odr.registry import labels

    labels.register()
    panels.register(case_panel)
    from odr.notifications import links

    for code in operations.NOTICE_CODES:
        links.register(code, _notice_link)
    app.register_blueprint(bp)

    app.jinja_env.globals["registry_last_day"] = public.last_day

    @app.template_global()
    def listed_on_registry(case):
        """Whether a party of CASE is on the list of infringers (the clerk's intake queue)."""
        return bool(listed_parties(case))

    @app.template_global()
    def listed_cases(cases) -> set[int]:
        """The ids of those of CASES a party of which is on the list: one query for a whole list."""
        cases = list(cases)
        listed = public.listed_among([p for c in cases for p in c.parties])
        return {c.id for c in cases if any(p.id in listed for p in c.parties)}


def _corrections(form):
    """The entry's correctable details as the officer's form gives them."""
    return {name: getattr(form, name).data for name in operations.CORRECTABLE}
