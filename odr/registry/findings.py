"""The decisions the list rests on, and the rules that turn them into candidates.

Findings come from the platform's own records — an issued arbitral award in an infringement dispute,
an enforcement application the court accepted — by following the audit chain, and from outside
decisions a credit officer records with the document. The platform proposes; a person decides.
"""

import hashlib
from datetime import date

import sqlalchemy as sa
from blinker import ANY
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import Role
from odr.audit.operations import record, recorded
from odr.core import storage
from odr.core.failures import UserError
from odr.core.i18n import join_items
from odr.core.identifiers import id_number_problem, normalise, uscc_problem
from odr.core.timeutil import local
from odr.extensions import db
from odr.registry.models import (
    OPEN_STATES,
    DecisionKind,
    EntityKind,
    Entry,
    EntryState,
    Finding,
    FindingSource,
    ListType,
    entry_findings,
)

DOCUMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}


class RegistryError(UserError):
    pass


def id_hash(id_number: str) -> str:
    """What the list keeps of a resident ID number: its SHA-256, to match it, never to show it."""
    return hashlib.sha256(normalise(id_number).encode()).hexdigest()


def entity_key(credit_code=None, id_number_hash=None) -> str:
    return f"uscc:{normalise(credit_code)}" if credit_code else f"id:{id_number_hash}"


def rules() -> dict:
    """The listing rules in force (settings), kept with each entry and shown beside it."""
    cfg = current_app.config
    return {
        "repeat_count": cfg["REGISTRY_REPEAT_COUNT"],
        "repeat_years": cfg["REGISTRY_REPEAT_YEARS"],
        "objection_days": cfg["REGISTRY_OBJECTION_DAYS"],
        "publication_years": cfg["REGISTRY_PUBLICATION_YEARS"],
    }


def _new_finding(**values) -> Finding:
    finding = Finding(**values)
    finding.entity_key = entity_key(finding.credit_code, finding.id_number_hash)
    db.session.add(finding)
    db.session.flush()
    record(
        "registry.finding_recorded",
        finding,
        details={
            "source": finding.source.value,
            "number": finding.number,
            "decided_on": finding.decided_on.isoformat(),
            "authority": finding.authority,
            "findings": [
                f for f in ("infringement", "willful", "punitive", "non_performance") if getattr(finding, f)
            ],
            "document_sha256": finding.document_sha256,
        },
    )
    propose_candidates(finding.entity_key)
    return finding


def record_external(
    officer,
    *,
    entity_kind,
    entity_name,
    credit_code,
    id_number,
    legal_representative,
    decision_kind,
    number,
    decided_on,
    authority,
    infringement,
    willful,
    punitive,
    summary,
    filename,
    data,
) -> Finding:
    """A credit officer records an outside court judgment or administrative penalty, with its document."""
    entity_kind = EntityKind(entity_kind)
    credit_code = normalise(credit_code) or None
    id_number = normalise(id_number) or None
    problems = []
    if credit_code and uscc_problem(credit_code):
        problems.append(_l("the unified social credit code is not valid (check digit)"))
    if id_number and id_number_problem(id_number):
        problems.append(_l("the ID number is not valid"))
    if entity_kind == EntityKind.COMPANY and not credit_code:
        problems.append(_l("a company's unified social credit code"))
    if entity_kind != EntityKind.COMPANY and not (credit_code or id_number):
        problems.append(_l("the credit code or the ID number"))
    stored = _decision_document(problems, data, found=infringement or willful or punitive)
    return _new_finding(
        source=FindingSource.EXTERNAL,
        decision_kind=DecisionKind(decision_kind),
        entity_kind=entity_kind,
        entity_name=entity_name.strip(),
        credit_code=credit_code,
        id_number_hash=id_hash(id_number) if id_number else None,
        legal_representative=(legal_representative or "").strip() or None,
        number=number.strip(),
        decided_on=decided_on,
        authority=authority.strip(),
        infringement=bool(infringement or willful or punitive),
        willful=bool(willful),
        punitive=bool(punitive),
        summary=(summary or "").strip(),
        document_name=storage.safe_filename(filename, "decision"),
        document_sha256=stored.sha256,
        recorded_by_id=officer.id,
    )


