"""Recording a user's acceptance of the documents in force."""

import sqlalchemy as sa

from odr.audit.operations import record
from odr.core.db import utcnow
from odr.extensions import db
from odr.policies.models import PolicyAcceptance

# The version in force of each document: the date it took effect. A change of either document gets a
# new date here, and the text of the old version stays in the page's history (templates/policies/).
VERSIONS = {"terms": "2026-12-01", "privacy": "2026-12-01"}


def accept_current(user, ip_address: str | None = None) -> list[PolicyAcceptance]:
    """USER accepts the terms and the personal information notice in force (at registration)."""
    now = utcnow()
    rows = []
    for document, version in VERSIONS.items():
        exists = db.session.scalar(
            sa.select(PolicyAcceptance).where(
                PolicyAcceptance.user_id == user.id,
                PolicyAcceptance.document == document,
                PolicyAcceptance.version == version,
            )
        )
        if exists is None:
            rows.append(
                PolicyAcceptance(
                    user_id=user.id,
                    document=document,
                    version=version,
                    accepted_at=now,
                    ip_address=ip_address,
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    if rows:
        record("policies.accepted", user, actor=user, details={r.document: r.version for r in rows})
    return rows


def accepted(user) -> dict[str, PolicyAcceptance]:
    """The latest version of each document USER accepted."""
    rows = db.session.scalars(
        sa.select(PolicyAcceptance)
        .where(PolicyAcceptance.user_id == user.id)
        .order_by(PolicyAcceptance.accepted_at, PolicyAcceptance.id)
    ).all()
    return {r.document: r for r in rows}
