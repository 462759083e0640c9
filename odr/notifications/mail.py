"""E-mail: every notification is also queued as a mail in the outbox, written in the reader's
language. The sweep sends what is queued when SMTP is configured, retrying failures with a growing
pause; without SMTP the mails stay in the outbox, where administrators can read them."""

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from odr.core.db import UTCDateTime, utcnow
from odr.extensions import db

MAX_ATTEMPTS = 6


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
    return mail


def deliver(now: datetime | None = None, limit: int = 100) -> int:
    """Send queued mails if SMTP is configured; returns how many were sent. Commits."""
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return 0
    now = now or utcnow()
    mails = db.session.scalars(
        sa.select(OutboxMail)
        .where(
            OutboxMail.sent_at.is_(None),
            OutboxMail.attempts < MAX_ATTEMPTS,
            OutboxMail.next_attempt_at <= now,
        )
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()
    sent = 0
    for mail in mails:
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
