"""Fixtures: one migrated database per run; each test in a transaction that is rolled back.

Set ODR_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run on PostgreSQL.
"""

import os
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

import config as config_module
from odr import create_app
from odr.accounts.auth import hash_password
from odr.accounts.models import Organisation, OrgKind, PartyKind, Role, User
from odr.cases import operations as case_ops
from odr.core.db import utcnow
from odr.core.identifiers import id_check_char, uscc_check_char
from odr.extensions import db as _db
from tests.agreement_support import courts, effective, in_mediation, liaison  # noqa: F401  (agreement fixtures)
from tests.arbitration_support import (  # noqa: F401  (arbitration fixtures)
    commission,
    commission_clerk,
    failed_case,
    panel,
)
from tests.browser_support import browser, server  # noqa: F401  (shared browser-test fixtures)
from tests.registry_support import entity, officer  # noqa: F401  (list-of-infringers fixtures)
from tests.room_support import mediation, room_limits  # noqa: F401  (a case in mediation with its rooms)
from tests.stats_support import stats_data  # noqa: F401  (the statistics' data set)

PASSWORD = "Secret-Wuzhou-2026"  # passes the password policy (odr.accounts.passwords)


def _reset_database(engine):
    """Drop everything in the test database so the migrations build it from nothing."""
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in reversed(meta.sorted_tables):
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}"'))


def _worker_database(url):
    """The database of this pytest-xdist worker: its own copy beside URL's, made when missing,
    so that `pytest -n 2` on PostgreSQL never has two workers rebuilding one schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    maintenance = base.set(database="postgres")
    engine = sa.create_engine(maintenance, poolclass=sa.pool.NullPool)
    # (per connection: odr.core.db's begin hook sets each transaction's autocommit unless told so)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    cfg = config_module.Testing()
    if not os.environ.get("ODR_TEST_DATABASE_URL"):
        cfg.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    elif cfg.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        cfg.SQLALCHEMY_DATABASE_URI = _worker_database(cfg.SQLALCHEMY_DATABASE_URI)
    cfg.FILE_STORAGE_DIR = str(tmp_path_factory.mktemp("files"))
    app = create_app(cfg)
    app.test_client_class = Client
    with app.app_context():
        _reset_database(_db.engine)
        from flask_migrate import upgrade

        upgrade()
    return app


class ConnectionBoundSession(FlaskSQLAlchemySession):
    """A session that always uses the test's connection (Flask-SQLAlchemy would pick the engine)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def db(app, tmp_path, monkeypatch):
    """The database session of the test, inside a transaction rolled back at the end; the audit
    checkpoints it anchors go to a log of its own, as its chain entries are its own."""
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_LOG", str(tmp_path / "audit-checkpoints.log"))
    monkeypatch.setitem(app.config, "AUDIT_VERIFIED_FILE", str(tmp_path / "audit-verified.json"))
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": ConnectionBoundSession,
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


class Client(FlaskClient):
    """A test client whose every request runs in its own app context and database session,
    as in a real server, and that expires the test's objects afterwards so they are re-read."""

    def open(self, *args, **kwargs):
        _db.session.flush()  # what the test set up is visible to the request, as if committed
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response

    def login(self, user):
        """Sign USER in: a server-side session, and its token in this client's session cookie."""
        from odr.accounts.sessions import token_for_test

        token = token_for_test(user)
        with self.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session["sid"] = token
        return self


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make_client(app, db):
    """Another browser: make_client(user) is a client signed in as USER."""

    def make(user=None):
        client = app.test_client()
        return client.login(user) if user else client

    return make


_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


REPRESENTATIVE_NAMES = ("王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇")


def valid_uscc(n):
    first = f"9145040{n:010d}"[:17]
    return first + uscc_check_char(first)


def valid_id_number(n):
    first = f"45040019850101{n % 1000:03d}"
    return first + id_check_char(first)


@pytest.fixture
def make_org(db):
    def make(kind=OrgKind.MEDIATION_COMMITTEE, name=None, **kw):
        org = Organisation(name=name or f"组织{_next()}", kind=kind, name_en=kw.pop("name_en", None), **kw)
        db.session.add(org)
        db.session.flush()
        return org

    return make


@pytest.fixture
def mediation_org(make_org):
    return make_org(
        OrgKind.MEDIATION_COMMITTEE,
        name="梧州市知识产权纠纷人民调解委员会（测试）",
        name_en="Test Mediation Committee",
    )


@pytest.fixture
def make_user(db):
    def make(*roles, organisation=None, party_kind=None, password=PASSWORD, verified=True, **kw):
        """A user; a party's account is verified to hold its number unless VERIFIED is False."""
        n = _next()
        roles = roles or (Role.PARTY,)
        if Role.PARTY in roles and party_kind is None:
            party_kind = PartyKind.COMPANY
        user = User(
            email=kw.pop("email", f"user{n}@example.com"),
            name=kw.pop("name", None) or f"用户{n}",
            password_hash=hash_password(password),
            locale=kw.pop("locale", "en"),
            organisation=organisation,
            party_kind=party_kind,
            credit_code=kw.pop("credit_code", valid_uscc(n) if party_kind == PartyKind.COMPANY else None),
            id_number=kw.pop("id_number", valid_id_number(n) if party_kind == PartyKind.PERSON else None),
            phone=kw.pop("phone", "13800000000"),
            legal_representative=kw.pop(
                "legal_representative",
                REPRESENTATIVE_NAMES[n % len(REPRESENTATIVE_NAMES)]
                if party_kind == PartyKind.COMPANY
                else None,
            ),
            **kw,
        )
        for role in roles:
            user.add_role(role)
        if verified and user.identity_number:
            user.verified_number = user.identity_number
            user.verified_at = utcnow()
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def clerk(make_user, mediation_org):
    return make_user(Role.CLERK, organisation=mediation_org, name="书记员")


@pytest.fixture
def claimant(make_user):
    return make_user(Role.PARTY, name="梧州茂圣六堡茶业有限公司")


@pytest.fixture
def respondent(make_user):
    return make_user(Role.PARTY, name="苍梧县聚香茶叶商行")


def respondent_data(user=None, **kw):
    data = {
        "kind": "company",
        "name": "某某商行",
        "credit_code": valid_uscc(_next()),
        "phone": "13900000000",
        "email": None,
        "is_foreign": False,
        "representative": "周建国",
    }
    if user is not None:
        data.update(
            name=user.name,
            credit_code=user.credit_code,
            email=user.email,
            representative=user.legal_representative,
        )
    data.update(kw)
    return data


@pytest.fixture
def make_case(db, claimant, mediation_org):
    """make_case(respondents=[...], **fields) files a case as CLAIMANT; respondents are dicts or users."""

    def make(respondents=None, filer=None, **fields):
        values = {
            "title": "“六堡茶”地理标志侵权纠纷",
            "ip_type": "geographical_indication",
            "dispute_kind": "infringement",
            "industry": "liubao_tea",
            "place": "ecommerce_platform",
            "claim_amount": Decimal("80000.00"),
            "remedies": "停止侵权，赔偿损失。",
            "facts": "被申请人在网店销售假冒六堡茶。",
            "channel": "self_filed",
            "online_consent": True,
        }
        values.update(fields)
        respondents = [
            r if isinstance(r, dict) else respondent_data(r) for r in (respondents or [respondent_data()])
        ]
        return case_ops.file_case(
            filer or claimant, organisation=mediation_org, respondents=respondents, **values
        )

    return make
