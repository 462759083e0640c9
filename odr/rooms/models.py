"""Rooms, their messages (numbered without gaps), read marks, mutes; sessions and their minutes."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from odr.accounts.models import User
from odr.cases.models import Case, Side
from odr.core.db import UTCDateTime, utcnow
from odr.core.labels import LabelledEnum, enum_type
from odr.extensions import db


class RoomKind(LabelledEnum):
    JOINT = "joint", _l("Joint room")
    CAUCUS_CLAIMANT = "caucus_claimant", _l("Caucus: claimant side")
    CAUCUS_RESPONDENT = "caucus_respondent", _l("Caucus: respondent side")
    HEARING = "hearing", _l("Hearing room")

    @property
    def side(self) -> Side | None:
        return {RoomKind.CAUCUS_CLAIMANT: Side.CLAIMANT, RoomKind.CAUCUS_RESPONDENT: Side.RESPONDENT}.get(
            self
        )


MEDIATION_ROOMS = (RoomKind.JOINT, RoomKind.CAUCUS_CLAIMANT, RoomKind.CAUCUS_RESPONDENT)


class MessageKind(LabelledEnum):
    TEXT = "text", _l("Message")
    FILE = "file", _l("File")
    SYSTEM = "system", _l("Notice")


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (sa.UniqueConstraint("case_id", "kind", name="uq_rooms_case_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoomKind] = mapped_column(enum_type(RoomKind))
    is_open: Mapped[bool] = mapped_column(default=False)
    # The last sequence number given in this room; bumped in the transaction that stores a message.
    last_seq: Mapped[int] = mapped_column(default=0)
    invited: Mapped[list] = mapped_column(sa.JSON, default=list)  # user ids invited by the mediator
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(backref="rooms")

    @property
    def channel(self) -> str:
        """The Socket.IO room its members join."""
        return f"room:{self.id}"


class Message(db.Model):
    __tablename__ = "room_messages"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "seq", name="uq_room_messages_room_seq"),
        sa.UniqueConstraint("room_id", "sender_id", "client_id", name="uq_room_messages_client"),
        sa.CheckConstraint("kind != 'file' OR file_sha256 IS NOT NULL", name="file_has_hash"),
        sa.CheckConstraint("kind = 'system' OR sender_id IS NOT NULL", name="sender_unless_system"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    seq: Mapped[int]
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    client_id: Mapped[str | None] = mapped_column(sa.String(64))
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    file_size: Mapped[int | None]
    file_type: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sender: Mapped[User | None] = relationship(lazy="joined")


class ReadMark(db.Model):
    __tablename__ = "room_read_marks"

    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Mute(db.Model):
    __tablename__ = "room_mutes"

    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    muted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    muted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionState(LabelledEnum):
    SCHEDULED = "scheduled", _l("Scheduled")
    HELD = "held", _l("Held")
    CANCELLED = "cancelled", _l("Cancelled")


class MediationSession(db.Model):
    """调解会议: a scheduled meeting in one of the case's rooms."""

    __tablename__ = "mediation_sessions"
    __table_args__ = (
        sa.CheckConstraint(
            "reminder_24h_at < starts_at AND reminder_1h_at < starts_at", name="reminders_before_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    agenda: Mapped[str] = mapped_column(sa.Text)
    participants: Mapped[list] = mapped_column(sa.JSON, default=list)  # user ids
    state: Mapped[SessionState] = mapped_column(enum_type(SessionState), default=SessionState.SCHEDULED)
    scheduled_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reminder_24h_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reminder_1h_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    room: Mapped[Room] = relationship()
    case: Mapped[Case] = relationship()
    attendance: Mapped[list["Attendance"]] = relationship(cascade="all, delete-orphan")
    minutes: Mapped["Minutes | None"] = relationship(
        uselist=False, back_populates="session", cascade="all, delete-orphan"
    )


class Attendance(db.Model):
    __tablename__ = "session_attendance"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mediation_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    present: Mapped[bool] = mapped_column(default=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Minutes(db.Model):
    """笔录: written by the mediator; every participant confirms it or records an objection."""

    __tablename__ = "session_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mediation_sessions.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)
    written_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[MediationSession] = relationship(back_populates="minutes")
    confirmations: Mapped[list["MinutesConfirmation"]] = relationship(cascade="all, delete-orphan")


class MinutesConfirmation(db.Model):
    __tablename__ = "minutes_confirmations"
    __table_args__ = (sa.CheckConstraint("agreed OR objection IS NOT NULL", name="objection_has_text"),)

    minutes_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_minutes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    version: Mapped[int]
    agreed: Mapped[bool]
    objection: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
