"""What changes an agreement while it is written and signed: drafting versions from the clause
library, sharing, finalising (the PDF and its hash), signing, and taking effect."""

import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.accounts.auth import check_password
from odr.agreements import clauses, documents, pdf
from odr.agreements import workflow as agreement_workflow
from odr.agreements.models import (
    Agreement,
    AgreementState,
    AgreementVersion,
    Obligation,
    ObligationKind,
    Signature,
    SignerCapacity,
)
from odr.agreements.workflow import OPEN_DRAFT_STATES, AgreementAction
from odr.audit import checkpoints
from odr.audit.operations import record
from odr.cases import attorneys, representatives
from odr.cases import workflow as case_workflow
from odr.cases.models import CaseState
from odr.cases.workflow import Action, Capacity, TransitionError
from odr.core import storage
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.extensions import db


class AgreementError(UserError):
    """A refusal about an agreement; the message is shown to the user."""


class DraftInvalid(AgreementError):
    """What the mediator entered does not make a valid agreement; ERRORS say where."""

    def __init__(self, errors: dict):
        super().__init__(_l("The draft was not saved: correct the fields marked below."))
        self.errors = errors  # {"facts": msg} and {clause index: {field: msg}}


def open_agreement(case) -> Agreement | None:
    """The agreement of CASE still being written, if any."""
    return db.session.scalar(
        sa.select(Agreement).where(Agreement.case_id == case.id, Agreement.state.in_(OPEN_DRAFT_STATES))
    )


def agreements_of(case) -> list[Agreement]:
    return list(
        db.session.scalars(sa.select(Agreement).where(Agreement.case_id == case.id).order_by(Agreement.id))
    )


def current_agreement(case) -> Agreement | None:
    """The agreement the case page shows: the newest one that was not abandoned."""
    for agreement in reversed(agreements_of(case)):
        if agreement.state != AgreementState.ABANDONED:
            return agreement
    return None


def start_agreement(case, mediator) -> Agreement:
    """The mediator starts drafting the settlement of CASE: version 1 holds the facts as filed."""
    if Capacity.MEDIATOR not in case_workflow.capacities(case, mediator):
        raise TransitionError(_l("Only the case's mediator drafts the agreement."))
    if case.state != CaseState.MEDIATING:
        raise TransitionError(_l("An agreement is drafted while the case is in mediation."))
    if open_agreement(case) is not None:
        raise AgreementError(_l("This case already has an agreement being drafted."))
    clauses.ensure_defaults()
    agreement = Agreement(case=case, created_by=mediator, state=AgreementState.DRAFT)
    db.session.add(agreement)
    content = {"facts": case.facts, "clauses": []}
    version = AgreementVersion(
        agreement=agreement,
        number=1,
        content=content,
        created_by=mediator,
        content_sha256=documents.content_digest(case, content),
    )
    db.session.add(version)
    db.session.flush()
    record("agreement.created", agreement, case=case, actor=mediator, details={"version": 1})
    return agreement


def check_content(case, facts: str, items: list[dict]) -> dict:
    """The content FACTS and clause ITEMS make, normalised; DraftInvalid saying what is wrong otherwise."""
    library = clauses.template_map()
    names = documents.party_names(case)
    errors: dict = {}
    facts = (facts or "").strip().replace("\r\n", "\n")
    if not facts:
        errors["facts"] = _l("Describe the dispute and the facts the parties agree on.")
    elif len(facts) > 20000:
        errors["facts"] = _l("At most %(n)d characters.", n=20000)
    clean_items = []
    for index, item in enumerate(items):
        template = library.get(item.get("key"))
        if template is None or not template.active:
            errors[index] = {"": _l("This kind of clause is not in the library.")}
            continue
        values, field_errors = clauses.check_clause(template, item.get("values") or {}, names)
        if field_errors:
            errors[index] = field_errors
        clean_items.append({"key": template.key, "values": values})
    if not items:
        errors["clauses"] = _l("Add at least one clause.")
    if errors:
        raise DraftInvalid(errors)
    return {"facts": facts, "clauses": clean_items}


