"""Sign-in sessions kept on the server, so that signing out, a password change, a suspension or
"sign out everywhere" really ends them; keep-me-signed-in tokens; the sign-in log; and the room
connections each session holds, disconnected the moment their session ends.

The browser's session cookie carries only a random token whose SHA-256 is stored here; the
keep-me-signed-in cookie (at most 14 days, HttpOnly, SameSite=Lax, Secure in production) carries
the session's id and a second random token, also stored hashed. A cookie of an ended session opens
nothing.
"""

import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import after_this_request, current_app, g, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from odr.accounts.models import User
from odr.audit.operations import record
from odr.core.db import UTCDateTime, utcnow
from odr.extensions import db

REMEMBER_COOKIE = "odr_remember"
MAX_REMEMBER_DAYS = 14
TOUCH_EVERY = timedelta(minutes=1)
_AFTER_COMMIT = "odr_sockets_to_disconnect"
logger = logging.getLogger(__name__)


class LoginSession(db.Model):
    __tablename__ = "login_sessions"
    __table_args__ = (sa.Index("ix_login_sessions_user_active", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(sa.String(64))
    remember_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(30))

    user: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        if self.ended_at is not None:
            return False
        if self.remember_expires_at is not None and self.remember_expires_at > now:
            return True
        return self.last_seen_at + current_app.config["PERMANENT_SESSION_LIFETIME"] > now

    @property
    def device(self) -> str:
        return describe_device(self.user_agent)


class SignInAttempt(db.Model):
    """Every attempt to sign in, for the account page and for slowing down guessing."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        sa.Index("ix_sign_in_attempts_email_at", "email", "at"),
        sa.Index("ix_sign_in_attempts_ip_at", "ip", "at"),
        sa.Index("ix_sign_in_attempts_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)


class SocketConnection(db.Model):
    """An open Socket.IO connection and the login session it was opened with."""

    __tablename__ = "socket_connections"

    sid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("login_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def describe_device(user_agent: str | None) -> str:
    """A short name for the browser and system in USER_AGENT ("Chrome on Windows")."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for pattern, name in (
                (r"Edg/", "Edge"),
                (r"MicroMessenger", "WeChat"),
                (r"Firefox/", "Firefox"),
                (r"Chrom(e|ium)/", "Chrome"),
                (r"Safari/", "Safari"),
            )
            if re.search(pattern, ua)
        ),
        None,
    )
    system = next(
        (
            name
            for pattern, name in (
                (r"Android", "Android"),
                (r"iPhone|iPad", "iOS"),
                (r"Windows", "Windows"),
                (r"Mac OS X", "macOS"),
                (r"Linux", "Linux"),
            )
            if re.search(pattern, ua)
        ),
        None,
    )
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or (ua[:60] or "?")


def _remember_days() -> int:
    return min(int(current_app.config.get("REMEMBER_DAYS", MAX_REMEMBER_DAYS)), MAX_REMEMBER_DAYS)


# Starting and restoring a session -----------------------------------------------------------------


def start(user: User, *, remember: bool = False) -> LoginSession:
    """Open a server-side session for USER in this browser (and, if asked, a keep-me-signed-in token)."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        user=user,
        token_hash=_hash(token),
        created_at=now,
        last_seen_at=now,
        ip=request.remote_addr if has_request_context() else None,
        user_agent=(request.user_agent.string[:300] if has_request_context() else None),
    )
    db.session.add(row)
    if remember:
        secret = secrets.token_urlsafe(32)
        row.remember_hash = _hash(secret)
        row.remember_expires_at = now + timedelta(days=_remember_days())
    db.session.flush()
    if has_request_context():
        session["sid"] = token
        g.login_session = row
        if remember:
            value = f"{row.id}:{secret}"

            @after_this_request
            def _set_cookie(response):
                _set_remember_cookie(response, value)
                return response

    return row


def token_for_test(user: User) -> str:
    """A session token for USER without a request: what a test client puts in its session cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user=user, token_hash=_hash(token)))
    db.session.flush()
    return token


