"""Who else may see a case, and in what capacity they act on it.

Other parts of the platform (the expert pool, later the court) register here, so the cases
package needs to know nothing of their tables. Each rule gives, for a user, a SQL condition on
``cases`` (for lists) and the capacities the user holds in one case (for pages and actions).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessRule:
    clause: Callable  # user -> SQL condition on Case, or None
    capacities: Callable  # (case, user) -> set of workflow capacities


_RULES: list[AccessRule] = []


def register(rule: AccessRule):
    if rule not in _RULES:
        _RULES.append(rule)


def clauses(user):
    return [c for c in (rule.clause(user) for rule in _RULES) if c is not None]


def capacities(case, user) -> set:
    held = set()
    for rule in _RULES:
        held |= rule.capacities(case, user)
    return held


def admitted(case, user) -> bool:
    return bool(user is not None and user.is_authenticated and capacities(case, user))
