"""What the public sees of the list, the export rows for the credit platforms, the clerk's lookup
of a listed party, and the figures the statistics read."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from odr.core.identifiers import normalise, uscc_problem
from odr.core.timeutil import local
from odr.extensions import db
from odr.registry.models import Change, ChangeKind, Entry, EntryState, RemovalReason

PUBLIC_STATES = (EntryState.PUBLISHED,)
SCHEMA_VERSION = "1.0"

# The columns of the export, in order (docs/registry-export.md describes each).
COLUMNS = (
    "entry_id",
    "entity_name",
    "unified_social_credit_code",
    "entity_kind",
    "legal_representative",
    "list_type",
    "basis",
    "decision_number",
    "decision_date",
    "deciding_authority",
    "publishing_authority",
    "publication_start",
    "publication_end",
    "status",
)


def _day(value: datetime | None) -> str | None:
    return local(value).date().isoformat() if value else None


def last_day(value: datetime | None) -> date | None:
    """The last day of a period that ends at 24:00 Beijing time (VALUE is the next midnight)."""
    from odr.deadlines.calendar import last_day_of

    return last_day_of(value) if value else None


def export_row(entry: Entry) -> dict:
    """ENTRY as the credit platforms receive it: masked where the law says so, never an ID number.

    Several decisions are joined with "; " in the decision columns, in the same order."""
    findings = entry.findings
    return {
        "entry_id": entry.id,
        "entity_name": entry.public_name,
        "unified_social_credit_code": entry.credit_code,
        "entity_kind": entry.entity_kind.value,
        "legal_representative": entry.public_representative,
        "list_type": entry.list_type.value,
        "basis": entry.basis,
        "decision_number": "; ".join(f.number for f in findings),
        "decision_date": "; ".join(f.decided_on.isoformat() for f in findings),
        "deciding_authority": "; ".join(f.authority for f in findings),
        "publishing_authority": entry.publishing_authority,
        "publication_start": _day(entry.published_at),
        "publication_end": last_day(entry.expires_at).isoformat() if entry.expires_at else None,
        "status": _status(entry),
    }


def _status(entry: Entry) -> str:
    if entry.state == EntryState.PUBLISHED:
        return "published"
    if entry.removal_reason == RemovalReason.REPAIR:
        return "removed_repair"
    if entry.removal_reason == RemovalReason.EXPIRY:
        return "removed_expiry"
    return entry.state.value


def published(query_text: str | None = None):
    """The entries on the list now, newest first; QUERY_TEXT matches a name or a credit code."""
    query = sa.select(Entry).where(Entry.state.in_(PUBLIC_STATES))
    text = (query_text or "").strip()
    if text:
        code = normalise(text)
        if len(code) == 18:
            query = query.where(Entry.credit_code == code)
        else:
            # Masked names are searched as shown: only companies by their full name.
            query = query.where(Entry.entity_name.contains(text), Entry.entity_kind == "company")
    return query.order_by(Entry.published_at.desc(), Entry.id.desc())


def search_problem(query_text: str) -> str | None:
    """Why a search that looks like a credit code cannot be one ('length', 'charset', 'check_digit')."""
    code = normalise(query_text)
    if code and (len(code) == 18 or (code[:1].isdigit() and code.isalnum() and len(code) >= 15)):
        return uscc_problem(code)
    return None


def changes(since: datetime | None = None, limit: int | None = None):
    query = sa.select(Change).order_by(Change.at.desc(), Change.id.desc())
    if since is not None:
        query = query.where(Change.at >= since)
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def change_row(change: Change) -> dict:
    return {
        "change_id": change.id,
        "change": change.kind.value,
        "changed_at": change.at.isoformat(),
        "note": change.note,
        **change.record,
    }


def listed_entries_for(credit_code=None, id_number=None) -> list[Entry]:
    """The published entries of an entity, by its credit code or ID number (the clerk's check)."""
    from odr.registry.findings import id_hash

    conditions = []
    if credit_code:
        conditions.append(Entry.credit_code == normalise(credit_code))
    if id_number:
        conditions.append(Entry.id_number_hash == id_hash(id_number))
    if not conditions:
        return []
    return db.session.scalars(
        sa.select(Entry)
        .where(Entry.state.in_(PUBLIC_STATES), sa.or_(*conditions))
        .order_by(Entry.published_at)
    ).all()


def listed_among(parties) -> set[int]:
    """The ids of those of PARTIES (case parties) whose entity is on the list now, in one query."""
    from odr.registry.findings import id_hash

    codes = {normalise(p.credit_code): p.id for p in parties if p.credit_code}
    hashes = {id_hash(p.id_number): p.id for p in parties if p.id_number}
    if not codes and not hashes:
        return set()
    rows = db.session.execute(
        sa.select(Entry.credit_code, Entry.id_number_hash).where(
            Entry.state.in_(PUBLIC_STATES),
            sa.or_(Entry.credit_code.in_(list(codes)), Entry.id_number_hash.in_(list(hashes))),
        )
    ).all()
    found = set()
    for code, hashed in rows:
        found |= {p.id for p in parties if (code and p.credit_code and normalise(p.credit_code) == code)}
        found |= {p.id for p in parties if (hashed and p.id_number and id_hash(p.id_number) == hashed)}
    return found


def counts_by_period(start: date, end: date) -> dict:
    """The list's figures for statistics and the annual report, for the days START to END (Beijing):
    entries published, objections lodged, entries removed after credit repair and at expiry in the
    period, and the entries on the list at its end."""
    from odr.deadlines.calendar import end_of_day

    lo = end_of_day(start - timedelta(days=1))  # 00:00 Beijing time of START
    hi = end_of_day(end)

    def count(query):
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

    changes_in = sa.select(Change).where(Change.at >= lo, Change.at < hi)
    removed = changes_in.where(Change.kind == ChangeKind.REMOVED).join(Entry)
    return {
        "published": count(changes_in.where(Change.kind == ChangeKind.PUBLISHED)),
        "under_objection": count(sa.select(Entry).where(Entry.objected_at >= lo, Entry.objected_at < hi)),
        "repaired": count(removed.where(Entry.removal_reason == RemovalReason.REPAIR)),
        "removed": count(removed.where(Entry.removal_reason == RemovalReason.EXPIRY)),
        "on_list_at_end": count(
            sa.select(Entry).where(
                Entry.published_at < hi, sa.or_(Entry.removed_at.is_(None), Entry.removed_at >= hi)
            )
        ),
    }
