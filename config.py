"""Configuration of the platform.

Values come from environment variables, read when an instance is made (by ``create_app``),
never when this module is imported.
"""

import os
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _roles(value):
    """A comma-separated list of role names ("admin,court_liaison"); "none" or empty for none."""
    return [r.strip() for r in (value or "").split(",") if r.strip() and r.strip() != "none"]


def _non_negative(name, default):
    value = _env(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise RuntimeError(f"{name} must be a whole number, 0 or more (got {value!r})")
    return number


class Config:
    """Settings shared by every environment."""

    def __init__(self):
        self.SECRET_KEY = _env("SECRET_KEY", "dev-only-secret-key-change-me")
        self.SQLALCHEMY_DATABASE_URI = _env(
            "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'odr.sqlite3'}"
        )
        # A connection idle for a while is pinged before use (odr/core/db.py), not each one.
        self.SQLALCHEMY_ENGINE_OPTIONS = {}
        # How many server processes share the database (checked against PostgreSQL at start-up).
        self.SERVER_PROCESSES = int(_env("SERVER_PROCESSES", 1))
        self.DATABASE_SPARE_CONNECTIONS = int(_env("DATABASE_SPARE_CONNECTIONS", 5))
        if not self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            # Transactions are short: a few connections per process serve many handlers, and a
            # handler that cannot get one within the timeout answers "busy" instead of waiting.
            self.SQLALCHEMY_ENGINE_OPTIONS.update(
                pool_size=int(_env("DATABASE_POOL_SIZE", 10)),
                max_overflow=int(_env("DATABASE_MAX_OVERFLOW", 10)),
                pool_timeout=float(_env("DATABASE_POOL_TIMEOUT", 5)),
            )
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            # Settings of each PostgreSQL session. JIT compilation pays off for long reports, not
            # for a web page's short statements: it added 0.3-1 s to plans the planner thought big.
            self.SQLALCHEMY_ENGINE_OPTIONS["connect_args"] = {
                "options": _env("DATABASE_SESSION_OPTIONS", "-c jit=off")
            }
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # a session unused this long ends
        self.REMEMBER_DAYS = min(int(_env("REMEMBER_DAYS", 14)), 14)  # keep-me-signed-in, 14 days at most
        self.MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", 50 * 1024 * 1024))
        self.MAX_UPLOAD_BYTES = int(_env("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
        self.EVIDENCE_MAX_BYTES = int(_env("EVIDENCE_MAX_BYTES", 40 * 1024 * 1024))
        self.FILE_STORAGE_DIR = _env("FILE_STORAGE_DIR", str(BASE_DIR / "instance" / "files"))
        # How many proxies in front of the platform set X-Forwarded-For/-Proto/-Host (0: none, trust
        # no such header). Behind one nginx: 1.
        self.TRUSTED_PROXIES = _non_negative("TRUSTED_PROXIES", 0)
        # Strict-Transport-Security max-age; on in production only (its pages are served over HTTPS).
        self.HSTS_SECONDS = 0

        # Languages and time: the UI speaks Chinese and English; times show in Beijing time.
        self.LANGUAGES = ["zh_CN", "en"]
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "odr" / "translations")

        # Passwords (argon2id) and sign-in protection.
        self.ARGON2_TIME_COST = int(_env("ARGON2_TIME_COST", 3))
        self.ARGON2_MEMORY_COST = int(_env("ARGON2_MEMORY_COST", 65536))
        self.ARGON2_PARALLELISM = int(_env("ARGON2_PARALLELISM", 4))
        # Failed sign-ins slow down further tries (never lock an account): after this many failures
        # for one e-mail from one address, from one address, or for one e-mail from anywhere.
        self.LOGIN_FREE_FAILURES = {
            "account_and_address": int(_env("LOGIN_FREE_FAILURES_ACCOUNT_ADDRESS", 3)),
            "address": int(_env("LOGIN_FREE_FAILURES_ADDRESS", 10)),
            "account": int(_env("LOGIN_FREE_FAILURES_ACCOUNT", 20)),
        }
        self.LOGIN_FAILURE_WINDOW = timedelta(minutes=int(_env("LOGIN_FAILURE_WINDOW_MINUTES", 15)))
        self.LOGIN_MAX_DELAY_SECONDS = int(_env("LOGIN_MAX_DELAY_SECONDS", 300))
        self.PASSWORD_RESET_MINUTES = int(_env("PASSWORD_RESET_MINUTES", 60))
        # Roles that must sign in with a second factor (TOTP); off in the development demo.
        self.TWO_FACTOR_REQUIRED_ROLES = _roles(_env("TWO_FACTOR_REQUIRED_ROLES", ""))
        self.RATELIMIT_ENABLED = True
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "20 per minute")

        # Socket.IO: several processes share rooms through a message queue (Redis URL).
        self.SOCKETIO_MESSAGE_QUEUE = _env("SOCKETIO_MESSAGE_QUEUE")
        self.SOCKETIO_CHANNEL = _env("SOCKETIO_CHANNEL", "odr-socketio")
        # How a process holds its connections: `threading` (a thread each, simple-websocket; the
        # measured choice, see README) or `gevent` (a greenlet each; python -m odr.serve).
        self.SOCKETIO_ASYNC_MODE = _env("SOCKETIO_ASYNC_MODE", "threading")
        if self.SOCKETIO_ASYNC_MODE not in ("gevent", "threading"):
            raise RuntimeError("SOCKETIO_ASYNC_MODE must be gevent or threading")
        if self.SOCKETIO_ASYNC_MODE == "gevent" and self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            # A wait for SQLite's write lock blocks the whole process, the lock's holder included.
            raise RuntimeError("SOCKETIO_ASYNC_MODE=gevent needs PostgreSQL (DATABASE_URL)")
        self.ROOM_MESSAGE_MAX_CHARS = int(_env("ROOM_MESSAGE_MAX_CHARS", 4000))
        # Per user and event type (ROOM_RATE_LIMIT_<EVENT> overrides one; ROOM_RATE_LIMIT is `send`'s).
        defaults = {
            "connect": "30 per minute",  # page loads and reconnects
            "join": "60 per minute",
            "leave": "60 per minute",
            "send": _env("ROOM_RATE_LIMIT", "20 per 10 seconds"),
            "sync": "30 per 10 seconds",  # a client catching up asks page after page
            "history": "30 per minute",
            "typing": "20 per 10 seconds",  # the page says so at most once a second or two
            "read": "30 per 10 seconds",
        }
        self.ROOM_RATE_LIMITS = {
            event: _env(f"ROOM_RATE_LIMIT_{event.upper()}", limit) for event, limit in defaults.items()
        }
        self.ROOM_FILE_MAX_BYTES = int(_env("ROOM_FILE_MAX_BYTES", 10 * 1024 * 1024))

        # Case numbers and time limits (DESIGN §7).
        self.CASE_NUMBER_PREFIX = _env("CASE_NUMBER_PREFIX", "WZIP")
        self.RESPONDENT_ANSWER_DAYS = int(_env("RESPONDENT_ANSWER_DAYS", 7))
        self.INVITATION_VALID_DAYS = int(_env("INVITATION_VALID_DAYS", 7))
        self.EXPERT_ANSWER_HOURS = int(_env("EXPERT_ANSWER_HOURS", 48))
        # The deadline sweep: how often, and whether `flask odr serve` / wsgi.py run it in-process.
        self.SCHEDULER_SECONDS = int(_env("SCHEDULER_SECONDS", 60))
        # E-mail: without SMTP_HOST the mails stay in the outbox (admin page).
        self.SMTP_HOST = _env("SMTP_HOST")
        self.SMTP_PORT = int(_env("SMTP_PORT", 25))
        self.SMTP_USER = _env("SMTP_USER")
        self.SMTP_PASSWORD = _env("SMTP_PASSWORD")
        self.SMTP_STARTTLS = _env("SMTP_STARTTLS", "0") == "1"
        self.MAIL_FROM = _env("MAIL_FROM", "noreply@odr.example.cn")
        # Where the platform is reached, for links in mails sent outside a request (a sweep, a command).
        self.PUBLIC_URL = _env("PUBLIC_URL", "http://127.0.0.1:5000")
        self.SCHEDULER_IN_WEB_PROCESS = _env("SCHEDULER_IN_WEB_PROCESS", "1") == "1"
        self.INVESTIGATOR_NOTICE_DAYS = int(_env("INVESTIGATOR_NOTICE_DAYS", 3))

        # Triage (繁简分流): what puts a case on the complex track.
        self.TRIAGE_COMPLEX_CLAIM_AMOUNT = Decimal(_env("TRIAGE_COMPLEX_CLAIM_AMOUNT", "500000"))
        self.TRIAGE_TECHNICAL_IP_TYPES = _env(
            "TRIAGE_TECHNICAL_IP_TYPES",
            "invention_patent,utility_model,software_copyright,trade_secret,plant_variety,ic_layout",
        ).split(",")
        self.TRIAGE_MAX_SIMPLE_RESPONDENTS = int(_env("TRIAGE_MAX_SIMPLE_RESPONDENTS", 1))
        self.MEDIATION_PERIOD_DAYS = {
            "simple": int(_env("MEDIATION_PERIOD_SIMPLE_DAYS", 15)),
            "complex": int(_env("MEDIATION_PERIOD_COMPLEX_DAYS", 30)),
        }
        # The most one agreed extension may add to the mediation period.
        self.MEDIATION_EXTENSION_MAX_DAYS = int(_env("MEDIATION_EXTENSION_MAX_DAYS", 30))

        # Judicial confirmation and enforcement (DESIGN §5): time limits and the competent court.
        self.CONFIRMATION_WINDOW_DAYS = int(_env("CONFIRMATION_WINDOW_DAYS", 30))
        self.COURT_ACCEPTANCE_DAYS = int(_env("COURT_ACCEPTANCE_DAYS", 3))
        self.COURT_DECISION_DAYS = int(_env("COURT_DECISION_DAYS", 15))
        self.COURT_EXTENSION_DAYS = int(_env("COURT_EXTENSION_DAYS", 10))
        self.ENFORCEMENT_WINDOW_YEARS = int(_env("ENFORCEMENT_WINDOW_YEARS", 2))
        # IP types, and claim amounts from which, an intermediate court hears the dispute.
        self.COURT_INTERMEDIATE_IP_TYPES = _env(
            "COURT_INTERMEDIATE_IP_TYPES",
            "invention_patent,utility_model,plant_variety,ic_layout,trade_secret,software_copyright",
        ).split(",")
        self.COURT_INTERMEDIATE_CLAIM_AMOUNT = Decimal(_env("COURT_INTERMEDIATE_CLAIM_AMOUNT", "5000000"))

        # Arbitration (DESIGN §6): numbering and time limits of the arbitration commission.
        self.ARBITRATION_NUMBER_PREFIX = _env("ARBITRATION_NUMBER_PREFIX", "梧仲")
        self.ARBITRATION_ANSWER_DAYS = int(_env("ARBITRATION_ANSWER_DAYS", 15))
        self.ARBITRATION_NOMINATION_DAYS = int(_env("ARBITRATION_NOMINATION_DAYS", 15))
        # The award is due this many days after the tribunal is formed (expedited: the simple track).
        self.ARBITRATION_AWARD_DAYS_EXPEDITED = int(_env("ARBITRATION_AWARD_DAYS_EXPEDITED", 90))
        self.ARBITRATION_AWARD_DAYS = int(_env("ARBITRATION_AWARD_DAYS", 120))
        # The award is to be performed within this many days of its service (自送达之日起十日内).
        self.ARBITRATION_PERFORMANCE_DAYS = int(_env("ARBITRATION_PERFORMANCE_DAYS", 10))

        # The list of repeat and willful infringers (DESIGN §9): its rules and periods.
        self.REGISTRY_REPEAT_COUNT = int(_env("REGISTRY_REPEAT_COUNT", 2))
        self.REGISTRY_REPEAT_YEARS = int(_env("REGISTRY_REPEAT_YEARS", 5))
        self.REGISTRY_OBJECTION_DAYS = int(_env("REGISTRY_OBJECTION_DAYS", 15))
        self.REGISTRY_PUBLICATION_YEARS = int(_env("REGISTRY_PUBLICATION_YEARS", 3))
        self.REGISTRY_PUBLISHING_AUTHORITY = _env("REGISTRY_PUBLISHING_AUTHORITY", "梧州市市场监督管理局")

        # The audit chain's checkpoints (DESIGN §8), signed with an Ed25519 key kept outside the
        # database: AUDIT_SIGNING_KEY holds the key itself (PEM, or base64 of its 32 bytes), or
        # AUDIT_SIGNING_KEY_FILE names a PEM file. They are written to the anchors AUDIT_ANCHORS names
        # ("file": AUDIT_CHECKPOINT_LOG, an append-only file); `flask odr audit verify` remembers the
        # last checkpoint it verified in AUDIT_VERIFIED_FILE.
        instance = BASE_DIR / "instance"
        self.AUDIT_SIGNING_KEY = _env("AUDIT_SIGNING_KEY")
        self.AUDIT_SIGNING_KEY_FILE = _env("AUDIT_SIGNING_KEY_FILE", str(instance / "audit-signing-key.pem"))
        self.AUDIT_CREATE_KEY = False  # make a key file when there is none (development only)
        self.AUDIT_ANCHORS = _env("AUDIT_ANCHORS", "file")
        self.AUDIT_CHECKPOINT_LOG = _env("AUDIT_CHECKPOINT_LOG", str(instance / "audit-checkpoints.log"))
        self.AUDIT_VERIFIED_FILE = _env("AUDIT_VERIFIED_FILE", str(instance / "audit-verified.json"))
        # How often the scheduler signs the chain's head (besides every signature, award and ruling).
        self.AUDIT_CHECKPOINT_SECONDS = _non_negative("AUDIT_CHECKPOINT_SECONDS", 600)

        self.DEMO_PASSWORD = _env("DEMO_PASSWORD", "Demo-2026!")
        self.CASES_PER_PAGE = 20
        self.SEARCH_COUNT_BOUND = 100  # a search's matches are counted up to this ("more than 100")
        self.EXPERTS_PER_PAGE = 50  # the load table of the clerk's assignments overview
        self.OVERVIEW_ITEMS = 50  # the most of each short list there (requests, recusals, late notices)


class Development(Config):
    DEBUG = False

    def __init__(self):
        super().__init__()
        self.AUDIT_CREATE_KEY = _env("AUDIT_CREATE_KEY", "1") == "1"


class Testing(Config):
    TESTING = True

    def __init__(self):
        super().__init__()
        self.SECRET_KEY = "testing-secret-key"
        self.SQLALCHEMY_DATABASE_URI = _env("ODR_TEST_DATABASE_URL", "sqlite://")
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_ENABLED = False
        self.ROOM_RATE_LIMITS = dict.fromkeys(self.ROOM_RATE_LIMITS, "1000 per second")
        self.SOCKETIO_ASYNC_MODE = "threading"  # the test client runs handlers in the test's thread
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST = 8
        self.ARGON2_PARALLELISM = 1
        self.SERVER_NAME = None
        # A key of its own, made in a temporary directory, with the checkpoint log beside it.
        from odr.audit.signing import create_key_file

        audit_dir = Path(tempfile.mkdtemp(prefix="odr-test-audit-"))
        create_key_file(audit_dir / "audit-signing-key.pem")
        self.AUDIT_SIGNING_KEY = None
        self.AUDIT_SIGNING_KEY_FILE = str(audit_dir / "audit-signing-key.pem")
        self.AUDIT_CHECKPOINT_LOG = str(audit_dir / "audit-checkpoints.log")
        self.AUDIT_VERIFIED_FILE = str(audit_dir / "audit-verified.json")


class Production(Config):
    def __init__(self):
        super().__init__()
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not _env(name)]
        if not (_env("AUDIT_SIGNING_KEY") or _env("AUDIT_SIGNING_KEY_FILE")):
            missing.append("AUDIT_SIGNING_KEY_FILE (or AUDIT_SIGNING_KEY)")
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        self.TWO_FACTOR_REQUIRED_ROLES = _roles(_env("TWO_FACTOR_REQUIRED_ROLES", "admin,court_liaison"))
        self.SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "1") == "1"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.HSTS_SECONDS = _non_negative("HSTS_SECONDS", 365 * 24 * 3600)


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def load(name=None):
    """Return a configuration object for NAME (or ``ODR_CONFIG``, default development)."""
    name = name or _env("ODR_CONFIG", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"Unknown ODR_CONFIG {name!r}; use one of {', '.join(CONFIGS)}") from None
