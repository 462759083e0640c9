"""Who else may see a case, and in what capacity they act on it.

Other parts of the platform (the expert pool, later the court) register here, so the cases
package needs to know nothing of their tables. Each rule gives, for a user, SQL conditions on
``cases`` (for lists) and the capacities the user holds in one case (for pages and actions).

A page asks about the same case many times (the case page, each of its panels, each button):
the answer is decided once per request and kept until the request writes something, since a
write (accepting a seat, a court's acceptance) may change it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AccessRule:
    # user -> SQL condition on Case, a list of them (each served by its own index), or None
    clause: Callable
    capacities: Callable  # (case, user) -> set of workflow capacities


_RULES: list[AccessRule] = []


def register(rule: AccessRule):
    if rule not in _RULES:
        _RULES.append(rule)


def clauses(user):
    """Each condition under which another part of the platform lets USER see a case."""
    found = []
    for rule in _RULES:
        clause = rule.clause(user)
        if clause is None:
            continue
        found.extend(clause if isinstance(clause, list | tuple) else [clause])
    return found


def _cache():
    if not has_app_context():
        return None
    if "odr_access" not in g:
        g.odr_access = {}
    return g.odr_access


def capacities(case, user) -> set:
    cache = _cache()
    key = (case.id, getattr(user, "id", None))
    if cache is not None and case.id is not None and key in cache:
        return set(cache[key])
    held = set()
    for rule in _RULES:
        held |= rule.capacities(case, user)
    if cache is not None and case.id is not None:
        cache[key] = frozenset(held)
    return held


def admitted(case, user) -> bool:
    return bool(user is not None and user.is_authenticated and capacities(case, user))


def forget(*_args, **_kw):
    """Drop what was decided: the data it rests on may have changed."""
    if has_app_context():
        g.pop("odr_access", None)


for _event in ("after_flush", "after_commit", "after_soft_rollback"):
    if not sa.event.contains(Session, _event, forget):
        sa.event.listen(Session, _event, forget)
