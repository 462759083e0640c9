"""What credit officers, listed entities and the platform do to a list entry (DESIGN §9).

Each operation checks the move against the transition table, changes the entry, records it on the
audit chain and queues the notices; the request commits once.
"""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import PartyKind, Role, User, UserRole
from odr.core import storage
from odr.core.db import utcnow
from odr.core.timeutil import local_text
from odr.deadlines import limits
from odr.deadlines import operations as deadlines
from odr.deadlines.models import DeadlineKind
from odr.extensions import db
from odr.notifications.operations import TEXTS, notify
from odr.registry.findings import DOCUMENT_TYPES, RegistryError, id_hash
from odr.registry.models import (
    Change,
    ChangeKind,
    Entry,
    EntryState,
    RemovalReason,
    RepairApplication,
    RepairState,
)
from odr.registry.workflow import Action, Capacity, apply

TEXTS.update(
    {
        "registry.notified": _l(
            "The market regulator intends to publish %(name)s on the list of repeat and willful IP "
            "infringers. You may object with reasons on the platform until %(due)s."
        ),
        "registry.objected": _l("%(name)s objected to its listing; please decide the objection."),
        "registry.objection_decided": _l(
            "Your objection to the listing of %(name)s was decided; the decision and its reasons are on "
            "the notice page."
        ),
        "registry.published": _l("%(name)s is now published on the list of infringers until %(until)s."),
        "registry.repair_applied": _l("%(name)s applied for credit repair; please decide it."),
        "registry.repair_decided": _l(
            "Your application for credit repair of %(name)s was decided; the decision and its reasons are "
            "on the notice page."
        ),
        "registry.removed": _l("%(name)s was removed from the list of infringers."),
    }
)
NOTICE_CODES = (
    "registry.notified",
    "registry.objected",
    "registry.objection_decided",
    "registry.published",
    "registry.repair_applied",
    "registry.repair_decided",
    "registry.removed",
)


# ---- periods (DESIGN §7): counted by the platform's deadline engine and its legal calendar ----------


def days_end(start: datetime, days: int) -> datetime:
    """The objection period of DAYS from START: ends at 24:00 Beijing time of its last day, moved to the
    next working day when that is a rest day."""
    return limits.due(DeadlineKind.REGISTRY_OBJECTION, start, length=days)


def years_end(start: datetime, years: int) -> datetime:
    """The publication period of YEARS from START: ends at 24:00 of the corresponding date (or the next
    working day)."""
    return limits.due(DeadlineKind.REGISTRY_PUBLICATION, start, length=years)


# ---- who ------------------------------------------------------------------------------------


def is_officer(user) -> bool:
    return user is not None and user.is_authenticated and user.has_role(Role.CREDIT_OFFICER)


def officers() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.active.is_(True),
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == Role.CREDIT_OFFICER)),
            )
        )
    )


def entity_accounts(entry: Entry) -> list[User]:
    """The entity's verified accounts (odr.identity): a company's by its credit code, a person's by
    ID number. An account that merely registered with the number is not the entity."""
    query = sa.select(User).where(User.active.is_(True), User.verified_number.is_not(None))
    if entry.credit_code:
        users = db.session.scalars(query.where(User.verified_number == entry.credit_code)).all()
        if users:
            return list(users)
    if entry.id_number_hash:
        persons = db.session.scalars(query.where(User.party_kind == PartyKind.PERSON))
        return [u for u in persons if id_hash(u.verified_number) == entry.id_number_hash]
    return []


def is_entity(entry: Entry, user) -> bool:
    return user is not None and user.is_authenticated and any(u.id == user.id for u in entity_accounts(entry))


def _officer(user):
    if not is_officer(user):
        raise RegistryError(_l("Only a credit officer may do this."))


def _reasons(text, what=None) -> str:
    text = (text or "").strip()
    if not text:
        raise RegistryError(what or _l("Give the reasons."))
    return text


