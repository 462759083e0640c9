"""Exports of the list for the credit platforms (信用中国, the credit reference system): the published
entries, or the changes since a date, as CSV or JSON, each with a manifest carrying the file's SHA-256
and the audit chain's position and hash at the export (docs/registry-export.md)."""

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime, time

import sqlalchemy as sa

from odr.audit.models import AuditEntry
from odr.audit.operations import record
from odr.core.db import utcnow
from odr.core.timeutil import SHANGHAI, local
from odr.extensions import db
from odr.registry import public

CHANGE_COLUMNS = ("change_id", "change", "changed_at", "note", *public.COLUMNS)
WHAT = ("entries", "changes")
FORMATS = ("csv", "json")


def _rows(what: str, since: date | None) -> tuple[list[dict], tuple]:
    if what == "entries":
        entries = db.session.scalars(public.published()).all()
        return [public.export_row(e) for e in reversed(entries)], public.COLUMNS
    start = datetime.combine(since, time(0), tzinfo=SHANGHAI)
    changes = sorted(public.changes(since=start), key=lambda c: (c.at, c.id))
    return [public.change_row(c) for c in changes], CHANGE_COLUMNS


def _encode(rows, columns, fmt, meta) -> bytes:
    if fmt == "json":
        return json.dumps({**meta, "rows": rows}, ensure_ascii=False, indent=2).encode()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode()  # a BOM, so spreadsheet programs read the Chinese right


def _chain_anchor() -> dict:
    """The audit checkpoint the export rests on; the chain's head where checkpoints are not kept."""
    head = db.session.execute(
        sa.select(AuditEntry.position, AuditEntry.hash).order_by(AuditEntry.position.desc()).limit(1)
    ).first()
    return {"kind": "chain_head", "position": head.position, "hash": head.hash}


def build(what: str, fmt: str, since: date | None = None, *, actor=None) -> tuple[str, bytes, dict]:
    """The export file (name, bytes) and its manifest; the export itself is recorded on the audit chain,
    and the manifest names that entry, whose details carry the file's SHA-256."""
    if what not in WHAT or fmt not in FORMATS or (what == "changes" and since is None):
        raise ValueError("what: entries|changes (changes need since), format: csv|json")
    now = utcnow()
    rows, columns = _rows(what, since)
    stamp = local(now).strftime("%Y%m%dT%H%M%S")
    name = f"infringers-{what}-{stamp}.{fmt}"
    meta = {
        "schema": f"odr-infringers-{what}/{public.SCHEMA_VERSION}",
        "generated_at": now.isoformat(),
        "since": since.isoformat() if since else None,
    }
    data = _encode(rows, columns, fmt, meta)
    digest = hashlib.sha256(data).hexdigest()
    record(
        "registry.exported",
        None,
        actor=actor,
        object_type="registry_export",
        details={"file": name, "sha256": digest, "rows": len(rows), "what": what, "since": meta["since"]},
    )
    manifest = {
        **meta,
        "file": name,
        "format": fmt,
        "rows": len(rows),
        "columns": list(columns),
        "sha256": digest,
        "size": len(data),
        "audit": _chain_anchor(),
    }
    return name, data, manifest


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode()


def bundle(name: str, data: bytes, manifest: dict) -> bytes:
    """The file and its manifest in one zip, for the download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
        archive.writestr(name + ".manifest.json", manifest_bytes(manifest))
    return buffer.getvalue()
