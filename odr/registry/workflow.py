"""The list entry's workflow as data: which action moves an entry from which state, and who may take it.

Anything not in TRANSITIONS is refused by ``apply``; every move is recorded on the audit chain.
"""

from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.core.failures import UserError
from odr.core.labels import LabelledEnum
from odr.registry.models import EntryState as S


class Capacity(LabelledEnum):
    OFFICER = "officer", _l("Credit officer")
    ENTITY = "entity", _l("The listed entity")
    SYSTEM = "system", _l("The platform")


class Action(LabelledEnum):
    PROPOSE = "propose", _l("Proposed as a candidate")
    REVIEW = "review", _l("Taken under review")
    NOTIFY = "notify", _l("Entity notified; objection period started")
    OBJECT = "object", _l("Entity objected")
    DISMISS_OBJECTION = "dismiss_objection", _l("Objection dismissed with reasons; published")
    UPHOLD_CORRECT = "uphold_correct", _l("Objection upheld: corrected and published")
    UPHOLD_WITHDRAW = "uphold_withdraw", _l("Objection upheld: withdrawn")
    PUBLISH = "publish", _l("Published after the objection period")
    WITHDRAW = "withdraw", _l("Not listed (withdrawn with reasons)")
    CORRECT = "correct", _l("Published entry corrected")
    EXPIRE = "expire", _l("Removed at the end of the publication period")
    REPAIR = "repair", _l("Removed after credit repair")
    ARCHIVE = "archive", _l("Archived")


C = Capacity
OFFICER = frozenset({C.OFFICER})

TRANSITIONS: dict[tuple[S, Action], tuple[S, frozenset[Capacity]]] = {
    (S.CANDIDATE, Action.REVIEW): (S.UNDER_REVIEW, OFFICER),
    (S.CANDIDATE, Action.WITHDRAW): (S.WITHDRAWN, OFFICER),
    (S.UNDER_REVIEW, Action.NOTIFY): (S.NOTIFIED, OFFICER),
    (S.UNDER_REVIEW, Action.WITHDRAW): (S.WITHDRAWN, OFFICER),
    # The entity (or the officer recording an objection received on paper) objects in time.
    (S.NOTIFIED, Action.OBJECT): (S.OBJECTED, frozenset({C.ENTITY, C.OFFICER})),
    # Nobody objected in time: the platform publishes when the period ends (a stored deadline).
    (S.NOTIFIED, Action.PUBLISH): (S.PUBLISHED, frozenset({C.SYSTEM, C.OFFICER})),
    (S.NOTIFIED, Action.WITHDRAW): (S.WITHDRAWN, OFFICER),
    (S.OBJECTED, Action.DISMISS_OBJECTION): (S.PUBLISHED, OFFICER),
    (S.OBJECTED, Action.UPHOLD_CORRECT): (S.PUBLISHED, OFFICER),
    (S.OBJECTED, Action.UPHOLD_WITHDRAW): (S.WITHDRAWN, OFFICER),
    (S.PUBLISHED, Action.CORRECT): (S.PUBLISHED, OFFICER),
    (S.PUBLISHED, Action.EXPIRE): (S.REMOVED, frozenset({C.SYSTEM})),
    (S.PUBLISHED, Action.REPAIR): (S.REMOVED, OFFICER),
    (S.REMOVED, Action.ARCHIVE): (S.ARCHIVED, frozenset({C.SYSTEM, C.OFFICER})),
    (S.WITHDRAWN, Action.ARCHIVE): (S.ARCHIVED, frozenset({C.SYSTEM, C.OFFICER})),
}


class TransitionError(UserError):
    """An act the workflow does not allow; the message is shown to the user."""


def check(entry, action, capacity) -> S:
    """The state ACTION leads ENTRY to when taken in CAPACITY; TransitionError if not allowed."""
    action, capacity = Action(action), Capacity(capacity)
    allowed = TRANSITIONS.get((entry.state, action))
    if allowed is None:
        raise TransitionError(
            _l("This cannot be done while the entry is “%(state)s”.", state=entry.state.label)
        )
    target, capacities = allowed
    if capacity not in capacities:
        raise TransitionError(_l("Only a credit officer may do this."))
    return target


def apply(entry, action, *, actor, capacity, details=None):
    """Move ENTRY by ACTION and record it on the audit chain."""
    target = check(entry, action, capacity)
    source = entry.state
    entry.state = target
    record(
        f"registry.{Action(action).value}",
        entry,
        actor=actor,
        details={
            "from": source.value,
            "to": target.value,
            "capacity": Capacity(capacity).value,
            **(details or {}),
        },
    )
    return target