def _params(entry: Entry) -> dict:
    return {"name": entry.entity_name, "entry": entry.id}


# ---- the lifecycle ---------------------------------------------------------------------------


def start_review(entry: Entry, officer):
    _officer(officer)
    apply(entry, Action.REVIEW, actor=officer, capacity=Capacity.OFFICER)
    entry.reviewer = officer
    entry.review_started_at = utcnow()


def withdraw(entry: Entry, officer, *, reasons: str):
    """The officer decides not to list (the candidate does not meet the rules, or the decision fell)."""
    _officer(officer)
    reasons = _reasons(reasons)
    entry.withdrawal_reasons = reasons
    apply(entry, Action.WITHDRAW, actor=officer, capacity=Capacity.OFFICER, details={"reasons": reasons})
    deadlines.cancel(DeadlineKind.REGISTRY_OBJECTION, entry)


def notify_entity(entry: Entry, officer, *, service_record: str = ""):
    """Tell the entity (in-app and mail to its verified accounts, or by service the officer records)
    and start the objection period."""
    _officer(officer)
    accounts = entity_accounts(entry)
    service_record = (service_record or "").strip()
    if not accounts and not service_record:
        raise RegistryError(
            _l("The entity has no verified account on the platform: record how the notice was served.")
        )
    now = utcnow()
    entry.notified_at = now
    entry.notice_channel = "account" if accounts else "service"
    entry.service_record = service_record or None
    entry.objection_due_at = days_end(
        now, entry.rules.get("objection_days", current_app.config["REGISTRY_OBJECTION_DAYS"])
    )
    apply(
        entry,
        Action.NOTIFY,
        actor=officer,
        capacity=Capacity.OFFICER,
        details={
            "channel": entry.notice_channel,
            "accounts": [u.id for u in accounts],
            "service_record": entry.service_record,
            "objection_due_at": entry.objection_due_at.isoformat(),
        },
    )
    deadlines.create(DeadlineKind.REGISTRY_OBJECTION, entry, entry.objection_due_at)
    notify(accounts, "registry.notified", due=local_text(entry.objection_due_at), **_params(entry))


def object_to(entry: Entry, user, *, text: str):
    """The entity objects, with reasons, before the period ends (24:00 Beijing time of its last day)."""
    capacity = Capacity.OFFICER if is_officer(user) else Capacity.ENTITY
    if capacity == Capacity.ENTITY and not is_entity(entry, user):
        raise RegistryError(_l("Only the entity itself may object to its listing."))
    text = _reasons(text, _l("Write the grounds of the objection."))
    if entry.state == EntryState.NOTIFIED and utcnow() >= entry.objection_due_at:
        raise RegistryError(
            _l("The period to object ended on %(due)s.", due=local_text(entry.objection_due_at))
        )
    # Locks the deadline: an objection racing the sweep that publishes the entry is served after it
    # (and refused) or before it (and the sweep finds the deadline met).
    deadlines.check_in_time(DeadlineKind.REGISTRY_OBJECTION, entry, error=RegistryError)
    apply(entry, Action.OBJECT, actor=user, capacity=capacity, details={"text": text})
    entry.objection_text = text
    entry.objected_at = utcnow()
    deadlines.meet(DeadlineKind.REGISTRY_OBJECTION, entry, outcome="objected")
    notify([entry.reviewer] if entry.reviewer else officers(), "registry.objected", **_params(entry))


OBJECTION_DECISIONS = {
    "dismissed": Action.DISMISS_OBJECTION,
    "upheld_corrected": Action.UPHOLD_CORRECT,
    "upheld_withdrawn": Action.UPHOLD_WITHDRAW,
}


