"""Agents acting for a party under a power of attorney: filed by the party, approved by the clerk.

Civil Procedure Law art. 62: an agent with general authority may act in the proceedings; to admit,
waive or change claims, settle, or apply for confirmation the power must grant special authority.
Here that is signing an agreement and applying for (or joining an application for) judicial
confirmation: ``require_special_authority`` refuses those acts with the reason.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.accounts.models import PartyKind, User
from odr.audit.operations import record
from odr.cases.models import AttorneyScope, Case, CaseParty, CaseState, PowerOfAttorney, PowerState
from odr.core import storage
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.extensions import db

DOCUMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")
CLOSED_STATES = (CaseState.REFUSED, CaseState.WITHDRAWN, CaseState.CLOSED)


class AttorneyError(UserError):
    """A step with a power of attorney that cannot be taken; the message is shown to the user."""


def principal_party(case: Case, user) -> CaseParty | None:
    """USER's own party in CASE (not one they act for as an agent)."""
    if user is None or not user.is_authenticated:
        return None
    return next((p for p in case.parties if p.user_id == user.id), None)


def file_power(case: Case, principal: User, *, agent_email: str, scope, filename: str, data: bytes):
    """A party names its agent and uploads the power of attorney; the clerk will decide on it."""
    party = principal_party(case, principal)
    if party is None:
        raise AttorneyError(_l("Only a party itself appoints its agents."))
    if case.state in CLOSED_STATES:
        raise AttorneyError(_l("This case is closed."))
    agent = db.session.scalar(sa.select(User).where(User.email == (agent_email or "").strip().lower()))
    if agent is None or not agent.active:
        raise AttorneyError(
            _l("No account uses the e-mail %(email)s. Ask your agent to register first.", email=agent_email)
        )
    if agent.party_kind != PartyKind.PERSON or not agent.identity_verified:
        raise AttorneyError(
            _l(
                "%(name)s's identity has not been verified yet. An agent registers as a person and has their"
                " identity document checked by a clerk before acting for a party.",
                name=agent.name,
            )
        )
    if case.party_of(agent) is not None or any(p.user_id == agent.id for p in case.parties):
        raise AttorneyError(_l("%(name)s already acts in this case.", name=agent.name))
    if any(a.agent_id == agent.id and a.state == PowerState.PENDING for a in party.powers):
        raise AttorneyError(
            _l("A power of attorney for %(name)s is already waiting for the clerk.", name=agent.name)
        )
    if not data:
        raise AttorneyError(_l("Upload the signed power of attorney."))
    stored = storage.store(
        data, allowed=DOCUMENT_TYPES, refusal=_l("Upload the power of attorney as a PDF, PNG or JPEG file.")
    )
    power = PowerOfAttorney(
        party=party,
        agent=agent,
        scope=AttorneyScope(scope),
        filename=storage.safe_filename(filename, "power-of-attorney"),
        sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        submitted_by=principal,
    )
    db.session.add(power)
    db.session.flush()
    record(
        "case.power_of_attorney_filed",
        power,
        case=case,
        actor=principal,
        details={
            "party_id": party.id,
            "agent_id": agent.id,
            "scope": power.scope.value,
            "filename": power.filename,
            "sha256": power.sha256,
            "size": power.size,
        },
    )
    return power


def decide(power: PowerOfAttorney, clerk: User, *, approve: bool, scope, reason: str):
    """The clerk of the case approves the power with the scope its text grants, or rejects it."""
    case = power.party.case
    if not case.is_clerk_of(clerk):
        raise AttorneyError(_l("Only the clerk of the case decides on powers of attorney."))
    if power.state != PowerState.PENDING:
        raise AttorneyError(_l("This power of attorney has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise AttorneyError(_l("Give the reason for your decision; it is kept with it."))
    power.state = PowerState.APPROVED if approve else PowerState.REJECTED
    if approve and scope:
        power.scope = AttorneyScope(scope)
    power.decided_by = clerk
    power.decided_at = utcnow()
    power.reason = reason
    record(
        "case.power_of_attorney_approved" if approve else "case.power_of_attorney_rejected",
        power,
        case=case,
        actor=clerk,
        details={"agent_id": power.agent_id, "scope": power.scope.value, "reason": reason},
    )


def revoke(power: PowerOfAttorney, user: User, reason: str):
    """The party (or the clerk) ends a power of attorney; the agent no longer acts in the case."""
    case = power.party.case
    if power.party.user_id != user.id and not case.is_clerk_of(user):
        raise AttorneyError(_l("Only the party or the clerk revokes a power of attorney."))
    if power.state not in (PowerState.PENDING, PowerState.APPROVED):
        raise AttorneyError(_l("This power of attorney is no longer in force."))
    reason = (reason or "").strip() or str(_l("Revoked by the party."))
    power.state = PowerState.REVOKED
    power.decided_by = user
    power.decided_at = utcnow()
    power.reason = reason
    record(
        "case.power_of_attorney_revoked",
        power,
        case=case,
        actor=user,
        details={"agent_id": power.agent_id, "reason": reason},
    )


ACTS = {
    "sign": _l("signing the settlement agreement"),
    "apply_confirmation": _l("applying for judicial confirmation"),
    "join_confirmation": _l("consenting to the application for judicial confirmation"),
}


def require_special_authority(case: Case, user, act: str):
    """Refuse ACT to an agent whose power grants general authority only (CPL art. 62)."""
    if principal_party(case, user) is not None:
        return
    power = case.power_of(user)
    if power is not None and power.scope != AttorneyScope.SPECIAL:
        raise AttorneyError(
            _l(
                "You act for %(party)s with general authority only; %(act)s needs special authority in the"
                " power of attorney (Civil Procedure Law art. 62). Ask %(party)s to do it, or to file a power"
                " of attorney granting special authority.",
                party=power.party.name,
                act=ACTS[act],
            )
        )


def is_agent(case: Case, user) -> bool:
    return principal_party(case, user) is None and case.power_of(user) is not None
