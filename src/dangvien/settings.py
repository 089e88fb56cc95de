"""One settings module, driven by DANGVIEN_* environment variables (see README).

Typed helpers fail loudly on a malformed value; the defaults let a fresh clone run.
A production deployment (DANGVIEN_DEBUG off) refuses unsafe settings at start-up
through the `dangvien.core.checks` deploy checks and `_refuse_unsafe()` below.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(f"DANGVIEN_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(f"DANGVIEN_{name}")
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"DANGVIEN_{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(f"DANGVIEN_{name}")
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DANGVIEN_{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(f"DANGVIEN_{name}")
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Command-line tools and tests run with the defaults; `serve` in production refuses them.
PRODUCTION = env_bool("PRODUCTION", False)


def _secret_key() -> str:
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    # First run: generate a key into the data folder, readable only by its owner.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> bytes:
    """The audit chain's HMAC key. Kept outside the database (the environment, or a file in
    the data folder that `dangvien backup` does not copy), so that whoever can rewrite the
    log's rows cannot recompute its hashes."""
    configured = env_str("AUDIT_KEY")
    if configured:
        return configured.encode()
    key_file = DATA_DIR / "audit_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip().encode()


AUDIT_KEY = _audit_key()
# Where `dangvien audit anchor` appends the chain's head and `audit verify` reads it back.
AUDIT_ANCHOR_FILE = Path(env_str("AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit_anchors.txt")))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # the API's documentation from its own static files, never a CDN
    "django_tasks",
    "django_tasks_db",
    "dangvien.core",
    "dangvien.accounts",
    "dangvien.orgs",
    "dangvien.people",
    "dangvien.members",
    "dangvien.rules",
    "dangvien.candidates",
    "dangvien.committees",
    "dangvien.cases",
    "dangvien.watch",
    "dangvien.documents",
    "dangvien.targets",
    "dangvien.ratings",
    "dangvien.reports",
    "dangvien.web",
    "dangvien.api",
    "dangvien.cli",
    "dangvien.jobs",
]

MIDDLEWARE = [
    "dangvien.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangvien.core.middleware.RefuseControlCharactersMiddleware",
    "dangvien.core.middleware.SessionMiddleware",
    "dangvien.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dangvien.core.middleware.ReplicaPinMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "dangvien.core.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangvien.accounts.middleware.LoginRequiredMiddleware",
    "dangvien.accounts.middleware.SecondFactorMiddleware",
    "dangvien.web.middleware.NotFoundMiddleware",
    "dangvien.web.unavailable.DatabaseUnavailableMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles from our own files only; no
# inline script, event handler or style attribute (bars get their width from app.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "dangvien.urls"
WSGI_APPLICATION = "dangvien.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dangvien.web.context.scope",
            ],
        },
    },
]


