"""Two-factor sign-in: turning it on, signing in with a code or a recovery code, required roles."""

import re
from datetime import timedelta

import pyotp
import pytest
from freezegun import freeze_time

import config as config_module
from odr.accounts.models import Role
from odr.core.db import utcnow
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}


def code_for(secret, when=None):
    return pyotp.TOTP(secret).at(when or utcnow())


def turn_on(client):
    page = client.get("/account/two-factor", headers=EN).get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">(\w+)<', page).group(1)
    assert 'data-testid="totp-qr"' in page and "data:image/svg+xml" in page
    wrong = client.post("/account/two-factor", data={"code": "000000"}, headers=EN).get_data(as_text=True)
    assert "not right" in wrong
    shown = client.post("/account/two-factor", data={"code": code_for(secret)}, headers=EN).get_data(
        as_text=True
    )
    codes = re.findall(r"<li class=\"col-6\">([0-9a-f]{6}-[0-9a-f]{6})</li>", shown)
    assert len(codes) == 10
    return secret, codes


def password_step(app, user, **extra):
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD, **extra}, headers=EN)
    return browser, response


def test_turning_it_on_and_signing_in_with_a_code(app, client, db, make_user):
    user = make_user(email="careful@example.com")
    client.login(user)
    with freeze_time(utcnow()) as clock:
        secret, _ = turn_on(client)
        assert user.totp_secret == secret
        clock.tick(timedelta(seconds=31))
        browser, response = password_step(app, user)
        assert response.headers["Location"].endswith("/login/two-factor")
        assert browser.get("/dashboard").status_code == 302  # not signed in after the password alone
        wrong = browser.post("/login/two-factor", data={"code": "123456"}, headers=EN).get_data(as_text=True)
        assert "not right" in wrong and browser.get("/dashboard").status_code == 302
        code = code_for(secret)
        assert browser.post("/login/two-factor", data={"code": code}).status_code == 302
        assert browser.get("/dashboard").status_code == 200
        # The same code does not open a second sign-in.
        other, _ = password_step(app, user)
        again = other.post("/login/two-factor", data={"code": code}, headers=EN).get_data(as_text=True)
        assert "not right" in again and other.get("/dashboard").status_code == 302


def test_a_recovery_code_works_once(app, client, db, make_user):
    user = make_user()
    client.login(user)
    _, codes = turn_on(client)
    browser, _ = password_step(app, user)
    browser.post("/login/two-factor", data={"code": codes[0].upper()})
    assert browser.get("/dashboard").status_code == 200
    other, _ = password_step(app, user)
    other.post("/login/two-factor", data={"code": codes[0]})
    assert other.get("/dashboard").status_code == 302
    assert "Recovery codes left: 9" in client.get("/account/two-factor", headers=EN).get_data(as_text=True)


def test_the_second_step_expires(app, client, db, make_user):
    user = make_user()
    client.login(user)
    secret, _ = turn_on(client)
    with freeze_time(utcnow()) as clock:
        browser, _ = password_step(app, user)
        clock.tick(timedelta(minutes=6))
        response = browser.post("/login/two-factor", data={"code": code_for(secret)})
        assert response.headers["Location"].endswith("/login")
        assert browser.get("/dashboard").status_code == 302


@pytest.fixture
def liaison_must_use_it(app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ["admin", "court_liaison"]
    yield
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = []


def test_required_roles_set_it_up_before_anything_else(app, db, make_user, make_org, liaison_must_use_it):
    from odr.accounts.models import OrgKind

    court = make_user(Role.COURT_LIAISON, organisation=make_org(OrgKind.INTERMEDIATE_COURT))
    party = make_user(Role.PARTY)
    browser, response = password_step(app, court)
    assert response.status_code == 302
    page = browser.get("/dashboard", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "requires two-factor sign-in" in page and 'data-testid="totp-qr"' in page
    assert browser.get("/court/").headers["Location"].endswith("/account/two-factor")
    secret, _ = turn_on(browser)
    assert browser.get("/dashboard").status_code == 200
    # Their role needs it: it cannot be turned off.
    browser.post("/account/two-factor/disable", data={"password": PASSWORD})
    assert court.totp_secret == secret
    # From now on the court's officer signs in with the second factor.
    _, response = password_step(app, court)
    assert response.headers["Location"].endswith("/login/two-factor")
    # Other roles are not asked.
    other, _ = password_step(app, party)
    assert other.get("/dashboard").status_code == 200


def test_production_requires_it_for_administrators_and_court_liaison_the_demo_does_not(monkeypatch):
    assert config_module.Development().TWO_FACTOR_REQUIRED_ROLES == []
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://example/odr")
    monkeypatch.setenv("AUDIT_SIGNING_KEY", "unused: read only when a checkpoint is signed")
    assert config_module.Production().TWO_FACTOR_REQUIRED_ROLES == ["admin", "court_liaison"]


def test_an_administrator_resets_a_lost_second_factor(app, client, db, make_user, make_client):
    user = make_user()
    client.login(user)
    turn_on(client)
    admin = make_user(Role.ADMIN)
    page = make_client(admin).get("/admin/users", headers=EN).get_data(as_text=True)
    assert f'action="/admin/users/{user.id}/two-factor/reset"' in page
    make_client(admin).post(f"/admin/users/{user.id}/two-factor/reset")
    assert user.totp_secret is None
    assert client.get("/dashboard").status_code == 302  # its sessions ended too
    _, response = password_step(app, user)
    assert response.headers["Location"].endswith("/dashboard")
    # Only an administrator may do it.
    assert make_client(make_user()).post(f"/admin/users/{admin.id}/two-factor/reset").status_code == 403
