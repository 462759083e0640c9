"""Escalation at expiry and mail sent right after the commit, with frozen time and a real SMTP server."""

import time
from datetime import timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from odr.cases import operations as case_ops
from odr.deadlines.escalation import ESCALATE
from odr.deadlines.models import DeadlineKind
from tests.deadline_support import T0, make_expert, notes, sweep_at


def test_a_silent_respondent_is_escalated_to_the_clerks_once(db, make_case, clerk, make_user, respondent):
    from odr.accounts.models import Role

    other_clerk = make_user(Role.CLERK, organisation=clerk.organisation)
    elsewhere = make_user(Role.CLERK)  # a clerk of no organisation of the case
    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
    assert sweep_at(db, T0 + timedelta(days=6)) == 0
    assert notes(db, clerk, "deadline.escalated") == []
    assert sweep_at(db, T0 + timedelta(days=8)) == 1  # 09:00 the day after the 7th
    assert sweep_at(db, T0 + timedelta(days=9)) == 0
    assert notes(db, clerk, "deadline.escalated") == ["deadline.escalated"]
    assert notes(db, other_clerk, "deadline.escalated") == ["deadline.escalated"]
    assert notes(db, elsewhere) == []


def test_escalation_text_names_the_limit_and_the_new_state(app, db, make_case, clerk):
    from flask_babel import force_locale

    from odr.notifications.models import Notification
    from odr.notifications.operations import text_of

    with freeze_time(T0):
        case = make_case()
        case_ops.accept_case(case, clerk)
    sweep_at(db, T0 + timedelta(days=8))
    note = db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == clerk.id, Notification.code == "deadline.escalated"
        )
    )
    with app.test_request_context(), force_locale("en"):
        assert text_of(note) == (
            f"A time limit ran out in case {case.number}: Respondent's answer to the invitation. "
            "The platform acted; the case is now “Not mediated”. Please see to the next step."
        )
    with app.test_request_context(), force_locale("zh_CN"):
        assert case.number in text_of(note) and "未进入调解" in text_of(note)


def test_a_silent_expert_is_escalated_to_the_clerk(db, make_case, clerk, make_user, respondent):
    from odr.experts import operations as expert_ops
    from odr.experts.models import Seat

    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=True)
        expert = make_expert(db, make_user, clerk.organisation, "甲")
        expert_ops.propose(case, Seat.MEDIATOR, expert, actor=clerk)
    before = len(notes(db, clerk, "deadline.escalated"))
    assert sweep_at(db, T0 + timedelta(hours=48, minutes=1)) == 1
    assert len(notes(db, clerk, "deadline.escalated")) == before + 1


def test_nothing_is_escalated_when_there_was_nothing_to_do(db, make_case, clerk, respondent):
    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
    # The case moved on before the deadline's time (e.g. a change made outside the workflow).
    case.state = case.state.__class__.WITHDRAWN
    assert sweep_at(db, T0 + timedelta(days=8)) == 1
    assert notes(db, clerk, "deadline.escalated") == []
    assert DeadlineKind.SESSION_REMINDER_1H not in ESCALATE  # reminders are not escalations


def test_mail_leaves_right_after_the_commit(app):
    """With SMTP configured, a committed notification's mail reaches the (real) SMTP server without
    waiting for a sweep; the sweep's delivery then finds nothing left to send. Committed data."""
    from aiosmtpd.controller import Controller

    from odr.accounts.models import User
    from odr.extensions import db as _db
    from odr.notifications.mail import OutboxMail, deliver
    from odr.notifications.models import Notification
    from odr.notifications.operations import notify
    from tests.browser_support import free_port

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    user_id = None
    try:
        with app.app_context():
            user = User(email="mail-now@example.com", name="收件人", password_hash="x", locale="en")
            _db.session.add(user)
            _db.session.commit()
            user_id = user.id
            notify([user], "case.accept", None, number="WZIP-2026-999999", track="simple")
            _db.session.commit()
            _db.session.remove()
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received and received[0][0] == ["mail-now@example.com"]
        assert "Case WZIP-2026-999999 was accepted on the Simple track." in received[0][1]
        with app.app_context():
            for _ in range(100):  # the sender thread marks the mail sent just after the SMTP answer
                mail = _db.session.scalar(
                    sa.select(OutboxMail).where(OutboxMail.to_address == "mail-now@example.com")
                )
                if mail.sent_at is not None:
                    break
                _db.session.rollback()
                time.sleep(0.05)
            assert mail.sent_at is not None and mail.attempts == 1
            assert deliver() == 0  # the sweep's retry path has nothing left
            _db.session.remove()
        assert len(received) == 1
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
        controller.stop()
        with app.app_context():
            _db.session.execute(sa.delete(OutboxMail).where(OutboxMail.to_address == "mail-now@example.com"))
            if user_id:
                _db.session.execute(sa.delete(Notification).where(Notification.user_id == user_id))
                _db.session.execute(sa.delete(User).where(User.id == user_id))
            _db.session.commit()
            _db.session.remove()


def test_a_failing_action_does_not_hold_up_the_others_in_its_batch(db, monkeypatch):
    """Five due reminders in one batch; the third one's action fails: the other four are acted on,
    the failing one stays pending and is tried again by the next sweep."""
    from odr.deadlines import operations as deadlines
    from odr.deadlines.models import Deadline, DeadlineState

    rows = [
        Deadline(
            kind=DeadlineKind.SESSION_REMINDER_1H,
            object_type="mediation_sessions",
            object_id=-(n + 1),
            due_at=T0,
            state=DeadlineState.PENDING,
        )
        for n in range(5)
    ]
    db.session.add_all(rows)
    db.session.flush()
    broken = {"id": rows[2].id}
    original = deadlines._ACTIONS[DeadlineKind.SESSION_REMINDER_1H]

    def flaky(deadline):
        if deadline.id == broken["id"]:
            raise RuntimeError("the room service is down")
        return original(deadline)

    monkeypatch.setitem(deadlines._ACTIONS, DeadlineKind.SESSION_REMINDER_1H, flaky)
    assert sweep_at(db, T0 + timedelta(minutes=1)) == 4
    db.session.expire_all()
    assert [d.state for d in rows] == [DeadlineState.MISSED] * 2 + [DeadlineState.PENDING] + [
        DeadlineState.MISSED
    ] * 2
    broken["id"] = None  # repaired
    assert sweep_at(db, T0 + timedelta(minutes=2)) == 1
    db.session.expire_all()
    assert rows[2].state == DeadlineState.MISSED
