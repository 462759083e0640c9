"""Passwords: the policy, weak ones changed at next sign-in, throttled guessing, the reset link."""

import re
from datetime import timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.auth import hash_password
from odr.accounts.passwords import weakness
from odr.accounts.sessions import REMEMBER_COOKIE
from odr.core.db import utcnow
from odr.notifications.mail import OutboxMail
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}


def test_the_policy_refuses_short_common_and_personal_passwords():
    assert "at least 10" in str(weakness("Ab1-xyz!"))
    assert "most common" in str(weakness("password1234"))
    assert "your name or e-mail" in str(weakness("huangzhiqiang2026", ["huangzhiqiang@example.com"]))
    assert weakness("1111111111") is not None
    assert weakness("Liubao-tea-garden-2026") is None
    assert weakness(PASSWORD) is None


def test_registration_shows_why_a_password_is_refused(client, db):
    page = client.post(
        "/register",
        data={
            "party_kind": "company",
            "name": "梧州某公司",
            "credit_code": "91450400MA5K3B7L24",
            "phone": "07745555555",
            "email": "new@company.cn",
            "password": "qwertyuiop",
            "confirm": "qwertyuiop",
            "locale": "en",
            "accept_terms": "y",
        },
        headers=EN,
    ).get_data(as_text=True)
    assert "common passwords" in page or "easy to guess" in page


def test_an_existing_weak_password_is_changed_at_next_sign_in(app, client, db, make_user):
    user = make_user(email="old@example.com")
    user.password_hash = hash_password("12345678")  # set before the policy
    response = client.post("/login", data={"email": user.email, "password": "12345678"}, headers=EN)
    assert response.status_code == 302 and user.password_change_required
    page = client.get("/dashboard", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "Choose a new one to continue" in page
    client.post("/account", data={"current": "12345678", "password": PASSWORD, "confirm": PASSWORD})
    assert not user.password_change_required
    assert client.get("/dashboard").status_code == 200


def test_failed_sign_ins_slow_down_without_locking_the_account(app, db, make_user):
    user = make_user(email="target@example.com")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    with freeze_time(utcnow()) as clock:
        for _ in range(app.config["LOGIN_FREE_FAILURES"]["account_and_address"]):
            page = attacker.post(
                "/login", data={"email": user.email, "password": "wrong-guess-1"}, headers=EN
            )
            assert "not correct" in page.get_data(as_text=True)
        slowed = attacker.post("/login", data={"email": user.email, "password": PASSWORD}, headers=EN)
        assert slowed.status_code == 429 and "Wait 2 seconds" in slowed.get_data(as_text=True)
        # An e-mail without an account is answered exactly the same way.
        for _ in range(3):
            attacker.post("/login", data={"email": "nobody@example.com", "password": "wrong-guess-1"})
        ghost = attacker.post("/login", data={"email": "nobody@example.com", "password": "x"}, headers=EN)
        assert ghost.status_code == 429 and "Wait 2 seconds" in ghost.get_data(as_text=True)
        # The owner, from another address, is not locked out.
        owner = app.test_client()
        owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
        assert owner.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        # After the pause the attacker may try again (and fails again, waiting longer).
        clock.tick(timedelta(seconds=3))
        again = attacker.post("/login", data={"email": user.email, "password": "wrong-guess-2"}, headers=EN)
        assert "not correct" in again.get_data(as_text=True)
        assert "Wait 4 seconds" in attacker.post(
            "/login", data={"email": user.email, "password": "x"}, headers=EN
        ).get_data(as_text=True)
    assert user.active


def reset_link(db, email):
    mail = db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.to_address == email).order_by(OutboxMail.id.desc())
    ).first()
    return mail, (re.search(r"https?://\S+/password/reset/[\w-]+", mail.body).group(0) if mail else None)


def test_the_reset_link_is_single_use_and_ends_every_session(app, client, db, make_user):
    from tests.test_sessions import replay, shows_sign_in, sign_in

    user = make_user(email="forgetful@example.com")
    _, old_cookies = sign_in(app, user, remember=True)
    answer = client.post("/password/forgot", data={"email": user.email}, headers=EN, follow_redirects=True)
    unknown = client.post(
        "/password/forgot", data={"email": "ghost@example.com"}, headers=EN, follow_redirects=True
    )
    same = "a link to choose a new password is on its way"
    assert same in answer.get_data(as_text=True) and same in unknown.get_data(as_text=True)
    assert reset_link(db, "ghost@example.com")[0] is None
    _mail, link = reset_link(db, user.email)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    weak = client.post("/" + path, data={"password": "abc", "confirm": "abc"}, headers=EN)
    assert "at least 10" in weak.get_data(as_text=True)
    client.post("/" + path, data={"password": "New-Liubao-garden-7", "confirm": "New-Liubao-garden-7"})
    for cookies in (old_cookies, {REMEMBER_COOKIE: old_cookies[REMEMBER_COOKIE]}):
        assert shows_sign_in(replay(app, cookies))
    used = client.get("/" + path, headers=EN)
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)
    assert (
        client.post("/login", data={"email": user.email, "password": "New-Liubao-garden-7"}).status_code
        == 302
    )


def test_the_reset_link_expires_and_a_new_one_replaces_it(app, client, db, make_user):
    user = make_user(email="late@example.com")
    client.post("/password/forgot", data={"email": user.email})
    _, first = reset_link(db, user.email)
    first_path = "/" + first.split("://", 1)[1].split("/", 1)[1]
    client.post("/password/forgot", data={"email": user.email})
    _, second = reset_link(db, user.email)
    second_path = "/" + second.split("://", 1)[1].split("/", 1)[1]
    assert client.get(first_path).status_code == 410  # replaced
    minutes = app.config["PASSWORD_RESET_MINUTES"]
    with freeze_time(utcnow() + timedelta(minutes=minutes, seconds=1)):
        expired = client.get(second_path, headers=EN)
        assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
        client.post(second_path, data={"password": "New-Liubao-garden-7", "confirm": "New-Liubao-garden-7"})
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
