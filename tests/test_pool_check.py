"""The server refuses to start when its processes' database pools would not fit in PostgreSQL's
max_connections ("too many clients already" would leave room messages unanswered)."""

import os
import subprocess
import sys

import pytest
from flask import Flask

import config as config_module
from odr.core.pool import PoolTooLarge, check_pool
from tests.browser_support import ROOT, free_port

URL = os.environ.get("ODR_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="needs PostgreSQL (set ODR_TEST_DATABASE_URL)"
)


def configured(monkeypatch, **env):
    monkeypatch.setenv("DATABASE_URL", URL)
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    app = Flask(__name__)
    app.config.from_object(config_module.Development())
    return app


def engine_for(app):
    import sqlalchemy as sa

    return sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)


def test_the_documented_pools_fit_two_processes(monkeypatch):
    app = configured(monkeypatch, SERVER_PROCESSES=2)
    summary = check_pool(app, engine_for(app))
    assert summary.startswith("2 server process(es) × (pool 10 + overflow 10) + 5 spare = 45 connections")


def test_pools_that_do_not_fit_are_refused_with_what_to_change(monkeypatch):
    app = configured(monkeypatch, SERVER_PROCESSES=2, DATABASE_POOL_SIZE=20, DATABASE_MAX_OVERFLOW=40)
    with pytest.raises(PoolTooLarge) as refused:
        check_pool(app, engine_for(app))
    message = str(refused.value)
    assert "do not fit" in message and "= 125 connections" in message
    assert "DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW" in message and "max_connections" in message


@pytest.mark.live
@pytest.mark.parametrize("server", ["flask", "gunicorn"])
def test_a_server_whose_pools_do_not_fit_does_not_start(tmp_path, server):
    env = {
        **os.environ,
        "ODR_CONFIG": "production",
        "SECRET_KEY": "pool-check",
        "DATABASE_URL": URL,
        "FILE_STORAGE_DIR": str(tmp_path),
        "AUDIT_SIGNING_KEY_FILE": str(tmp_path / "audit-signing-key.pem"),
        "SCHEDULER_IN_WEB_PROCESS": "0",
        "SERVER_PROCESSES": "2",
        "DATABASE_POOL_SIZE": "20",
        "DATABASE_MAX_OVERFLOW": "40",
    }
    port = str(free_port())
    command = {
        "flask": [sys.executable, "-m", "flask", "--app", "wsgi", "odr", "serve", "--port", port],
        "gunicorn": [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
    }[server]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Database connections do not fit" in done.stdout + done.stderr
