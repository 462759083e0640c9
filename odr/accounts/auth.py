"""Password hashing and checking a sign-in."""

from enum import Enum

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from odr.accounts.models import User
from odr.core.db import utcnow
from odr.extensions import db


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    """Whether PASSWORD is USER's; rehashes when the cost settings changed."""
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


class LoginOutcome(Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    INACTIVE = "inactive"


def authenticate(email: str, password: str) -> tuple[LoginOutcome, User | None]:
    """Check EMAIL and PASSWORD. Failures are not counted on the account (nobody can lock another
    out by knowing their e-mail): the sign-in log slows guessing down instead (``sessions.wait``)."""
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        _hasher().hash(password)  # same cost whether or not the account exists
        return LoginOutcome.BAD_CREDENTIALS, None
    if not check_password(user, password):
        return LoginOutcome.BAD_CREDENTIALS, user
    if not user.active:
        return LoginOutcome.INACTIVE, user
    user.last_login_at = utcnow()
    from odr.accounts.passwords import weakness

    if weakness(password, [user.email, user.name]):
        user.password_change_required = True
    return LoginOutcome.OK, user
