"""Django settings, read from the environment with defaults that work on a laptop.

Every variable is documented in README.md. Nothing here turns on DEBUG or
stores a secret in the repository: SECRET_KEY is generated once per data
folder when the environment does not provide it.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def _env_int(name: str, default: int, *, minimum: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {text!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _load_or_create_secret_key(data_dir: Path) -> str:
    # A generated key survives restarts so that sessions and key hashes stay valid.
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


DATA_DIR = Path(os.environ.get("JOBRIVER_DATA_DIR", Path.cwd() / "data")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY") or _load_or_create_secret_key(DATA_DIR)

DEBUG = _env_bool("DEBUG", False)

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    # Django's admin with Jobriver's admin site (see jobriver/adminsite/sites.py).
    "jobriver.adminsite.apps.JobriverAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # ninja's templates and static files: the API documentation page serves
    # Swagger UI from this server, not from a CDN.
    "ninja",
    "jobriver.api",
    "jobriver.companies",
    "jobriver.access",
    "jobriver.jobs",
    "jobriver.crm",
    "jobriver.dashboard",
]

MIDDLEWARE = [
    "jobriver.api.middleware.ApiRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jobriver.api.middleware.ApiLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jobriver.dashboard.middleware.PageSecurityHeadersMiddleware",
]

ROOT_URLCONF = "jobriver.urls"
WSGI_APPLICATION = "jobriver.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Searched before the apps' templates, so admin/base_site.html here replaces Django's.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite in the data folder unless DATABASE_URL names another one.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'jobriver.sqlite3'}",
        conn_max_age=_env_int("JOBRIVER_DB_CONN_MAX_AGE", 600, minimum=0),  # seconds
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two workers never both
        # read a counter and then write it: each transaction is serialised.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,  # seconds to wait for the write lock
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German first, English selectable.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Whitenoise serves the apps' static files directly, so no collectstatic step
# is needed; it still expects STATIC_ROOT to exist.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Security defaults; the HTTPS-only ones switch on with JOBRIVER_HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("JOBRIVER_HTTPS", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0  # one year

# The company dashboard's sign-in page, and where a successful sign-in lands.
LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:overview"

# E-mail (password reset links): printed to the server's output unless an
# SMTP server is configured with EMAIL_HOST.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = _env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Jobriver <noreply@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# API paths never redirect to add a slash; the API middleware strips one instead.
APPEND_SLASH = False

# Requests whose body is larger are answered 413 before anything reads them.
JOBRIVER_MAX_BODY_BYTES = _env_int("JOBRIVER_MAX_BODY_BYTES", 256 * 1024, minimum=1024)  # bytes
DATA_UPLOAD_MAX_MEMORY_SIZE = JOBRIVER_MAX_BODY_BYTES

# Key hashing uses its own secret so that rotating SECRET_KEY (sessions) and
# rotating key hashes are separate decisions. It defaults to SECRET_KEY.
JOBRIVER_KEY_HASH_SECRET = os.environ.get("JOBRIVER_KEY_HASH_SECRET") or SECRET_KEY

# Client addresses: proxies whose X-Forwarded-For is believed (comma-separated CIDRs).
JOBRIVER_TRUSTED_PROXIES = _env_list("JOBRIVER_TRUSTED_PROXIES")
if SESSION_COOKIE_SECURE and JOBRIVER_TRUSTED_PROXIES:
    # Behind a TLS-terminating proxy the server sees plain HTTP. Without the
    # proxy's X-Forwarded-Proto, Django would send no HSTS header and reject
    # the dashboard's HTTPS form posts as cross-origin (CSRF). Django believes
    # this header from any peer, so it is read only when a proxy is configured,
    # and ApiRequestMiddleware removes it from requests of other peers.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Shared counters. With REDIS_URL, the rate limits, the lockout and the usage
# counters live in Redis, so that several servers share them without a
# database write per request; without it they live in the database.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "REDIS_URL must start with redis://, rediss:// or unix://, e.g. redis://127.0.0.1:6379/0"
    )
# Prepended to every Redis key, so that several installations can share one Redis.
JOBRIVER_REDIS_PREFIX = os.environ.get("JOBRIVER_REDIS_PREFIX", "jobriver:")
# How often usage counts move from Redis to the database rows (seconds).
JOBRIVER_USAGE_FLUSH_SECONDS = _env_int("JOBRIVER_USAGE_FLUSH_SECONDS", 10, minimum=1)

# Defaults for companies and keys that do not set their own.
JOBRIVER_DEFAULT_RATE_LIMIT = _env_int("JOBRIVER_DEFAULT_RATE_LIMIT", 60, minimum=1)  # requests per minute

# Adds GET /api/v1/_floor: JSON through the same middleware and framework,
# with no authentication and no database access, the floor that
# docs/benchmarks.md compares every endpoint with. Off unless set.
JOBRIVER_BENCHMARK_FLOOR = _env_bool("JOBRIVER_BENCHMARK_FLOOR", False)

# Log lines: "plain" text, or "json" for one JSON object per line, for log
# collectors. JSON lines carry the fields that a call passes in `extra`
# (the API's request line: request_id, method, path, status, duration_ms,
# key_prefix, company_id) as keys of their own.
JOBRIVER_LOG_FORMAT = os.environ.get("JOBRIVER_LOG_FORMAT", "plain").strip().lower() or "plain"
if JOBRIVER_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"JOBRIVER_LOG_FORMAT must be plain or json, got {JOBRIVER_LOG_FORMAT!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": JOBRIVER_LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("JOBRIVER_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs every 4xx as a warning with the path; our own API log line covers it.
        "django.request": {"level": "ERROR"},
    },
}
