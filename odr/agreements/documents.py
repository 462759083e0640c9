"""Plain data for the agreement's documents, read from the records; the layouts are in pdf.py."""

import hashlib

from odr.accounts.models import PartyKind
from odr.agreements import clauses
from odr.agreements.models import AgreementVersion, SignerCapacity
from odr.audit.models import canonical_json
from odr.cases import representatives
from odr.cases.models import Side
from odr.core import storage

SIDE_ZH = {Side.CLAIMANT: "申请人", Side.RESPONDENT: "被申请人"}


def party_names(case) -> dict[int, str]:
    return {p.id: p.name for p in case.parties}


def party_data(party) -> dict:
    company = party.kind == PartyKind.COMPANY
    return {
        "side_label": SIDE_ZH[party.side],
        "name": party.name,
        "kind_label": "法人或其他组织" if company else "自然人",
        "identity_label": "统一社会信用代码" if company else "公民身份号码",
        "identity_number": party.identity_number or "",
        "address": party.address,
        "agent_name": party.agent_name,
        "agent_firm": party.agent_firm,
        "representative": party.representative if company else None,
        "representative_title": party.representative_title.zh
        if company and party.representative_title
        else None,
    }


def rendered_clauses(case, content: dict, locale="zh_CN") -> list[dict]:
    """The clauses of CONTENT as {key, title, text}, in LOCALE."""
    library = clauses.template_map()
    names = party_names(case)
    out = []
    for item in content.get("clauses", []):
        template = library.get(item["key"])
        if template is None:
            continue
        out.append(
            {
                "key": item["key"],
                "title": template.title(locale),
                "text": clauses.clause_text(template, item.get("values", {}), names, locale),
            }
        )
    return out


def content_digest(case, content: dict) -> str:
    """SHA-256 of what the agreement says: the case, the parties and the clauses as they read."""
    payload = {
        "case": case.number,
        "parties": [party_data(p) for p in case.parties],
        "facts": content.get("facts", ""),
        "clauses": rendered_clauses(case, content),
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def mediator_names(case) -> list[str]:
    from odr.experts.access import _served
    from odr.experts.models import Seat

    return [
        a.expert.name
        for a in sorted(case.assignments, key=lambda a: (a.seat != Seat.MEDIATOR, a.proposed_at))
        if a.seat.is_mediator and _served(a)
    ]


def agreement_data(version: AgreementVersion) -> dict:
    case = version.agreement.case
    return {
        "case_number": case.number,
        "case_title": case.title,
        "organisation_name": case.organisation.name,
        "version_number": version.number,
        "finalised_at": version.finalised_at,
        "content_sha256": version.content_sha256,
        "parties": [party_data(p) for p in case.parties],
        "mediators": mediator_names(case),
        "facts": version.content.get("facts", ""),
        "clauses": [
            {"title": c["title"], "text": c["text"]} for c in rendered_clauses(case, version.content)
        ],
    }


CAPACITY_ZH = {
    SignerCapacity.PARTY: "",
    SignerCapacity.AGENT: "委托代理人",
    SignerCapacity.MEDIATOR: "调解员",
}


def signature_data(signature) -> dict:
    if signature.capacity == SignerCapacity.MEDIATOR:
        label = "调解员"
    else:
        label = SIDE_ZH[signature.party.side] + CAPACITY_ZH[signature.capacity]
    lines = [label]
    if signature.signatory_title and signature.capacity != SignerCapacity.MEDIATOR:
        side = SIDE_ZH[signature.party.side]
        title = "" if signature.signatory_title == representatives.SELF_ZH else signature.signatory_title
        label = side + title
        # Broken where a reader pauses: 被申请人 / 委托代理人 / （特别授权）.
        lines = [side, *title.replace("（", "\n（").split("\n")] if title else [side]
    return {
        "capacity_label": label,
        "capacity_lines": lines,
        "party_name": signature.party.name if signature.party else None,
        "signer_name": signature.signatory_name or signature.signer.name,
        "signed_at": signature.signed_at,
        "ip_address": signature.ip_address or "",
        "hash_signed": signature.hash_signed,
    }


def signatories(signatures) -> dict[int, dict]:
    """Who signed for each party (by party id) and in what capacity: {"name", "title"}."""
    return {
        s.party_id: {"name": s.signatory_name or s.signer.name, "title": s.signatory_title or ""}
        for s in signatures
        if s.party_id
    }


def stored_digest(sha256: str | None) -> str | None:
    """The SHA-256 of the bytes stored under SHA256 now (None if the file is gone)."""
    if not sha256:
        return None
    try:
        data = storage.read(sha256)
    except (OSError, storage.StorageError):
        return None
    return hashlib.sha256(data).hexdigest()