def decide_objection(entry: Entry, officer, *, decision: str, reasons: str, corrections: dict | None = None):
    """Dismiss the objection (published), uphold it and correct the entry (published), or uphold it
    and withdraw the entry; always with reasons."""
    _officer(officer)
    if decision not in OBJECTION_DECISIONS:
        raise RegistryError(_l("Choose how the objection is decided."))
    reasons = _reasons(reasons)
    action = OBJECTION_DECISIONS[decision]
    changed = _correct_fields(entry, corrections or {}) if action == Action.UPHOLD_CORRECT else {}
    if action == Action.UPHOLD_CORRECT and not changed:
        raise RegistryError(_l("Say what is corrected (the name, the legal representative or the basis)."))
    entry.objection_decision = decision
    entry.objection_reasons = reasons
    entry.objection_decided_at = utcnow()
    if action == Action.UPHOLD_WITHDRAW:
        entry.withdrawal_reasons = reasons
        apply(entry, action, actor=officer, capacity=Capacity.OFFICER, details={"reasons": reasons})
    else:
        _publish(entry, officer, action, details={"reasons": reasons, "corrected": changed})
    notify(entity_accounts(entry), "registry.objection_decided", **_params(entry))


def publish_after_period(entry: Entry, actor=None):
    """Publish ENTRY whose objection period ended without an objection (the sweep, or an officer)."""
    if actor is not None:
        _officer(actor)
    if entry.state == EntryState.NOTIFIED and utcnow() < entry.objection_due_at:
        raise RegistryError(
            _l("The period to object runs until %(due)s.", due=local_text(entry.objection_due_at))
        )
    _publish(entry, actor, Action.PUBLISH, details={})
    if actor is not None:  # the sweep closes the deadline it acts on itself
        deadlines.meet(DeadlineKind.REGISTRY_OBJECTION, entry, outcome="published")


def _publish(entry: Entry, actor, action, *, details):
    now = utcnow()
    entry.published_at = now
    entry.expires_at = years_end(
        now, entry.rules.get("publication_years", current_app.config["REGISTRY_PUBLICATION_YEARS"])
    )
    entry.publishing_authority = current_app.config["REGISTRY_PUBLISHING_AUTHORITY"]
    apply(
        entry,
        action,
        actor=actor,
        capacity=Capacity.OFFICER if actor is not None else Capacity.SYSTEM,
        details={**details, "published_at": now.isoformat(), "expires_at": entry.expires_at.isoformat()},
    )
    deadlines.create(DeadlineKind.REGISTRY_PUBLICATION, entry, entry.expires_at)
    _change(entry, ChangeKind.PUBLISHED, details.get("reasons", ""))
    notify(entity_accounts(entry), "registry.published", until=local_text(entry.expires_at), **_params(entry))


CORRECTABLE = ("entity_name", "legal_representative", "basis")


def _correct_fields(entry: Entry, corrections: dict) -> dict:
    changed = {}
    for name in CORRECTABLE:
        value = (corrections.get(name) or "").strip()
        if value and value != (getattr(entry, name) or ""):
            changed[name] = {"from": getattr(entry, name), "to": value}
            setattr(entry, name, value)
    return changed


def correct(entry: Entry, officer, *, reasons: str, corrections: dict):
    """Correct a published entry; the correction is published as a change."""
    _officer(officer)
    reasons = _reasons(reasons)
    changed = _correct_fields(entry, corrections)
    if not changed:
        raise RegistryError(_l("Nothing was changed."))
    apply(
        entry,
        Action.CORRECT,
        actor=officer,
        capacity=Capacity.OFFICER,
        details={"reasons": reasons, "corrected": changed},
    )
    _change(entry, ChangeKind.CORRECTED, reasons)


def expire(entry: Entry):
    """The publication period ended: the entry leaves the list (the sweep does this)."""
    entry.removed_at = utcnow()
    entry.removal_reason = RemovalReason.EXPIRY
    apply(entry, Action.EXPIRE, actor=None, capacity=Capacity.SYSTEM)
    _change(entry, ChangeKind.REMOVED, "公示期满移出")
    notify(entity_accounts(entry), "registry.removed", **_params(entry))


