"""Import an expert pool from CSV, reporting every row that could not be taken and why."""

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from odr.accounts.models import Organisation, Role
from odr.accounts.operations import AccountError, email_taken
from odr.cases.models import Industry, IPType
from odr.core.identifiers import uscc_problem
from odr.experts import pool
from odr.experts.models import AffiliationKind, Language, TechnicalField
from odr.extensions import db

COLUMNS = [
    "email",
    "name",
    "roles",
    "organisation",
    "phone",
    "title",
    "specialties",
    "industries",
    "technical_fields",
    "languages",
    "station",
    "max_open_cases",
    "affiliations",
    "password",
]
REQUIRED = ("email", "name", "roles")


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def lines(self):
        yield f"Imported {len(self.imported)} experts; rejected {len(self.rejected)} rows."
        for row, reason in self.rejected:
            yield f"  row {row}: {reason}"


def _codes(value, enum_cls, column):
    codes = [c.strip() for c in (value or "").split(";") if c.strip()]
    allowed = {m.value for m in enum_cls}
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ValueError(
            f"unknown {column} {', '.join(repr(u) for u in unknown)} (use {', '.join(sorted(allowed))})"
        )
    return codes


def _organisation(name, column):
    if not name:
        return None
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name.strip()))
    if org is None:
        raise ValueError(f"no organisation named {name!r} ({column})")
    return org


def _affiliations(value):
    """'client:某公司:9145...;employer:某律所' → [(kind, name, credit code or None)]"""
    ties = []
    for item in (value or "").split(";"):
        if not item.strip():
            continue
        parts = [p.strip() for p in item.split(":")]
        if len(parts) not in (2, 3) or not parts[1]:
            raise ValueError(f"affiliation {item!r} is not kind:name or kind:name:credit code")
        if parts[0] not in {k.value for k in AffiliationKind}:
            raise ValueError(f"unknown affiliation kind {parts[0]!r}")
        code = parts[2] if len(parts) == 3 and parts[2] else None
        if code and uscc_problem(code):
            raise ValueError(f"credit code {code!r} of {parts[1]} is not valid ({uscc_problem(code)})")
        ties.append((parts[0], parts[1], code))
    return ties


def parse_row(row: dict, default_password: str | None) -> dict:
    """Check one row; raise ValueError saying what is wrong."""
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    try:
        email = validate_email(row["email"].strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValueError(f"e-mail {row['email']!r} is not valid: {error}") from None
    if email_taken(email):
        raise ValueError(f"an account with the e-mail {email} already exists")
    roles = _codes(row["roles"], Role, "role")
    if any(Role(r) not in pool.EXPERT_ROLES for r in roles):
        raise ValueError("roles must be mediator, arbitrator or technical_investigator")
    password = (row.get("password") or "").strip() or default_password
    if not password:
        raise ValueError("no password (give a password column or --default-password)")
    cap = (row.get("max_open_cases") or "8").strip()
    if not (cap.isascii() and cap.isdigit()) or not 1 <= int(cap) <= 100:
        raise ValueError(f"max_open_cases {cap!r} is not a whole number from 1 to 100")
    station = _organisation(row.get("station"), "station")
    return {
        "email": email,
        "name": row["name"].strip(),
        "roles": roles,
        "password": password,
        "organisation": _organisation(row.get("organisation"), "organisation"),
        "phone": (row.get("phone") or "").strip() or None,
        "title": (row.get("title") or "").strip() or None,
        "specialties": _codes(row.get("specialties"), IPType, "specialty"),
        "industries": _codes(row.get("industries"), Industry, "industry"),
        "technical_fields": _codes(row.get("technical_fields"), TechnicalField, "technical field"),
        "languages": _codes(row.get("languages"), Language, "language") or ["zh"],
        "station_id": station.id if station else None,
        "max_open_cases": int(cap),
        "affiliations": _affiliations(row.get("affiliations")),
    }


def import_csv(text: str, *, default_password=None, actor=None) -> ImportReport:
    """Import every valid row (each in its own savepoint); the caller commits."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    unknown = [c for c in (reader.fieldnames or []) if c not in COLUMNS]
    if not reader.fieldnames or any(c not in reader.fieldnames for c in REQUIRED):
        report.rejected.append(
            (1, f"the header must name at least {', '.join(REQUIRED)}; columns: {', '.join(COLUMNS)}")
        )
        return report
    if unknown:
        report.rejected.append((1, f"unknown columns ignored: {', '.join(unknown)}"))
    seen = set()
    for number, row in enumerate(reader, start=2):
        try:
            data = parse_row(row, default_password)
            if data["email"] in seen:
                raise ValueError(f"the e-mail {data['email']} appears twice in the file")
            seen.add(data["email"])
            ties = data.pop("affiliations")
            with db.session.begin_nested():
                user = pool.create_expert(actor=actor, **data)
                for kind, name, code in ties:
                    pool.add_affiliation(
                        user.expert_profile, actor, kind=kind, entity_name=name, credit_code=code
                    )
        except (ValueError, AccountError) as error:
            report.rejected.append((number, str(error)))
            continue
        report.imported.append(data["email"])
    return report
