"""Configuration is read from the environment when the app is made."""

import pytest

import config
from odr import create_app


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app("production")  # refused before any extension is touched


def test_production_starts_with_both(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", str(tmp_path / "audit-signing-key.pem"))
    # The configuration object only: a second app would re-bind the shared extensions.
    settings = config.load("production")
    assert settings.SECRET_KEY == "a-real-secret"
    assert settings.SESSION_COOKIE_SECURE is True


def test_settings_come_from_the_environment_at_creation(monkeypatch):
    monkeypatch.setenv("TRIAGE_COMPLEX_CLAIM_AMOUNT", "100000")
    assert str(config.Development().TRIAGE_COMPLEX_CLAIM_AMOUNT) == "100000"
    with pytest.raises(RuntimeError, match="Unknown ODR_CONFIG"):
        config.load("staging")


def test_gevent_is_refused_on_sqlite(monkeypatch, tmp_path):
    """A wait for SQLite's lock would block every connection of a gevent process."""
    monkeypatch.setenv("SOCKETIO_ASYNC_MODE", "gevent")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'g.sqlite3'}")
    with pytest.raises(RuntimeError, match="gevent needs PostgreSQL"):
        config.Development()
    monkeypatch.setenv("DATABASE_URL", "postgresql://odr@127.0.0.1/odr")
    assert config.Development().SOCKETIO_ASYNC_MODE == "gevent"
    monkeypatch.setenv("SOCKETIO_ASYNC_MODE", "eventlet")
    with pytest.raises(RuntimeError, match="gevent or threading"):
        config.Development()


def test_production_refuses_to_start_without_the_checkpoint_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("AUDIT_SIGNING_KEY_FILE", raising=False)
    with pytest.raises(RuntimeError, match="AUDIT_SIGNING_KEY_FILE"):
        config.load("production")
    monkeypatch.setenv("AUDIT_SIGNING_KEY_FILE", "/etc/odr/audit-signing-key.pem")
    assert config.load("production").AUDIT_SIGNING_KEY_FILE == "/etc/odr/audit-signing-key.pem"