def database(url: str, *, conn_max_age: int) -> dict[str, Any]:
    """dj-database-url's reading of a URL, plus PostgreSQL's multi-host form for a
    failover pair or cluster: postgres://user:pw@host1:5432,host2:5432/name?target_session_attrs=read-write
    (libpq tries the hosts in turn and keeps the one that accepts writes). PostgreSQL
    connections are checked before each request reuses them, so a server that went away
    in a failover is dropped and the next one found."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql") and "," in parts.netloc:
        userinfo, _, hostlist = parts.netloc.rpartition("@")
        user, _, password = userinfo.partition(":")
        hosts, ports = [], []
        for item in hostlist.split(","):
            host, _, port = item.rpartition(":") if ":" in item else (item, "", "")
            hosts.append(host)
            ports.append(port or "5432")
        db: dict[str, Any] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(user),
            "PASSWORD": unquote(password),
            "HOST": ",".join(hosts),
            "PORT": ",".join(ports),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": conn_max_age,
        }
    else:
        db = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    if db["ENGINE"] == "django.db.backends.postgresql":
        db["CONN_HEALTH_CHECKS"] = True
        # Behind PgBouncer in transaction mode a server-side cursor (iterator()) would land
        # on another server connection: Django's documented setting for that case.
        db["DISABLE_SERVER_SIDE_CURSORS"] = env_str("DB_POOLER") == "transaction"
        # A dead host is given up in seconds, not at the TCP timeout (minutes).
        db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    return db


_default_db = f"sqlite:///{DATA_DIR / 'dangvien.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_db)
DATABASES = {"default": database(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; the busy timeout waits for the lock
    # instead of failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if "pytest" in sys.modules and env_str("TEST_DATABASE_URL"):
    DATABASES["default"] = database(env_str("TEST_DATABASE_URL"), conn_max_age=0)
# Reports group a province's period rows by several dimensions at once; with PostgreSQL's
# default 4 MB the planner sorts them on disk. Memory per sort or hash, per connection.
DB_WORK_MEM = env_str("DB_WORK_MEM", "64MB").strip()
if not re.fullmatch(r"\d{1,6}(kB|MB|GB)", DB_WORK_MEM):
    raise ImproperlyConfigured(f"DANGVIEN_DB_WORK_MEM must look like 64MB, not {DB_WORK_MEM!r}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c work_mem={DB_WORK_MEM}"
# Long work runs as jobs in `dangvien worker` (issue 22): Django's task framework
# (django-tasks, the backport of Django 6's django.tasks) with its database backend, so a
# commune's laptop needs nothing but its SQLite file and a province nothing but PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOB_LOST_AFTER_SECONDS = env_int("JOB_LOST_AFTER_SECONDS", 45)
JOB_MODULES = ["dangvien.ops.work", "dangvien.web.work"]
# A running job's progress and heartbeat, read by every web process and written by the
# worker: Redis when there is one (several app servers), else files in the data folder.
REDIS_URL = env_str("REDIS_URL")
_TEST_WORKER = f"-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}" if "pytest" in sys.modules else ""
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dangvien",
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            # One folder per test process: each test empties its own.
            "LOCATION": str(DATA_DIR / f"cache-jobs{_TEST_WORKER}"),
        }
    ),
}
# A streaming replica for the pages that only read (core/replica.py); a user who has just
# written reads the primary for REPLICA_PIN_SECONDS.
REPLICA_URL = env_str("DATABASE_REPLICA_URL")
SERVER_TIMING = env_bool("SERVER_TIMING", False)
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 15)
if REPLICA_URL:
    DATABASES["replica"] = database(REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DANGVIEN_DATABASE_REPLICA_URL must be a PostgreSQL URL (postgres://…)")
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {})}
    # The suite's databases are made on the primary; the replica receives them by streaming.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"} if "pytest" in sys.modules else {}
DATABASE_ROUTERS = ["dangvien.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if "pytest" in sys.modules:
    # The suite makes six accounts per test: argon2's deliberate slowness there is only
    # waiting (Django's testing documentation recommends a fast hasher for tests). The
    # command-line tests run the real program, with argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection: LOGIN_MAX_FAILURES failures in a row lock the account name for
# LOGIN_LOCK_MINUTES; an idle session ends after SESSION_IDLE_MINUTES.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# Renewed at most once a minute by core.middleware.SessionMiddleware, not at every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; see base.html
SECURE_COOKIES = env_bool("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Behind a TLS-terminating reverse proxy (nginx) that sets X-Forwarded-Proto.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", SECURE_COOKIES)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
# Deployments are on internal hostnames of a committee's network: other hosts under the
# same domain are not ours to force onto HTTPS, and the public preload list does not apply.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The language of the command line, of notification mail and of a page before its reader
# chooses one; each reader's choice (a cookie) overrides it on the web.
LANGUAGE_CODE = env_str("LANGUAGE", "vi")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"DANGVIEN_LANGUAGE must be vi or en, not {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["dangvien.formats"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders too, so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Two factors (TOTP and recovery codes, django-otp): always for administrators; for the
# committees' staff when this is on; any other user may turn them on for their account.
OTP_STAFF = env_bool("OTP_STAFF", False)
OTP_TOTP_ISSUER = "dangvien"
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 200)
# Checked before parsing (uncompressed size of an XLSX) and while reading (rows), web only.
IMPORT_MAX_UNCOMPRESSED_MB = env_int("IMPORT_MAX_UNCOMPRESSED_MB", 400)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)

# No mail server set: digests are not sent anywhere, and never printed (the cron line appends
# standard output to a log, which must not collect members' names).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "dangvien@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Request bodies and query strings may hold names and ID numbers: never log them.
    "loggers": {"django.request": {"level": "ERROR"}, "django.db.backends": {"level": "WARNING"}},
}


def _refuse_unsafe() -> None:
    if not PRODUCTION:
        return
    problems = []
    if DEBUG:
        problems.append("DANGVIEN_DEBUG is on")
    if not env_str("SECRET_KEY"):
        problems.append("DANGVIEN_SECRET_KEY is not set")
    elif len(SECRET_KEY) < 40:
        problems.append("DANGVIEN_SECRET_KEY is shorter than 40 characters")
    if any(host == "*" for host in ALLOWED_HOSTS):
        problems.append("DANGVIEN_ALLOWED_HOSTS contains '*'")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))


_refuse_unsafe()
