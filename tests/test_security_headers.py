"""What every response tells the browser (CSP, framing, sniffing, referrer, permissions, HSTS), the
Server header of the real server, templates free of inline script and style, and which proxies'
X-Forwarded-For is believed."""

import http.client
import json
import re
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

import config as config_module
from odr.audit.models import AuditEntry
from odr.core import security
from tests.conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _directives(policy):
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/", "/login", "/static/css/app.css", "/no-such-page", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()
    headers = response.headers
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in headers["Permissions-Policy"]
    # not in development or testing, where the platform is served over plain HTTP
    assert "Strict-Transport-Security" not in headers


def test_the_signing_page_cannot_be_framed(client, make_user):
    user = make_user()
    client.login(user)
    response = client.get("/account")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_production_sends_hsts(app, client, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(tmp_path / "audit-signing-key.pem"))
    monkeypatch.delenv("HSTS_SECONDS", raising=False)
    production = config_module.Production()
    assert production.HSTS_SECONDS == 365 * 24 * 3600
    monkeypatch.setenv("HSTS_SECONDS", "600")
    assert config_module.Production().HSTS_SECONDS == 600
    # (a second app would rebind the shared Socket.IO server: serve this one with production's value)
    monkeypatch.setitem(app.config, "HSTS_SECONDS", production.HSTS_SECONDS)
    response = client.get("/login", base_url="https://odr.example.cn")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_real_server_names_no_version(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=security.QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        conn.request("GET", "/static/css/app.css")
        response = conn.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Server") == "ODR"
        assert "Werkzeug" not in str(response.headers) and "Python" not in str(response.headers)
        conn.close()
    finally:
        server.shutdown()
        thread.join(5)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_templates_have_no_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js"
    assert not EVENT_HANDLER.search(text), "inline event handler: bind it in static/js"
    assert "javascript:" not in text.lower()
    assert not re.search(r"<style\b", text, re.I), "inline <style>: move it to static/css"
    assert not re.search(r"\sstyle\s*=", text, re.I), "style attribute: use a class in static/css"


def _signed_in_ip(db, client, user, **headers):
    client.post("/login", data={"email": user.email, "password": PASSWORD}, headers=headers)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "signed_in", AuditEntry.actor_id == user.id)
    ).one()
    return json.loads(entry.details)["ip"]


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy(app, db, client, make_user):
    assert app.config["TRUSTED_PROXIES"] == 0
    user = make_user()
    ip = _signed_in_ip(db, client, user, **{"X-Forwarded-For": "203.0.113.9"})
    assert ip == "127.0.0.1"


def test_one_trusted_proxy_gives_the_address_it_saw(app, db, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    security.trust_proxies(app)
    user = make_user()
    # the client forged the first address; nginx appended the one it saw
    ip = _signed_in_ip(db, client, user, **{"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
    assert ip == "203.0.113.9"


def test_the_number_of_trusted_proxies_must_be_a_count(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "-1")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        config_module.Testing()
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert config_module.Testing().TRUSTED_PROXIES == 2