def record_court_judgment(
    handover,
    officer,
    *,
    party_id,
    number,
    decided_on,
    infringement,
    willful,
    punitive,
    summary,
    filename,
    data,
) -> Finding:
    """The liaison of the court that received a failed mediation records its judgment on the dispute:
    a platform record, with the document kept by SHA-256."""
    from odr.handover import operations as handovers

    if not (officer.has_role(Role.COURT_LIAISON) and handovers.receives(handover, officer)):
        raise RegistryError(
            _l("Only a liaison officer of the court that received the case records its judgment.")
        )
    party = next((p for p in handover.case.respondents if p.id == party_id), None)
    identity = _party_identity(party) if party is not None else None
    problems = []
    if identity is None:
        problems.append(_l("the respondent the judgment is against"))
    if not (number or "").strip():
        problems.append(_l("the judgment's number"))
    if decided_on is None:
        problems.append(_l("the date of the judgment"))
    stored = _decision_document(problems, data, found=infringement or willful or punitive)
    ref = f"court:{handover.id}:{party.id}:{number.strip()}"[:60]
    if _already(FindingSource.COURT, ref):
        raise RegistryError(_l("This judgment is already recorded."))
    return _new_finding(
        source=FindingSource.COURT,
        source_ref=ref,
        decision_kind=DecisionKind.COURT_JUDGMENT,
        entity_name=party.name,
        legal_representative=None,
        number=number.strip(),
        decided_on=decided_on,
        authority=officer.organisation.name,
        infringement=True,
        willful=bool(willful),
        punitive=bool(punitive),
        summary=(summary or "").strip(),
        document_name=storage.safe_filename(filename, "judgment"),
        document_sha256=stored.sha256,
        case_id=handover.case_id,
        recorded_by_id=officer.id,
        **identity,
    )


def court_findings(case_id) -> list[Finding]:
    return db.session.scalars(
        sa.select(Finding)
        .where(Finding.case_id == case_id, Finding.source == FindingSource.COURT)
        .order_by(Finding.id)
    ).all()


def _party_identity(party) -> dict | None:
    from odr.accounts.models import PartyKind

    if party.kind == PartyKind.COMPANY and party.credit_code:
        code = normalise(party.credit_code)
        # 个体工商户 carry a credit code starting with 92: their operator is a natural person.
        kind = EntityKind.SOLE_TRADER if code.startswith("92") else EntityKind.COMPANY
        return {"entity_kind": kind, "credit_code": code, "id_number_hash": None}
    if party.kind == PartyKind.PERSON and party.id_number:
        return {
            "entity_kind": EntityKind.PERSON,
            "credit_code": None,
            "id_number_hash": id_hash(party.id_number),
        }
    return None


def _already(source, ref) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Finding)
            .where(Finding.source == source, Finding.source_ref == ref)
        )
        > 0
    )


def from_award(award) -> list[Finding]:
    """An issued, contested award in an infringement dispute: a finding against each respondent."""
    from odr.arbitration.models import AwardKind
    from odr.cases.models import DisputeKind

    arbitration = award.arbitration
    case = arbitration.case
    if award.kind != AwardKind.AWARD or case.dispute_kind not in (
        DisputeKind.INFRINGEMENT,
        DisputeKind.UNFAIR_COMPETITION,
    ):
        return []
    found = []
    for party in case.respondents:
        identity = _party_identity(party)
        ref = f"award:{award.id}:{party.id}"
        if identity is None or _already(FindingSource.AWARD, ref):
            continue
        found.append(
            _new_finding(
                source=FindingSource.AWARD,
                source_ref=ref,
                decision_kind=DecisionKind.ARBITRAL_AWARD,
                entity_name=party.name,
                legal_representative=None,
                number=award.number,
                decided_on=local(award.issued_at).date(),
                authority=arbitration.commission.name,
                infringement=True,
                summary="；".join(award.decisions or []),
                case_id=case.id,
                **identity,
            )
        )
    return found


def from_enforcement(application) -> Finding | None:
    """The court accepted an enforcement application: the party in default refused to perform."""
    party = application.respondent_party
    identity = _party_identity(party)
    ref = f"enforcement:{application.id}"
    if identity is None or _already(FindingSource.ENFORCEMENT, ref):
        return None
    return _new_finding(
        source=FindingSource.ENFORCEMENT,
        source_ref=ref,
        decision_kind=DecisionKind.ENFORCEMENT_ACCEPTANCE,
        entity_name=party.name,
        legal_representative=None,
        number=application.court_case_number,
        decided_on=local(application.accepted_at).date(),
        authority=application.court.name,
        non_performance=True,
        summary=application.facts[:2000],
        case_id=application.case_id,
        **identity,
    )