def _set_remember_cookie(response, value):
    response.set_cookie(
        REMEMBER_COOKIE,
        value,
        max_age=_remember_days() * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("REMEMBER_COOKIE_SECURE")),
        path="/",
    )


def _forget_cookie(response):
    response.delete_cookie(REMEMBER_COOKIE, path="/", samesite="Lax", httponly=True)
    return response


def _touch(row: LoginSession, now: datetime):
    """Note the session's last use, at most once a minute, when nothing else is pending."""
    if now - row.last_seen_at < TOUCH_EVERY:
        return
    if db.session.new or db.session.dirty or db.session.deleted:
        return
    row.last_seen_at = now
    if has_request_context() and row.ip != request.remote_addr:
        row.ip = request.remote_addr
    db.session.commit()


def load_user(user_id: str):
    """Flask-Login's user loader: the user of this browser's session, if it is still open."""
    token = session.get("sid")
    if not token or not str(user_id).isdigit():
        return None
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    now = utcnow()
    if row is None or row.user_id != int(user_id) or not row.usable(now) or not row.user.active:
        return None
    g.login_session = row
    user = row.user
    _touch(row, now)
    return user


def load_user_from_remember_cookie(req):
    """Flask-Login's request loader: restore a session from a valid keep-me-signed-in cookie."""
    raw = req.cookies.get(REMEMBER_COOKIE, "")
    session_id, _, secret = raw.partition(":")
    if not session_id.isdigit() or not secret:
        return None
    row = db.session.get(LoginSession, int(session_id))
    now = utcnow()
    if (
        row is None
        or row.ended_at is not None
        or row.remember_hash is None
        or row.remember_expires_at is None
        or row.remember_expires_at <= now
        or not hmac.compare_digest(row.remember_hash, _hash(secret))
        or not row.user.active
    ):
        return None
    token = secrets.token_urlsafe(32)  # a new browser session: a new token for it
    row.token_hash = _hash(token)
    row.last_seen_at = now
    row.ip = req.remote_addr
    db.session.commit()
    session["sid"] = token
    session["_user_id"] = str(row.user_id)
    session["_fresh"] = False
    g.login_session = row
    return row.user


def current() -> LoginSession | None:
    """The session of this request, if the user is signed in."""
    return g.get("login_session")


# Ending sessions ----------------------------------------------------------------------------------


def _end(rows, reason: str):
    now = utcnow()
    for row in rows:
        row.ended_at = now
        row.end_reason = reason
    ids = [row.id for row in rows]
    if ids:
        db.session.flush()
        sids = db.session.scalars(sa.select(SocketConnection.sid).where(SocketConnection.session_id.in_(ids)))
        db.session.info.setdefault(_AFTER_COMMIT, []).extend(sids)
    return ids


def active_sessions(user: User) -> list[LoginSession]:
    now = utcnow()
    rows = db.session.scalars(
        sa.select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .order_by(LoginSession.last_seen_at.desc())
    ).all()
    return [r for r in rows if r.usable(now)]


def end_session(row: LoginSession, reason: str, actor=None):
    """End one session (signing out, or "end this session" on the account page)."""
    if row.ended_at is not None:
        return
    _end([row], reason)
    record("session_ended", row.user, actor=actor, details={"session_id": row.id, "reason": reason})


def end_all(user: User, reason: str, actor=None, keep: LoginSession | None = None) -> int:
    """End every session and keep-me-signed-in token of USER (but KEEP), and disconnect their rooms."""
    rows = db.session.scalars(
        sa.select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    ).all()
    rows = [r for r in rows if keep is None or r.id != keep.id]
    ids = _end(rows, reason)
    record("sessions_ended", user, actor=actor, details={"sessions": len(ids), "reason": reason})
    return len(ids)


