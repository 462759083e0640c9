"""Notifications: the people concerned hear of each act, in their language; live over Socket.IO."""

from datetime import timedelta

import sqlalchemy as sa

from odr.cases import operations as case_ops
from odr.notifications.models import Notification
from odr.notifications.operations import text_of


def notes_of(db, user):
    return db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def test_intake_and_answer_are_told_to_the_parties(client, db, make_case, clerk, claimant, respondent):
    case = make_case(respondents=[respondent])
    case_ops.accept_case(case, clerk)
    assert [n.code for n in notes_of(db, claimant)] == ["case.accept"]
    assert [n.code for n in notes_of(db, respondent)] == ["case.invited"]
    case_ops.answer_invitation(case, respondent, consent=True)
    assert [n.code for n in notes_of(db, claimant)] == ["case.accept", "case.respondent_consents"]
    assert "case.respondent_consents" in [n.code for n in notes_of(db, clerk)]
    claimant.locale = "zh_CN"
    page = client.login(claimant).get("/dashboard").get_data(as_text=True)
    assert 'id="bell-count">2<' in page
    claimant.locale = "en"
    page = client.get("/notifications").get_data(as_text=True)
    assert f"Case {case.number} was accepted on the Simple track." in page
    assert "The respondent agreed to mediate" in page
    assert page.count('data-testid="notification-link"') == 2  # each opens the case page
    assert f'href="/cases/{case.id}"' in page
    assert page.count('data-testid="notification"') == 2 and page.count(">New</span>") == 2
    # Opening the list is reading it: the bell is cleared, and no button is left to do it again.
    assert 'id="bell-count">0<' in client.get("/dashboard").get_data(as_text=True)
    assert "<form" not in page.split("<main")[1].split("</main>")[0]
    again = client.get("/notifications").get_data(as_text=True)
    assert ">New</span>" not in again  # what was new on the first visit is read now


def test_texts_are_in_the_readers_language(app, db, make_case, clerk, claimant):
    case = make_case()
    case_ops.accept_case(case, clerk)
    note = notes_of(db, claimant)[0]
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh_CN"):
        assert text_of(note) == f"案件{case.number}已受理，适用简易程序。"


def test_a_notification_reaches_a_connected_page(app, db, make_case, clerk, claimant, make_client):
    from tests.test_rooms import SocketClient

    live = SocketClient(app, make_client(claimant))
    case = make_case()
    case_ops.accept_case(case, clerk)
    db.session.commit()  # the notification is pushed once the act is committed
    pushed = [e for e in live.get_received() if e["name"] == "notification"]
    assert pushed and pushed[0]["args"][0]["case_id"] == case.id


def test_mails_are_queued_in_the_readers_language_and_sent_through_smtp(app, db, make_case, clerk, claimant):
    """A real SMTP server (aiosmtpd) receives the mail; when it is down the mail waits and is retried."""
    from aiosmtpd.controller import Controller

    from odr.notifications.mail import OutboxMail, deliver
    from tests.browser_support import free_port

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    claimant.locale = "en"
    case = make_case()
    case_ops.accept_case(case, clerk)
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.to_address == claimant.email))
    assert f"Case {case.number} was accepted" in mail.body and mail.sent_at is None
    db.session.commit()
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        with app.app_context():
            assert deliver() == 0  # nobody listens yet: every mail waits for a retry
        db.session.expire_all()
        assert mail.attempts == 1 and mail.last_error and mail.sent_at is None
        controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with app.app_context():
                later = mail.next_attempt_at + timedelta(seconds=1)
                assert deliver(now=later) >= 1
        finally:
            controller.stop()
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
    db.session.expire_all()
    assert mail.sent_at is not None
    assert any(claimant.email in to and f"Case {case.number} was accepted" in body for to, body in received)


def test_admin_reads_the_outbox(client, db, make_case, clerk, make_user):
    from odr.accounts.models import Role

    case = make_case()
    case_ops.accept_case(case, clerk)
    page = client.login(make_user(Role.ADMIN)).get("/admin/outbox", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and case.number in page.get_data(as_text=True)
    assert "No SMTP server is configured" in page.get_data(as_text=True)
