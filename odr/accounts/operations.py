"""What changes accounts and organisations."""

from flask_babel import gettext as _

from odr.accounts.auth import hash_password
from odr.accounts.models import Organisation, OrgKind, PartyKind, Role, User
from odr.audit.operations import record
from odr.core.identifiers import normalise
from odr.extensions import db


class AccountError(ValueError):
    """A request that cannot be carried out; the message is shown to the user."""


def email_taken(email: str) -> bool:
    return db.session.scalar(db.select(User.id).where(User.email == email.strip().lower())) is not None


def register_party(
    *, email, password, name, party_kind, phone, locale, id_number=None, credit_code=None, contact_name=None
) -> User:
    """Create the account of a party (a person or a company) who registers themselves."""
    party_kind = PartyKind(party_kind)
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        name=name.strip(),
        phone=phone,
        locale=locale,
        party_kind=party_kind,
        id_number=normalise(id_number) if party_kind == PartyKind.PERSON else None,
        credit_code=normalise(credit_code) if party_kind == PartyKind.COMPANY else None,
        contact_name=contact_name if party_kind == PartyKind.COMPANY else None,
    )
    user.add_role(Role.PARTY)
    db.session.add(user)
    db.session.flush()
    record("user_registered", user, actor=user, details={"party_kind": party_kind.value})
    return user


def create_staff_user(
    *, email, password, name, roles, organisation=None, phone=None, locale="zh_CN", actor=None
) -> User:
    """Create a staff or expert account (clerk, mediator, ..., admin)."""
    if email_taken(email):
        raise AccountError(_("An account with the e-mail %(email)s already exists.", email=email))
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        name=name.strip(),
        phone=phone,
        locale=locale,
        organisation=organisation,
    )
    for role in roles:
        user.add_role(Role(role))
    db.session.add(user)
    db.session.flush()
    record(
        "staff_account_created",
        user,
        actor=actor,
        details={"roles": sorted(r.value for r in user.roles), "organisation_id": user.organisation_id},
    )
    return user


def change_password(user: User, new_password: str, *, keep=None):
    """USER's new password; every other session and keep-me-signed-in token of USER ends (KEEP, the
    browser where the change was made, stays signed in with a fresh token)."""
    from odr.accounts import sessions

    user.password_hash = hash_password(new_password)
    user.password_change_required = False
    record("password_changed", user, actor=user)
    sessions.end_all(user, "password_changed", actor=user, keep=keep)
    if keep is not None:
        sessions.renew(keep)


def set_locale(user: User, locale: str):
    user.locale = locale


def create_organisation(*, name, kind, name_en=None, region=None, address=None, actor=None) -> Organisation:
    if db.session.scalar(db.select(Organisation.id).where(Organisation.name == name.strip())):
        raise AccountError(_("An organisation named %(name)s already exists.", name=name))
    org = Organisation(name=name.strip(), name_en=name_en, kind=OrgKind(kind), region=region, address=address)
    db.session.add(org)
    db.session.flush()
    record("organisation_created", org, actor=actor, details={"name": org.name, "kind": org.kind.value})
    return org


def set_user_active(user: User, active: bool, actor=None):
    """Activate or suspend USER; a suspension ends every session and room connection of theirs."""
    from odr.accounts import sessions

    user.active = active
    record("account_activated" if active else "account_suspended", user, actor=actor)
    if not active:
        sessions.end_all(user, "suspended", actor=actor)
