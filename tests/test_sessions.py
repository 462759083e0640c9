"""Sessions end on the server: each way is checked by replaying the old cookies."""

from datetime import timedelta

import pytest
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.accounts.sessions import REMEMBER_COOKIE
from odr.core.db import utcnow
from odr.rooms.models import RoomKind
from tests.conftest import PASSWORD
from tests.room_support import sio

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "Another-Secret-2026"


def sign_in(app, user, remember=False, password=PASSWORD):
    """A browser that signs in through the form, as a user does; returns the browser and its cookies."""
    browser = app.test_client()
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = browser.post("/login", data=data, headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser, cookies_of(browser)


def cookies_of(browser):
    return {
        name: browser.get_cookie(name).value
        for name in ("session", REMEMBER_COOKIE)
        if browser.get_cookie(name)
    }


def replay(app, cookies, path="/dashboard"):
    """A fresh browser holding only COOKIES (taken earlier) asks for PATH."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser.get(path, headers=EN)


def shows_sign_in(response):
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_out_ends_the_session_on_the_server(app, db, make_user, make_case, claimant):
    case = make_case()
    browser, cookies = sign_in(app, claimant)
    assert replay(app, cookies, f"/cases/{case.id}").status_code == 200
    browser.post("/logout")
    assert shows_sign_in(replay(app, cookies, f"/cases/{case.id}"))


def test_keep_me_signed_in_is_lax_httponly_at_most_14_days_and_revocable(app, db, claimant):
    browser = app.test_client()
    response = browser.post(
        "/login", data={"email": claimant.email, "password": PASSWORD, "remember": "y"}, headers=EN
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER_COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Max-Age=1209600" in header  # 14 days
    remember = {REMEMBER_COOKIE: browser.get_cookie(REMEMBER_COOKIE).value}
    # The browser was closed (no session cookie): the token alone signs it in again.
    assert replay(app, remember).status_code == 200
    with freeze_time(utcnow() + timedelta(days=14, minutes=1)):
        assert shows_sign_in(replay(app, remember))
    browser.post("/logout")
    assert shows_sign_in(replay(app, remember))


def test_production_marks_the_keep_me_signed_in_cookie_secure(app, db, claimant):
    app.config["REMEMBER_COOKIE_SECURE"] = True
    try:
        response = app.test_client().post(
            "/login", data={"email": claimant.email, "password": PASSWORD, "remember": "y"}
        )
    finally:
        app.config["REMEMBER_COOKIE_SECURE"] = False
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER_COOKIE))
    assert "Secure" in header


def test_a_password_change_ends_every_other_session_and_token(app, db, claimant):
    here, before_change = sign_in(app, claimant)
    _, elsewhere = sign_in(app, claimant, remember=True)
    response = here.post(
        "/account",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        headers=EN,
        follow_redirects=True,
    )
    assert "Every other session" in response.get_data(as_text=True)
    assert here.get("/dashboard").status_code == 200  # the browser that changed it stays signed in
    assert shows_sign_in(replay(app, before_change))  # ... with a new token: its old cookie is dead
    assert shows_sign_in(replay(app, elsewhere))
    assert shows_sign_in(replay(app, {REMEMBER_COOKIE: elsewhere[REMEMBER_COOKIE]}))


def test_suspension_ends_every_session(app, db, make_user, make_client, claimant):
    _, session_cookies = sign_in(app, claimant, remember=True)
    admin = make_user(Role.ADMIN)
    make_client(admin).post(f"/admin/users/{claimant.id}/active", data={"active": "0"})
    assert not claimant.active
    assert shows_sign_in(replay(app, session_cookies))
    assert shows_sign_in(replay(app, {REMEMBER_COOKIE: session_cookies[REMEMBER_COOKIE]}))
    # Reactivated, the old cookies still open nothing: the sessions ended for good.
    make_client(admin).post(f"/admin/users/{claimant.id}/active", data={"active": "1"})
    assert shows_sign_in(replay(app, session_cookies))


def test_sign_out_everywhere_by_the_user_and_by_an_administrator(app, db, make_user, make_client, claimant):
    one, first = sign_in(app, claimant)
    _, second = sign_in(app, claimant, remember=True)
    response = one.post("/account/sessions/end-all")
    assert shows_sign_in(response) or response.status_code == 302
    for cookies in (first, second, {REMEMBER_COOKIE: second[REMEMBER_COOKIE]}):
        assert shows_sign_in(replay(app, cookies))
    _, third = sign_in(app, claimant, remember=True)
    admin = make_user(Role.ADMIN)
    make_client(admin).post(f"/admin/users/{claimant.id}/sign-out")
    assert shows_sign_in(replay(app, third))
    assert shows_sign_in(replay(app, {REMEMBER_COOKIE: third[REMEMBER_COOKIE]}))
    assert claimant.active  # signed out, not suspended


def test_account_page_lists_sessions_and_ends_one(app, db, claimant):
    here, _ = sign_in(app, claimant)
    other = app.test_client()
    other.post(
        "/login",
        data={"email": claimant.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"},
    )
    app.test_client().post("/login", data={"email": claimant.email, "password": "wrong-password"})
    page = here.get("/account", headers=EN).get_data(as_text=True)
    assert "Chrome · Windows" in page and "this browser" in page
    assert page.count('data-testid="end-session"') == 2
    assert "Failed attempt" in page and page.count("Signed in") >= 2
    from odr.accounts.sessions import active_sessions

    [theirs] = [s for s in active_sessions(claimant) if "Windows" in (s.user_agent or "")]
    here.post(f"/account/sessions/{theirs.id}/end")
    assert shows_sign_in(other.get("/dashboard"))
    assert here.get("/dashboard").status_code == 200


def test_a_suspended_users_room_connection_is_cut_and_receives_nothing(
    app,
    db,
    mediation,
    make_client,
    make_user,
):
    joint = mediation["rooms"][RoomKind.JOINT]
    respondent = sio(app, make_client, mediation["respondent"])
    mediator = sio(app, make_client, mediation["mediator"])
    for client in (respondent, mediator):
        assert client.emit("join", {"room_id": joint.id}, callback=True)["ok"]
    mediator.emit("send", {"room_id": joint.id, "client_id": "a", "body": "第一条"}, callback=True)
    assert any(e["name"] == "msg" for e in respondent.get_received())
    admin = make_user(Role.ADMIN)
    make_client(admin).post(f"/admin/users/{mediation['respondent'].id}/active", data={"active": "0"})
    assert not respondent.is_connected()
    mediator.emit("send", {"room_id": joint.id, "client_id": "b", "body": "保密的第二条"}, callback=True)
    with pytest.raises(RuntimeError):
        respondent.get_received()  # not connected: nothing reaches it


def test_an_ended_session_cannot_open_a_room_connection(app, db, mediation, make_client):
    browser, cookies = sign_in(app, mediation["claimant"])
    browser.post("/logout")
    stale = app.test_client()
    for name, value in cookies.items():
        stale.set_cookie(name, value)
    client = sio(app, lambda _user: stale, None)
    assert not client.is_connected()
