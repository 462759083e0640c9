"""Registration, signing in, lock-out, password change, staff accounts."""

import sqlalchemy as sa

from odr.accounts.models import Organisation, Role, User
from tests.conftest import PASSWORD, valid_uscc

COMPANY = {
    "party_kind": "company",
    "name": "梧州某茶业有限公司",
    "credit_code": "91450400MA5K3B7L24",
    "contact_name": "张三",
    "phone": "13800000000",
    "email": "tea@example.com",
    "password": "Tea-leaf-2026",
    "confirm": "Tea-leaf-2026",
    "locale": "zh_CN",
    "accept_terms": "y",
}


def count_users(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_company_registers_and_is_signed_in(client, db):
    response = client.post("/register", data=COMPANY)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "tea@example.com"))
    assert user.credit_code == "91450400MA5K3B7L24"
    assert user.roles == {Role.PARTY}
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/dashboard").status_code == 200


def test_wrong_credit_code_is_refused_with_a_clear_message(client, db):
    before = count_users(db)
    page = client.post(
        "/register", data={**COMPANY, "credit_code": "91450400MA5K3B7L25"}, headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "check digit does not match" in page
    assert count_users(db) == before
    zh = client.post(
        "/register",
        data={**COMPANY, "credit_code": "91450400MA5K3B7L25"},
        headers={"Accept-Language": "zh-CN"},
    ).get_data(as_text=True)
    assert "统一社会信用代码" in zh and "校验" in zh


def test_person_needs_a_valid_id_number(client, db):
    data = {
        **COMPANY,
        "party_kind": "person",
        "name": "王五",
        "credit_code": "",
        "id_number": "110105194912310021",
    }
    page = client.post("/register", data=data, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "check digit does not match" in page
    data["id_number"] = ""
    page = client.post("/register", data=data, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "resident ID number" in page
    data["id_number"] = "11010519491231002X"
    assert client.post("/register", data=data).status_code == 302


def test_over_long_name_and_duplicate_email_are_refused(client, db, make_user):
    make_user(email="taken@example.com")
    before = count_users(db)
    page = client.post(
        "/register",
        data={**COMPANY, "name": "茶" * 201, "email": "taken@example.com"},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "Field cannot be longer than 200 characters" in page
    assert "already exists" in page
    assert count_users(db) == before


def test_sign_in_and_out(client, db, make_user):
    user = make_user(email="party@example.com")
    response = client.post("/login", data={"email": "Party@Example.com", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302
    assert user.last_login_at is not None


def test_login_redirects_only_within_the_site(client, db, make_user):
    make_user(email="party@example.com")
    response = client.post(
        "/login?next=https://evil.example/", data={"email": "party@example.com", "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/dashboard")


def test_password_change_needs_the_current_password(client, db, make_user):
    user = make_user()
    client.login(user)
    page = client.post(
        "/account",
        data={"current": "not-it-123", "password": "New-pass-2026", "confirm": "New-pass-2026"},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "current password is not correct" in page
    assert (
        client.post(
            "/account", data={"current": PASSWORD, "password": "New-pass-2026", "confirm": "New-pass-2026"}
        ).status_code
        == 302
    )
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": "New-pass-2026"}).status_code == 302


def test_admin_creates_staff_account_on_a_page(client, db, make_user, mediation_org):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "黄调解员",
            "email": "mediator@example.com",
            "phone": "１３７００００００００",  # typed on a full-width Chinese keyboard
            "roles": ["mediator", "arbitrator"],
            "organisation_id": mediation_org.id,
            "password": "Mediate-2026",
            "locale": "zh_CN",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "mediator@example.com"))
    assert user.roles == {Role.MEDIATOR, Role.ARBITRATOR}
    assert user.organisation_id == mediation_org.id
    assert user.phone == "13700000000"


def test_only_admins_reach_admin_pages(client, db, make_user):
    client.login(make_user(Role.PARTY))
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/organisations", data={"name": "X", "kind": "notary"}).status_code == 403


def test_admin_creates_organisation(client, db, make_user):
    client.login(make_user(Role.ADMIN))
    response = client.post(
        "/admin/organisations",
        data={"name": "梧州市万秀区人民法院（测试）", "kind": "basic_court", "name_en": "Wanxiu Court"},
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(sa.select(Organisation).where(Organisation.name_en == "Wanxiu Court")).kind
        == "basic_court"
    )


def test_cli_creates_organisation_and_staff_account(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["odr", "org", "create", "--name", "梧州仲裁委员会（测试）", "--kind", "arbitration_commission"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "odr",
            "user",
            "create",
            "--email",
            "arb@example.com",
            "--name",
            "周仲裁员",
            "--role",
            "arbitrator",
            "--organisation",
            "梧州仲裁委员会（测试）",
            "--password",
            "Arbitrate-2026",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "arb@example.com"))
    assert user.roles == {Role.ARBITRATOR}
    assert user.organisation.name == "梧州仲裁委员会（测试）"
    bad = runner.invoke(
        args=[
            "odr",
            "user",
            "create",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "judge",
            "--password",
            "Abcdefg-123",
        ]
    )
    assert bad.exit_code != 0 and "unknown role" in bad.output


def test_suspended_account_cannot_sign_in(client, db, make_user):
    user = make_user(email="s@example.com", credit_code=valid_uscc(999))
    user.active = False
    page = client.post(
        "/login", data={"email": "s@example.com", "password": PASSWORD}, headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "suspended" in page
