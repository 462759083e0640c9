"""Two-factor sign-in: a time-based one-time code (TOTP, RFC 6238, with pyotp) from an
authenticator app, and single-use recovery codes for a lost phone.

Anyone may turn it on under *My account*; the roles named in ``TWO_FACTOR_REQUIRED_ROLES`` must
(administrators and court liaison officers in production, whose accounts reach many cases).
"""

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from odr.accounts.models import User
from odr.audit.operations import record
from odr.core.db import UTCDateTime, utcnow
from odr.core.failures import UserError
from odr.extensions import db

ISSUER = "Wuzhou IP ODR"
RECOVERY_CODES = 10


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TwoFactorError(UserError):
    """A two-factor step that cannot be taken; the message is shown to the user."""


def required_for(user: User) -> bool:
    """Whether USER's roles oblige them to sign in with a second factor."""
    roles = {r.strip() for r in current_app.config.get("TWO_FACTOR_REQUIRED_ROLES", []) if r.strip()}
    return any(role.value in roles for role in user.roles)


def enabled(user: User) -> bool:
    return user.totp_secret is not None


def new_secret() -> str:
    return pyotp.random_base32()


def qr_data_uri(user: User, secret: str) -> str:
    """The secret as a QR code an authenticator app scans (an SVG data URI)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=5)


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _check_totp(secret: str, code: str, last_counter: int | None) -> int | None:
    """The time step CODE belongs to (the current one or its neighbour), unless already used."""
    code = _normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for offset in (0, -1, 1):
        counter = totp.timecode(now) + offset
        if hmac.compare_digest(totp.generate_otp(counter), code):
            if last_counter is not None and counter <= last_counter:
                return None  # a code is used once
            return counter
    return None


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on once CODE shows the app holds SECRET; returns the recovery codes."""
    counter = _check_totp(secret, code, None)
    if counter is None:
        raise TwoFactorError(
            _l("That code is not right. Check the time on your phone and enter the current code.")
        )
    user.totp_secret = secret
    user.totp_last_counter = counter
    record("two_factor_enabled", user, actor=user)
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace USER's recovery codes with fresh ones, shown once; only their hashes are kept."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    db.session.flush()
    record("two_factor_recovery_codes_issued", user, actor=user, details={"count": len(codes)})
    return codes


def disable(user: User, actor: User):
    if required_for(user) and actor.id == user.id:
        raise TwoFactorError(_l("Your role requires two-factor sign-in; it cannot be turned off."))
    user.totp_secret = None
    user.totp_last_counter = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record("two_factor_disabled", user, actor=actor)


def verify(user: User, code: str) -> bool:
    """Whether CODE is USER's current one-time code or an unused recovery code (then used up)."""
    counter = _check_totp(user.totp_secret, code, user.totp_last_counter)
    if counter is not None:
        user.totp_last_counter = counter
        return True
    row = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = utcnow()
    record("two_factor_recovery_code_used", user, actor=user)
    return True


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
