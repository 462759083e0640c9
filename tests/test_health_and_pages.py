"""The platform answers: health check, public pages, error pages in both languages."""


def test_healthz_reports_version_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "version": "0.1.0", "database": "ok"}


def test_home_page_follows_browser_language(client):
    zh = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    en = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "在线解决知识产权纠纷" in zh
    assert "Resolve intellectual-property disputes online" in en


def test_language_choice_is_remembered(client):
    response = client.post("/lang/en", data={"next": "/"}, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 302
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Resolve intellectual-property disputes online" in page


def test_not_found_page_in_both_languages(client):
    zh = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    en = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 404
    assert "页面不存在" in zh.get_data(as_text=True)
    assert "Not found" in en.get_data(as_text=True)
    assert "Traceback" not in zh.get_data(as_text=True)


def test_dashboard_needs_sign_in(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unexpected_error_shows_a_friendly_page_and_rolls_back(app, client):
    def boom():
        raise RuntimeError("database exploded")

    original = app.view_functions["core.index"]
    app.view_functions["core.index"] = boom
    try:
        zh = client.get("/", headers={"Accept-Language": "zh-CN"})
        en = client.get("/", headers={"Accept-Language": "en"})
    finally:
        app.view_functions["core.index"] = original
    assert zh.status_code == en.status_code == 500
    assert "database exploded" not in zh.get_data(as_text=True)
    assert "Traceback" not in en.get_data(as_text=True)
    assert "Something went wrong" in en.get_data(as_text=True)
    assert "出错" in zh.get_data(as_text=True) or "错误" in zh.get_data(as_text=True)


def test_forbidden_page_in_chinese(client, make_user):
    from odr.accounts.models import Role

    user = make_user(Role.PARTY, locale="zh_CN")
    client.login(user)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "无权" in response.get_data(as_text=True)