def _untouched_start(agreement: Agreement) -> bool:
    """Whether the agreement holds only what start_agreement put there (the facts as filed)."""
    versions = agreement.versions
    if len(versions) != 1 or versions[0].shared_at is not None:
        return False
    return versions[0].content == {"facts": agreement.case.facts, "clauses": []}


def next_version_number(agreement: Agreement) -> int:
    """The number the mediator's next save gives: 1 while the starting point is untouched."""
    if _untouched_start(agreement):
        return agreement.latest.number
    return agreement.latest.number + 1 if agreement.latest else 1


def save_version(agreement: Agreement, mediator, *, facts: str, items: list[dict], note: str | None = None):
    """A new version with FACTS and the clause ITEMS ({key, values}); earlier versions stay as they were."""
    case = agreement.case
    agreement_workflow.check(agreement, AgreementAction.REVISE, actor=mediator, capacity=Capacity.MEDIATOR)
    content = check_content(case, facts, items)
    latest = agreement.latest
    if latest is not None and latest.content == content:
        raise AgreementError(_l("Nothing changed since version %(n)d.", n=latest.number))
    if _untouched_start(agreement):
        # The starting point (the facts as filed, no clause) becomes the mediator's first version:
        # the first save is version 1, as the mediator expects, not version 2.
        version = latest
        version.content = content
        version.note = (note or "").strip()[:300] or None
        version.created_by = mediator
        version.created_at = utcnow()
        version.content_sha256 = documents.content_digest(case, content)
    else:
        version = None
    version = version or AgreementVersion(
        agreement=agreement,
        number=next_version_number(agreement),
        content=content,
        note=(note or "").strip()[:300] or None,
        created_by=mediator,
        content_sha256=documents.content_digest(case, content),
    )
    db.session.add(version)
    db.session.flush()
    agreement_workflow.apply(
        agreement,
        AgreementAction.REVISE,
        actor=mediator,
        capacity=Capacity.MEDIATOR,
        details={"version": version.number, "content_sha256": version.content_sha256},
    )
    return version


def share_version(agreement: Agreement, mediator):
    """Put the latest version before the parties: a notice in the joint room points them to it."""
    version = agreement.latest
    if not version.content.get("clauses"):
        raise AgreementError(_l("Add at least one clause before sharing the draft."))
    agreement_workflow.apply(
        agreement,
        AgreementAction.SHARE,
        actor=mediator,
        capacity=Capacity.MEDIATOR,
        details={"version": version.number},
    )
    version.shared_at = utcnow()
    from odr.rooms import operations as rooms

    rooms.post_system_to_case(
        agreement.case, "agreement_shared", version=version.number, link=_version_path(agreement, version)
    )
    return version


def finalise(agreement: Agreement, mediator):
    """Fix the shared latest version as the one to sign: render its PDF once and keep its SHA-256."""
    version = agreement.latest
    if version.shared_at is None:
        raise AgreementError(_l("Share this version with the parties before finalising it."))
    # Dates that were in the future when drafted may have passed since.
    check_content(agreement.case, version.content["facts"], version.content["clauses"])
    agreement_workflow.check(agreement, AgreementAction.FINALISE, actor=mediator, capacity=Capacity.MEDIATOR)
    now = utcnow()
    data = documents.agreement_data(version)
    data["finalised_at"] = now
    rendered = pdf.render_agreement(data)
    stored = storage.store(rendered, allowed={"application/pdf"}, max_size=len(rendered) + 1)
    version.finalised_at = now
    version.pdf_sha256 = stored.sha256
    version.pdf_size = stored.size
    agreement.final_version = version
    # The final version is written (a post-update) before the state that requires it.
    db.session.flush()
    agreement_workflow.apply(
        agreement,
        AgreementAction.FINALISE,
        actor=mediator,
        capacity=Capacity.MEDIATOR,
        details={"version": version.number, "pdf_sha256": stored.sha256},
    )
    from odr.rooms import operations as rooms

    rooms.post_system_to_case(
        agreement.case, "agreement_final", version=version.number, link=_version_path(agreement, version)
    )
    return version