@recorded.connect_via(ANY, weak=False)
def follow_the_audit_chain(entry, *, obj=None, **_):
    """Findings follow the platform's own records as they are made."""
    if obj is None:
        return
    if entry.action == "arbitration.issue":
        from odr.arbitration.awards import issued_award

        award = issued_award(obj)
        if award is not None:
            from_award(award)
    elif entry.action == "enforcement.accepted":
        from_enforcement(obj)


# ---- candidates ---------------------------------------------------------------------------


def _findings_of(key) -> list[Finding]:
    return db.session.scalars(
        sa.select(Finding).where(Finding.entity_key == key).order_by(Finding.decided_on)
    ).all()


def _used(list_type) -> set[int]:
    """Findings already behind an entry of LIST_TYPE (so a closed entry is not proposed again)."""
    return set(
        db.session.scalars(
            sa.select(entry_findings.c.finding_id)
            .join(Entry, Entry.id == entry_findings.c.entry_id)
            .where(Entry.list_type == list_type)
        )
    )


def _has_open(key, list_type) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Entry)
            .where(Entry.entity_key == key, Entry.list_type == list_type, Entry.state.in_(OPEN_STATES))
        )
        > 0
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def what_applies(findings: list[Finding], today: date, settings: dict) -> dict:
    """Which list types FINDINGS meet under the rules, each with the findings it rests on (DESIGN §9)."""
    since = _years_before(today, settings["repeat_years"])
    out = {}
    recent = [f for f in findings if f.infringement and f.decided_on >= since]
    if len(recent) >= settings["repeat_count"]:
        out[ListType.REPEAT] = recent
    willful = [f for f in findings if f.willful or f.punitive]
    if willful:
        out[ListType.WILLFUL] = willful
    refused = [f for f in findings if f.non_performance]
    if refused:
        out[ListType.NON_PERFORMANCE] = refused
    return out


BASIS = {
    ListType.REPEAT: "经{count}份生效法律文书认定在{years}年内{count}次侵犯知识产权，属重复侵权（认定标准：{years}年内至少{min}次）。",
    ListType.WILLFUL: "经生效法律文书认定故意侵犯知识产权或判处惩罚性赔偿，属故意侵权。",
    ListType.NON_PERFORMANCE: "拒不履行已发生法律效力的调解协议或仲裁裁决，经人民法院受理强制执行申请。",
}


def basis_text(list_type, findings, settings) -> str:
    return BASIS[ListType(list_type)].format(
        count=len(findings), years=settings["repeat_years"], min=settings["repeat_count"]
    )


def propose_candidates(key=None) -> list[Entry]:
    """Candidates for the entity KEY (or every entity) that the rules now reach; one per list type."""
    from odr.core.db import utcnow

    keys = [key] if key else db.session.scalars(sa.select(Finding.entity_key).distinct()).all()
    settings = rules()
    today = local(utcnow()).date()
    made = []
    for k in keys:
        findings = _findings_of(k)
        for list_type, basis in what_applies(findings, today, settings).items():
            if _has_open(k, list_type) or not {f.id for f in basis} - _used(list_type):
                continue
            latest = basis[-1]
            entry = Entry(
                entity_key=k,
                entity_kind=latest.entity_kind,
                entity_name=latest.entity_name,
                credit_code=latest.credit_code,
                id_number_hash=latest.id_number_hash,
                legal_representative=next(
                    (f.legal_representative for f in reversed(basis) if f.legal_representative), None
                ),
                list_type=list_type,
                state=EntryState.CANDIDATE,
                basis=basis_text(list_type, basis, settings),
                rules=settings,
                findings=list(basis),
            )
            db.session.add(entry)
            db.session.flush()
            record(
                "registry.propose",
                entry,
                actor=None,
                details={"list_type": list_type.value, "findings": [f.id for f in basis], "rules": settings},
            )
            made.append(entry)
    return made


def _decision_document(problems, data, *, found):
    """Refuse a decision that lacks what every decision needs (or what PROBLEMS already names);
    otherwise store its document and return it."""
    if not found:
        problems.append(_l("what the decision found"))
    if not data:
        problems.append(_l("the decision's document"))
    if problems:
        raise RegistryError(_l("The decision needs: %(what)s.", what=join_items(problems)))
    return storage.store(
        data, allowed=DOCUMENT_TYPES, refusal=_l("The document must be a PDF, PNG or JPEG file.")
    )
