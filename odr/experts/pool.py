"""What changes the pool itself: expert profiles, availability, declared ties, training."""

from flask_babel import lazy_gettext as _l

from odr.accounts.models import Role, User
from odr.accounts.operations import AccountError, create_staff_user
from odr.audit.operations import record
from odr.core.identifiers import normalise
from odr.experts.models import (
    ExpertAffiliation,
    ExpertProfile,
    ExpertStatus,
    ExpertTraining,
    ExpertUnavailability,
)
from odr.experts.models.profile import name_key
from odr.extensions import db

EXPERT_ROLES = (Role.MEDIATOR, Role.ARBITRATOR, Role.TECHNICAL_INVESTIGATOR)
PROFILE_FIELDS = (
    "title",
    "bio",
    "specialties",
    "industries",
    "technical_fields",
    "languages",
    "station_id",
    "max_open_cases",
)


def create_expert(
    *, email, name, password, roles, organisation=None, phone=None, actor=None, **profile
) -> User:
    """A new expert: an account holding expert roles, and its profile."""
    roles = [Role(r) for r in roles]
    if not roles or any(r not in EXPERT_ROLES for r in roles):
        raise AccountError(_l("An expert serves as mediator, arbitrator or technical investigator."))
    user = create_staff_user(
        email=email,
        password=password,
        name=name,
        roles=roles,
        organisation=organisation,
        phone=phone,
        actor=actor,
    )
    expert = ExpertProfile(user=user, **{k: v for k, v in profile.items() if k in PROFILE_FIELDS})
    db.session.add(expert)
    db.session.flush()
    record("expert.created", expert, actor=actor, details=_profile_details(expert))
    return user


def profile_of(user: User) -> ExpertProfile:
    """USER's expert profile, created empty on first use for an account that holds an expert role."""
    if user.expert_profile is None:
        user.expert_profile = ExpertProfile(user=user)
        db.session.flush()
    return user.expert_profile


def update_profile(
    expert: ExpertProfile, *, actor, roles=None, name=None, phone=None, organisation=None, **fields
):
    user = expert.user
    if name:
        user.name = name
    user.phone = phone
    user.organisation = organisation
    if roles is not None:
        wanted = {Role(r) for r in roles}
        for row in list(user.role_rows):
            if row.role in EXPERT_ROLES and row.role not in wanted:
                user.role_rows.remove(row)
        for role in wanted:
            user.add_role(role)
    for key, value in fields.items():
        if key in PROFILE_FIELDS:
            setattr(expert, key, value)
    db.session.flush()
    record("expert.updated", expert, actor=actor, details=_profile_details(expert))


def suspend(expert: ExpertProfile, actor, reason: str):
    expert.status = ExpertStatus.SUSPENDED
    expert.suspension_reason = reason.strip()
    record("expert.suspended", expert, actor=actor, details={"reason": expert.suspension_reason})


def reinstate(expert: ExpertProfile, actor):
    expert.status = ExpertStatus.ACTIVE
    expert.suspension_reason = None
    record("expert.reinstated", expert, actor=actor)


def add_unavailability(expert: ExpertProfile, actor, *, starts_on, ends_on, reason=None):
    period = ExpertUnavailability(profile=expert, starts_on=starts_on, ends_on=ends_on, reason=reason or None)
    db.session.add(period)
    db.session.flush()
    record(
        "expert.unavailability_added",
        expert,
        actor=actor,
        details={"id": period.id, "from": starts_on.isoformat(), "until": ends_on.isoformat()},
    )
    return period


def add_affiliation(
    expert: ExpertProfile, actor, *, kind, entity_name, credit_code=None, starts_on=None, ends_on=None
):
    tie = ExpertAffiliation(
        profile=expert,
        kind=kind,
        entity_name=entity_name.strip(),
        name_key=name_key(entity_name),
        credit_code=normalise(credit_code) or None,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(tie)
    db.session.flush()
    record(
        "expert.affiliation_declared",
        expert,
        actor=actor,
        details={"id": tie.id, "kind": str(kind), "entity": tie.entity_name, "credit_code": tie.credit_code},
    )
    return tie


def add_training(expert: ExpertProfile, actor, *, course, completed_on, hours):
    entry = ExpertTraining(
        profile=expert, course=course.strip(), completed_on=completed_on, year=completed_on.year, hours=hours
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "expert.training_recorded",
        expert,
        actor=actor,
        details={"id": entry.id, "course": entry.course, "hours": str(hours)},
    )
    return entry


def remove(expert: ExpertProfile, actor, item):
    """Remove an unavailability period, a declared tie or a training entry of EXPERT."""
    if item.profile_id != expert.id:
        raise AccountError(_l("This entry belongs to another expert."))
    record(f"expert.{item.__tablename__}_removed", expert, actor=actor, details={"id": item.id})
    db.session.delete(item)


def _profile_details(expert):
    return {
        k: getattr(expert, k)
        for k in (
            "specialties",
            "industries",
            "technical_fields",
            "languages",
            "station_id",
            "max_open_cases",
        )
    }