def _version_path(agreement, version) -> str:
    """Where a version is read (the notice in the room links to it)."""
    return f"/agreements/{agreement.id}/versions/{version.number}"


def reopen(agreement: Agreement, mediator, reason: str):
    """Withdraw the final version for changes; signatures given on it no longer count."""
    if not (reason or "").strip():
        raise AgreementError(_l("Say why the final version is withdrawn; the parties will see it."))
    version = agreement.final_version
    agreement_workflow.apply(
        agreement,
        AgreementAction.REOPEN,
        actor=mediator,
        capacity=Capacity.MEDIATOR,
        details={"version": version.number, "reason": reason.strip()},
    )
    agreement.final_version = None


def abandon(agreement: Agreement, actor=None, reason: str = ""):
    capacity = Capacity.SYSTEM if actor is None else Capacity.MEDIATOR
    agreement_workflow.apply(
        agreement, AgreementAction.ABANDON, actor=actor, capacity=capacity, details={"reason": reason}
    )
    agreement.final_version = None


# Signing -----------------------------------------------------------------------------------------


def required_signers(agreement: Agreement) -> list:
    """Every party of the case; the mediator countersigns (one signature for the mediators)."""
    return list(agreement.case.parties)


def signature_of(version: AgreementVersion, user) -> Signature | None:
    return next((s for s in version.signatures if s.signer_id == user.id), None)


def missing_signatures(agreement: Agreement) -> dict:
    """Who has still to sign the final version: parties (records) and whether the mediator has."""
    version = agreement.final_version
    if version is None:
        return {"parties": required_signers(agreement), "mediator": True}
    signed_parties = {s.party_id for s in version.signatures if s.party_id}
    return {
        "parties": [p for p in required_signers(agreement) if p.id not in signed_parties],
        "mediator": not any(s.capacity == SignerCapacity.MEDIATOR for s in version.signatures),
    }


def sign(agreement: Agreement, user, *, version_id: int, password: str, capacity=None, ip_address=None):
    """USER signs the final version (numbered VERSION_ID on the page they read) after re-entering their
    password. The signature binds to the SHA-256 of the stored PDF; the last one makes it effective."""
    if agreement.state != AgreementState.AWAITING_SIGNATURES or agreement.final_version is None:
        raise AgreementError(_l("The agreement is not waiting for signatures."))
    version = agreement.final_version
    if version_id != version.id:
        signed = db.session.get(AgreementVersion, version_id)
        raise AgreementError(
            _l(
                "You were signing version %(old)s, which is no longer the final one. Read version %(new)d and sign it.",
                old=signed.number if signed else "?",
                new=version.number,
            )
        )
    held = case_workflow.capacities(agreement.case, user)
    party = agreement.case.party_of(user)
    if party is not None:
        attorneys.require_special_authority(agreement.case, user, "sign")
        capacity = SignerCapacity(capacity or SignerCapacity.PARTY)
        if attorneys.is_agent(agreement.case, user):
            capacity = SignerCapacity.AGENT  # an agent signs as the agent, under the approved power
        elif capacity == SignerCapacity.MEDIATOR:
            raise AgreementError(_l("Choose in what capacity you sign."))
        elif capacity == SignerCapacity.AGENT and not party.agent_name:
            raise AgreementError(_l("No authorised agent is on file for your side; sign as the party."))
        signatory_name, signatory_title = representatives.signatory(
            agreement.case, party, user, agent_capacity=capacity == SignerCapacity.AGENT
        )
    elif Capacity.MEDIATOR in held:
        if capacity not in (None, "", SignerCapacity.MEDIATOR):
            raise AgreementError(_l("You sign this agreement as its mediator, not for a party."))
        capacity = SignerCapacity.MEDIATOR
        signatory_name, signatory_title = user.name, "调解员"
    else:
        raise AgreementError(_l("Only the parties and the mediator sign the agreement."))
    if signature_of(version, user) is not None:
        raise AgreementError(_l("You have already signed version %(n)d.", n=version.number))
    if party is not None and any(s.party_id == party.id for s in version.signatures):
        raise AgreementError(_l("Your side has already signed version %(n)d.", n=version.number))
    if capacity == SignerCapacity.MEDIATOR and not missing_signatures(agreement)["mediator"]:
        raise AgreementError(_l("A mediator has already countersigned version %(n)d.", n=version.number))
    if not check_password(user, password or ""):
        raise AgreementError(_l("The password is not correct. Nothing was signed."))
    digest = documents.stored_digest(version.pdf_sha256)
    if digest != version.pdf_sha256:
        raise AgreementError(
            _l(
                "The stored agreement PDF does not match its fingerprint. Nothing was signed; tell the mediation centre."
            )
        )
    signature = Signature(
        version=version,
        signer=user,
        party=party,
        capacity=capacity,
        signed_at=utcnow(),
        ip_address=(ip_address or "")[:45] or None,
        hash_signed=digest,
        signatory_name=signatory_name,
        signatory_title=signatory_title,
    )
    db.session.add(signature)
    db.session.flush()
    record(
        "agreement.signed",
        signature,
        case=agreement.case,
        actor=user,
        details={
            "version": version.number,
            "capacity": capacity.value,
            "party_id": party.id if party else None,
            "signatory": {"name": signatory_name, "title": signatory_title},
            "hash_signed": digest,
            "ip": signature.ip_address,
        },
    )
    missing = missing_signatures(agreement)
    if not missing["parties"] and not missing["mediator"]:
        _take_effect(agreement)
    return signature


