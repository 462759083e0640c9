"""A forgotten password: a single-use link, valid for a short time, stored only as a hash and sent
through the outbox; using it sets a new password and ends every session of the account."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.auth import hash_password
from odr.accounts.models import User
from odr.audit.operations import record
from odr.core.db import UTCDateTime, utcnow
from odr.core.failures import UserError
from odr.extensions import db


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    user: Mapped[User] = relationship()


class ResetError(UserError):
    """A reset link that cannot be used; the message is shown to the user."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str, ip: str | None = None) -> PasswordReset | None:
    """Send a reset link to EMAIL if an active account uses it; the caller answers the same either way."""
    from odr.core.web import external_url
    from odr.notifications.mail import queue_mail

    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.active:
        return None
    now = utcnow()
    db.session.execute(
        sa.update(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    reset = PasswordReset(
        user=user, token_hash=_hash(token), created_at=now, expires_at=now + timedelta(minutes=minutes), ip=ip
    )
    db.session.add(reset)
    db.session.flush()
    record("password_reset_requested", user, actor=None, details={"reset_id": reset.id, "ip": ip})
    with force_locale(user.locale or "zh_CN"):
        subject = _("Reset your password")
        body = "\n\n".join(
            [
                _(
                    "Open this link within %(minutes)d minutes to choose a new password for %(email)s;"
                    " it works once:",
                    email=user.email,
                    minutes=minutes,
                ),
                external_url("accounts.reset_password", token=token),
                _(
                    "Someone (we hope you) asked for it on the Wuzhou IP Dispute Resolution platform. If it"
                    " was not you, ignore this mail: your password stays as it is."
                ),
            ]
        )
    queue_mail(user.email, subject, body)
    return reset


def find_reset(token: str) -> PasswordReset:
    reset = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == _hash(token or "")))
    if reset is None or reset.revoked_at is not None or not reset.user.active:
        raise ResetError(_l("This reset link is not valid. Ask for a new one."))
    if reset.used_at is not None:
        raise ResetError(_l("This reset link has already been used. Ask for a new one if you need to."))
    if reset.expires_at <= utcnow():
        raise ResetError(_l("This reset link has expired. Ask for a new one."))
    return reset


def reset_password(reset: PasswordReset, new_password: str):
    """Set the new password, use the link up and end every session of the account."""
    from odr.accounts import sessions

    user = reset.user
    reset.used_at = utcnow()
    user.password_hash = hash_password(new_password)
    user.password_change_required = False
    record("password_reset", user, actor=user, details={"reset_id": reset.id})
    sessions.end_all(user, "password_reset", actor=user)