def apply_for_repair(entry: Entry, user, *, performance: str, commitment: str, filename: str, data: bytes):
    """信用修复: the listed entity applies with proof of performance and a written commitment."""
    if not is_entity(entry, user):
        raise RegistryError(_l("Only the listed entity may apply for credit repair."))
    if entry.state != EntryState.PUBLISHED:
        raise RegistryError(_l("Only a published entry can be repaired."))
    if entry.pending_repair is not None:
        raise RegistryError(_l("An application for credit repair is already awaiting a decision."))
    performance = _reasons(performance, _l("Describe how the decision was performed."))
    commitment = _reasons(commitment, _l("Write the commitment (信用承诺)."))
    if not data:
        raise RegistryError(_l("Attach the proof of performance."))
    stored = storage.store(
        data, allowed=DOCUMENT_TYPES, refusal=_l("The proof must be a PDF, PNG or JPEG file.")
    )
    application = RepairApplication(
        entry=entry,
        applicant_id=user.id,
        performance=performance,
        commitment=commitment,
        proof_name=storage.safe_filename(filename, "proof"),
        proof_sha256=stored.sha256,
    )
    db.session.add(application)
    db.session.flush()
    from odr.audit.operations import record

    record(
        "registry.repair_applied",
        entry,
        actor=user,
        details={"application": application.id, "proof_sha256": stored.sha256},
    )
    notify([entry.reviewer] if entry.reviewer else officers(), "registry.repair_applied", **_params(entry))
    return application


def decide_repair(application: RepairApplication, officer, *, grant: bool, reasons: str):
    """The officer grants (the entry is removed before its time) or refuses credit repair, with reasons."""
    _officer(officer)
    if application.state != RepairState.PENDING:
        raise RegistryError(_l("This application was already decided."))
    reasons = _reasons(reasons)
    entry = application.entry
    application.state = RepairState.GRANTED if grant else RepairState.REFUSED
    application.decided_by_id = officer.id
    application.decided_at = utcnow()
    application.decision_reasons = reasons
    if grant:
        entry.removed_at = utcnow()
        entry.removal_reason = RemovalReason.REPAIR
        apply(
            entry,
            Action.REPAIR,
            actor=officer,
            capacity=Capacity.OFFICER,
            details={"application": application.id, "reasons": reasons},
        )
        deadlines.cancel(DeadlineKind.REGISTRY_PUBLICATION, entry)
        _change(entry, ChangeKind.REMOVED, "信用修复移出：" + reasons)
    else:
        from odr.audit.operations import record

        record(
            "registry.repair_refused",
            entry,
            actor=officer,
            details={"application": application.id, "reasons": reasons},
        )
    notify(entity_accounts(entry), "registry.repair_decided", **_params(entry))


def archive(entry: Entry, officer=None):
    if officer is not None:
        _officer(officer)
    entry.archived_at = utcnow()
    apply(entry, Action.ARCHIVE, actor=officer, capacity=Capacity.OFFICER if officer else Capacity.SYSTEM)


def _change(entry: Entry, kind: ChangeKind, note: str):
    from odr.registry.public import export_row

    db.session.add(Change(entry=entry, kind=kind, at=utcnow(), note=note or "", record=export_row(entry)))
    db.session.flush()


# ---- the deadlines ----------------------------------------------------------------------------


@deadlines.action(DeadlineKind.REGISTRY_OBJECTION)
def objection_period_over(deadline):
    entry = db.session.get(Entry, deadline.object_id)
    if entry is None or entry.state != EntryState.NOTIFIED:
        return "nothing to do"
    publish_after_period(entry)
    return "no objection in time: published"


@deadlines.action(DeadlineKind.REGISTRY_PUBLICATION)
def publication_over(deadline):
    entry = db.session.get(Entry, deadline.object_id)
    if entry is None or entry.state != EntryState.PUBLISHED:
        return "nothing to do"
    expire(entry)
    return "publication period over: removed"