def _take_effect(agreement: Agreement):
    version = agreement.final_version
    now = utcnow()
    agreement.effective_at = now
    data = documents.agreement_data(version)
    data["effective_at"] = now
    data["checkpoint"] = checkpoints.for_document()  # names the last signature's entry
    signed = pdf.render_signed_agreement(data, [documents.signature_data(s) for s in version.signatures])
    stored = storage.store(signed, allowed={"application/pdf"}, max_size=len(signed) + 1)
    agreement.signed_pdf_sha256 = stored.sha256
    agreement_workflow.apply(
        agreement,
        AgreementAction.LAST_SIGNATURE,
        actor=None,
        capacity=Capacity.SYSTEM,
        details={"version": version.number, "signed_pdf_sha256": stored.sha256},
    )
    _make_obligations(agreement)
    case = agreement.case
    if case.state == CaseState.MEDIATING:
        case_workflow.apply(
            case,
            Action.AGREEMENT_EFFECTIVE,
            actor=None,
            capacity=Capacity.SYSTEM,
            details={"agreement_id": agreement.id, "version": version.number},
        )
    from odr.rooms import operations as rooms

    rooms.post_system_to_case(case, "agreement_effective", version=version.number)


def _make_obligations(agreement: Agreement):
    """Each duty of the final version becomes a tracked obligation: dated, or an ongoing undertaking."""
    version = agreement.final_version
    case = agreement.case
    library = clauses.template_map()
    names = documents.party_names(case)
    parties = {p.id: p for p in case.parties}
    position = 0
    for item in version.content["clauses"]:
        template = library.get(item["key"])
        values = item["values"]
        if template is None or not template.obligation or not values.get("debtor"):
            continue
        debtor = parties[int(values["debtor"])]
        creditor = parties.get(int(values.get("creditor") or 0)) or next(
            (p for p in case.parties if p.side != debtor.side), debtor
        )
        if template.obligation == "instalments":
            rows = clauses.parse_instalments(values["schedule"])
            for n, row in enumerate(rows, start=1):
                position += 1
                text = f"{template.title_zh}（第{n}期，共{len(rows)}期）：{debtor.name}向{creditor.name}支付人民币{row.amount:,.2f}元"
                _add_obligation(
                    agreement, position, template.key, text, debtor, creditor, row.amount, row.due
                )
            continue
        if template.obligation == "undertaking":
            if not values.get("from_date"):
                continue
            position += 1
            text = clauses.clause_text(template, values, names)
            _add_obligation(
                agreement,
                position,
                template.key,
                text,
                debtor,
                creditor,
                None,
                None,
                starts_on=date.fromisoformat(values["from_date"]),
            )
            continue
        due = values.get("due") or values.get("from_date")
        if not due:
            continue
        position += 1
        amount = Decimal(values["amount"]) if template.obligation == "payment" else None
        text = clauses.clause_text(template, values, names)
        _add_obligation(
            agreement, position, template.key, text, debtor, creditor, amount, date.fromisoformat(due)
        )


