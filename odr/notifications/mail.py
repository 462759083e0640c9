"""E-mail: every notification is also queued as a mail in the outbox, written in the reader's
language. When SMTP is configured, a mail is sent right after the commit that queued it (in a
background thread, so no request waits for the mail server); the sweep sends whatever is still
queued, retrying failures with a growing pause. Without SMTP the mails stay in the outbox, where
administrators can read them.

A mail is claimed before it is sent (its next attempt is moved a lease ahead in a committed
update), so the thread and the sweep, or two processes, never send the same mail twice; a sender
that dies mid-way leaves the mail to be retried when the lease runs out."""

import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from odr.core.db import UTCDateTime, utcnow
from odr.extensions import db

MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=5)  # how long a claimed mail is left to its sender before a retry
_AFTER_COMMIT = "odr_mails_after_commit"
logger = logging.getLogger(__name__)


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"
    __table_args__ = (sa.Index("ix_outbox_mails_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def queue_for(user, text_of_notification) -> OutboxMail | None:
    """Queue a mail telling USER of a notification, in USER's language."""
    if not user.email:
        return None
    with force_locale(user.locale or "zh_CN"):
        subject = _("Wuzhou IP Dispute Resolution Online")
        body = text_of_notification() + "\n\n" + _("Sign in to the platform to see the case.")
    mail = OutboxMail(to_address=user.email, subject=subject, body=body)
    db.session.add(mail)
    if current_app.config.get("SMTP_HOST"):
        db.session.flush()
        app = current_app._get_current_object()
        db.session.info.setdefault(_AFTER_COMMIT, []).append((app, mail.id))
    return mail


def queue_mail(to_address: str, subject: str, body: str) -> OutboxMail:
    """Queue a mail to an address that may have no account yet (an invitation, a reset link)."""
    mail = OutboxMail(to_address=to_address, subject=subject, body=body)
    db.session.add(mail)
    if current_app.config.get("SMTP_HOST"):
        db.session.flush()
        app = current_app._get_current_object()
        db.session.info.setdefault(_AFTER_COMMIT, []).append((app, mail.id))
    return mail


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    queued = session.info.pop(_AFTER_COMMIT, [])
    if queued:
        app = queued[0][0]
        ids = [mail_id for _, mail_id in queued]
        threading.Thread(target=_send_now, args=(app, ids), name="outbox-mail", daemon=True).start()


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_AFTER_COMMIT, None)


def _send_now(app, ids):
    with app.app_context():
        try:
            deliver(ids=ids)
        except Exception:  # the sweep retries what is still queued
            logger.exception("Sending mails %s right after the commit failed", ids)
        finally:
            db.session.remove()


def _due(now):
    return (
        OutboxMail.sent_at.is_(None),
        OutboxMail.attempts < MAX_ATTEMPTS,
        OutboxMail.next_attempt_at <= now,
    )


def _claim(mail_id: int, now: datetime) -> OutboxMail | None:
    """Take MAIL_ID for sending (committed), or None if it is sent, or someone else has it."""
    claimed = db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == mail_id, *_due(now))
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxMail, mail_id) if claimed == 1 else None


def deliver(now: datetime | None = None, limit: int = 100, ids=None) -> int:
    """Send queued mails (only IDS, if given) if SMTP is configured; returns how many were sent. Commits."""
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return 0
    now = now or utcnow()
    query = sa.select(OutboxMail.id).where(*_due(now)).order_by(OutboxMail.id).limit(limit)
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    candidates = db.session.scalars(query).all()
    db.session.rollback()
    sent = 0
    for mail_id in candidates:
        mail = _claim(mail_id, now)
        if mail is None:
            continue
        try:
            _send(mail)
        except (OSError, smtplib.SMTPException) as error:
            mail.attempts += 1
            mail.last_error = str(error)[:500]
            mail.next_attempt_at = now + timedelta(minutes=2**mail.attempts)
        else:
            mail.attempts += 1
            mail.sent_at = now
            mail.last_error = None
            sent += 1
        db.session.commit()
    return sent


def _send(mail: OutboxMail):
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10) as smtp:
        if cfg.get("SMTP_STARTTLS"):
            smtp.starttls()
        if cfg.get("SMTP_USER"):
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(message)