def renew(row: LoginSession):
    """Give this browser's session a new token and drop its keep-me-signed-in token: the cookies the
    browser held before (say, before a password change) no longer open anything."""
    token = secrets.token_urlsafe(32)
    row.token_hash = _hash(token)
    row.remember_hash = None
    row.remember_expires_at = None
    session["sid"] = token

    @after_this_request
    def _drop(response):
        return _forget_cookie(response)


def sign_out():
    """End this browser's session and forget its keep-me-signed-in cookie."""
    row = current()
    if row is not None:
        end_session(row, "signed_out", actor=row.user)
    session.pop("sid", None)

    @after_this_request
    def _drop(response):
        return _forget_cookie(response)


@event.listens_for(Session, "after_commit")
def _disconnect_after_commit(db_session):
    sids = db_session.info.pop(_AFTER_COMMIT, [])
    if not sids:
        return
    from odr.extensions import socketio

    for sid in sids:
        try:
            socketio.server.disconnect(sid, namespace="/")
        except Exception:  # a connection already gone is what we wanted
            logger.exception("Could not disconnect socket %s", sid)


@event.listens_for(Session, "after_rollback")
def _keep_connected(db_session):
    db_session.info.pop(_AFTER_COMMIT, None)


# Room connections ---------------------------------------------------------------------------------


def socket_connected(sid: str) -> bool:
    """Note a new Socket.IO connection of the signed-in user; False when it has no open session."""
    row = current()
    if row is None:
        return False
    db.session.add(SocketConnection(sid=sid, session_id=row.id, user_id=row.user_id))
    db.session.commit()
    return True


def socket_disconnected(sid: str):
    db.session.execute(sa.delete(SocketConnection).where(SocketConnection.sid == sid))
    db.session.commit()


# The sign-in log ----------------------------------------------------------------------------------


def log_attempt(email: str, user: User | None, succeeded: bool):
    db.session.add(
        SignInAttempt(
            user_id=user.id if user else None,
            email=(email or "").strip().lower()[:254],
            ip=request.remote_addr,
            user_agent=request.user_agent.string[:300],
            succeeded=succeeded,
        )
    )


def wait_before_trying(email: str, ip: str | None) -> int:
    """Seconds this address must wait before trying EMAIL again (0: it may try now).

    Failures slow down further tries, doubling the pause, per e-mail from one address, per address
    and per e-mail from anywhere, each after a few free failures; a success clears its count. The
    account is never locked, and an e-mail that has no account is treated the same."""
    cfg = current_app.config
    now = utcnow()
    email = (email or "").strip().lower()[:254]
    keys = {
        "account_and_address": (SignInAttempt.email == email, SignInAttempt.ip == ip),
        "address": (SignInAttempt.ip == ip,),
        "account": (SignInAttempt.email == email,),
    }
    wait = 0
    for key, conditions in keys.items():
        since = now - cfg["LOGIN_FAILURE_WINDOW"]
        last_success = db.session.scalar(
            sa.select(sa.func.max(SignInAttempt.at)).where(SignInAttempt.succeeded.is_(True), *conditions)
        )
        if last_success is not None and last_success > since:
            since = last_success
        count, last = db.session.execute(
            sa.select(sa.func.count(), sa.func.max(SignInAttempt.at)).where(
                SignInAttempt.succeeded.is_(False), SignInAttempt.at > since, *conditions
            )
        ).one()
        free = cfg["LOGIN_FREE_FAILURES"][key]
        if count >= free and last is not None:
            pause = min(2 ** (count - free + 1), cfg["LOGIN_MAX_DELAY_SECONDS"])
            wait = max(wait, int((last + timedelta(seconds=pause) - now).total_seconds() + 0.999))
    return max(wait, 0)


def recent_attempts(user: User, limit: int = 10) -> list[SignInAttempt]:
    return db.session.scalars(
        sa.select(SignInAttempt)
        .where(SignInAttempt.user_id == user.id)
        .order_by(SignInAttempt.at.desc(), SignInAttempt.id.desc())
        .limit(limit)
    ).all()