def _add_obligation(agreement, position, key, text, debtor, creditor, amount, due_on, starts_on=None):
    """A tracked obligation: dated when it has DUE_ON, an ongoing undertaking from STARTS_ON otherwise."""
    obligation = Obligation(
        agreement=agreement,
        position=position,
        clause_key=key,
        description=text,
        debtor=debtor,
        creditor=creditor,
        amount=amount,
        kind=ObligationKind.BY_DATE if due_on else ObligationKind.ONGOING,
        due_on=due_on,
        starts_on=starts_on,
    )
    db.session.add(obligation)
    db.session.flush()
    record(
        "obligation.created",
        obligation,
        case=agreement.case,
        actor=None,
        details={
            "kind": obligation.kind.value,
            "due_on": due_on.isoformat() if due_on else None,
            "starts_on": starts_on.isoformat() if starts_on else None,
            "amount": str(amount) if amount else None,
        },
    )


def verify_signed_pdf(agreement: Agreement) -> list[str]:
    """Problems with the stored PDFs of AGREEMENT against the hashes recorded and signed (none: intact)."""
    problems = []
    version = agreement.final_version
    if version is None:
        return problems
    digest = documents.stored_digest(version.pdf_sha256)
    if digest != version.pdf_sha256:
        problems.append("agreement PDF altered or missing")
    for signature in version.signatures:
        if signature.hash_signed != digest:
            problems.append(f"signature {signature.id} does not match the stored PDF")
    if (
        agreement.signed_pdf_sha256
        and documents.stored_digest(agreement.signed_pdf_sha256) != agreement.signed_pdf_sha256
    ):
        problems.append("signed PDF altered or missing")
    return problems


def rejected_agreement(case) -> Agreement | None:
    """The agreement the court refused to confirm, if that is where the case stands."""
    agreement = current_agreement(case)
    return agreement if agreement is not None and agreement.state == AgreementState.REJECTED else None


def can_resume_mediation(case, user) -> bool:
    return rejected_agreement(case) is not None and case_workflow.allowed(
        case, Action.RESUME_MEDIATION, case_workflow.capacities(case, user)
    )


def resume_mediation(case, user):
    """After the court refused to confirm the agreement, the case goes back to mediation for a new one."""
    agreement = rejected_agreement(case)
    if agreement is None:
        raise AgreementError(_l("Mediation resumes only after the court refused to confirm the agreement."))
    case_workflow.apply(
        case,
        Action.RESUME_MEDIATION,
        actor=user,
        details={"rejected_agreement_id": agreement.id},
    )


PLACEHOLDER = re.compile(r"\{(\w*)\}")


def update_clause_template(template, admin, *, title_zh, title_en, body_zh, body_en, position, active):
    """An administrator changes a clause template's wording; the placeholders must name its fields."""
    names = {spec["name"] for spec in template.fields}
    for body in (body_zh, body_en):
        unknown = set(PLACEHOLDER.findall(body or "")) - names
        if unknown:
            raise AgreementError(
                _l(
                    "The text uses %(unknown)s, which is not a field of this clause. Fields: %(names)s.",
                    unknown=", ".join("{%s}" % u for u in sorted(unknown)),
                    names=", ".join("{%s}" % n for n in sorted(names)),
                )
            )
        if body.count("{") != body.count("}"):
            raise AgreementError(_l("Every { in the text needs its }."))
    template.title_zh, template.title_en = title_zh.strip(), title_en.strip()
    template.body_zh, template.body_en = body_zh.strip(), body_en.strip()
    template.position, template.active = position, bool(active)
    db.session.flush()
    record(
        "clause_template.updated",
        template,
        actor=admin,
        details={"key": template.key, "active": template.active},
    )
