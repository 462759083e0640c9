"""Password hashing and signing in, with lock-out after repeated failures."""

from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from odr.accounts.models import User
from odr.audit.operations import record
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
    LOCKED = "locked"
    INACTIVE = "inactive"


def authenticate(email: str, password: str) -> tuple[LoginOutcome, User | None]:
    """Check EMAIL and PASSWORD, counting failures; lock the account after too many."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    now = utcnow()
    if user is None:
        _hasher().hash(password)  # same cost whether or not the account exists
        return LoginOutcome.BAD_CREDENTIALS, None
    if user.locked_until and user.locked_until > now:
        return LoginOutcome.LOCKED, user
    if not check_password(user, password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
            user.failed_logins = 0
            record("account_locked", user, actor=user)
            return LoginOutcome.LOCKED, user
        return LoginOutcome.BAD_CREDENTIALS, user
    if not user.active:
        return LoginOutcome.INACTIVE, user
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return LoginOutcome.OK, user
