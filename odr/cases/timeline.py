"""The case page's timeline: what people did, and the platform's own entries named and grouped.

The audit chain keeps every entry; the timeline shows them as a reader needs them: each time limit
named (which limit started, was met or ran out, and until when), the same entry recorded twice in
one moment shown once, the platform's runs of entries folded into one group, and a filter to the
acts of people only.
"""

import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from odr.audit.labels import action_label
from odr.audit.operations import case_timeline
from odr.core.templating import local_datetime


@dataclass
class Item:
    when: datetime
    actor: object
    text: str

    @property
    def by_platform(self) -> bool:
        return self.actor is None


@dataclass
class Group:
    items: list = field(default_factory=list)

    @property
    def by_platform(self) -> bool:
        return True


def describe(entry) -> str:
    """The entry's label, with the time limit it concerns and its end when it names one."""
    text = str(action_label(entry.action))
    details = entry.data
    if entry.action.startswith("deadline.") and details.get("kind"):
        from odr.deadlines.models import DeadlineKind

        with contextlib.suppress(ValueError):
            text = f"{text}: {DeadlineKind(details['kind']).label}"
        due = details.get("due_at") or details.get("new_due_at")
        if due:
            with contextlib.suppress(TypeError, ValueError):
                text += " · " + _("until %(when)s", when=local_datetime(datetime.fromisoformat(due)))
    return text


def items(case_id, *, people_only=False) -> list:
    """The rows of CASE_ID's timeline, oldest first: Items, and Groups of the platform's entries."""
    rows: list = []
    previous_key = None
    for entry in case_timeline(case_id):
        if people_only and entry.actor_id is None:
            continue
        item = Item(entry.created_at, entry.actor, describe(entry))
        key = (entry.actor_id, item.text, entry.created_at.replace(second=0, microsecond=0))
        if key == previous_key:
            continue  # the same act recorded twice in the same minute
        previous_key = key
        if item.by_platform:
            if rows and isinstance(rows[-1], Group):
                rows[-1].items.append(item)
            else:
                rows.append(Group([item]))
        else:
            rows.append(item)
    # A group of one is just an entry.
    return [r.items[0] if isinstance(r, Group) and len(r.items) == 1 else r for r in rows]
