"""Notifications: the people concerned hear of each act, in their language; live over Socket.IO."""

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
    claimant.locale = "en"
    page = client.login(claimant).get("/notifications").get_data(as_text=True)
    assert f"Case {case.number} was accepted on the Simple track." in page
    assert "The respondent agreed to mediate" in page
    claimant.locale = "zh_CN"
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="bell-count">2<' in page
    client.post("/notifications/read")
    assert 'id="bell-count">0<' in client.get("/dashboard").get_data(as_text=True)


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
