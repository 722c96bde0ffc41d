"""Settings shared by every environment (``dev``, ``test``, ``prod`` build on it).

Database: SQLite file under ``$MUTUELLE_DATA_DIR`` (default ``./var``) with no configuration;
PostgreSQL (or any database) through ``DATABASE_URL`` (dj-database-url, psycopg 3). The data
folder is created 0700, the SQLite file 0600 (uploads 0600 in 0700 folders, logs in ``logs/``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

WEB_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MUTUELLE_DATA_DIR", Path.cwd() / "var"))


def private_dir(path: Path) -> Path:
    """A folder only this account reads (0700), created if needed."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


# True only under settings.prod: demonstration data refused, 2FA exemptions ignored, the
# system checks of mutuelle.web.security.checks enforced.
MUTUELLE_PRODUCTION = False

SECRET_KEY = os.environ.get("MUTUELLE_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("MUTUELLE_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules",
    "pgtrigger",
    "pghistory",
    "mutuelle.web.members",
    "mutuelle.web.journal",
    "mutuelle.web.documents",
    "mutuelle.web.public",
    "mutuelle.web.api",
    "mutuelle.web.jobs",
    "mutuelle.web.payments",
    "mutuelle.web.reporting",
    "mutuelle.web.security",
    "mutuelle.web.billing",
    "mutuelle.web.claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mutuelle.web.security.limits.RequestSizeMiddleware",
    "mutuelle.web.api.middleware.ApiJsonMiddleware",  # issue 12: JSON only under /api/
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mutuelle.web.security.staff.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last (django-axes): turns a lockout into its page
]

# Staff authentication (mutuelle.web.security.staff): django-axes counts the failures, the
# rules backend answers object-level permissions, then Django's own backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5  # wrong passwords of one account from one address, then locked
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = None  # locked until an administrator unlocks (« Tentatives d'accès »)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_CLIENT_IP_CALLABLE = "mutuelle.web.security.net.axes_client_ip"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Mutuelle communale"
MUTUELLE_OTP_EXEMPT_USERS: list[str] = []  # settings.dev only (the demonstration account)
MUTUELLE_STAFF_SESSION_IDLE = 30 * 60  # a staff session ends after 30 min without a request
MUTUELLE_STAFF_SESSION_MAX = 10 * 3600  # and 10 h after the login
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); the
# client address of rate limits, lockouts and the access log (mutuelle.web.security.net).
MUTUELLE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("MUTUELLE_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Writes recorded by database triggers (django-pghistory, PostgreSQL): the triggers are
# installed after each migrate instead of living in the tracked apps' migrations.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# No pghistory context middleware: it prepends a SQL statement to every query of a request,
# and under load with psycopg 3 the results came back out of step (HTTP 500 on the session
# save, bench/load.py). Who acted and from which page is in the act history (members.Event)
# and the access log; the triggers record what changed and when.

# Keys of the encrypted columns (IBAN): Fernet keys, comma-separated, the first encrypts
# (mutuelle.web.security.fields; rotation: mutuelle rotate-keys). settings.prod requires it.
MUTUELLE_FIELD_KEYS = [
    k.strip() for k in os.environ.get("MUTUELLE_FIELD_KEYS", "").split(",") if k.strip()
]

# Content-Security-Policy (django-csp 4): no inline script anywhere (the public pages' script
# is site.js, the API docs' are static files); inline style attributes are allowed (admin,
# charts, API docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "mutuelle.web.urls"
WSGI_APPLICATION = "mutuelle.web.wsgi.application"

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
            ],
        },
    },
]


def database_from_env() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60))
    path = private_dir(DATA_DIR) / "mutuelle.sqlite3"
    # The file holds health data: created 0600 (SQLite gives its journal the same mode).
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Writers queue instead of failing (« database is locked ») when requests overlap.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }


DATABASES = {"default": database_from_env()}
# Batch runs (mutuelle.web.jobs): on PostgreSQL, Procrastinate's worker runs them (its tables
# are PostgreSQL-only); on SQLite, ``mutuelle serve`` runs them in a background thread.
if "postgresql" in str(DATABASES["default"]["ENGINE"]):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("mutuelle.web.jobs"), "procrastinate.contrib.django")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "admin:login"

# The public site (issue 5) --------------------------------------------------------------------

# Cache: rate limits and the CSS parameters. Zero configuration: this process's memory (each
# server process counts on its own). MUTUELLE_REDIS_URL (e.g. redis://127.0.0.1:6379/0) shares
# the counts between processes.
_REDIS_URL = os.environ.get("MUTUELLE_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Rate limits of the public pages and API (``mutuelle.web.public.ratelimit``): requests per
# client address and window. MUTUELLE_RATE_LIMIT_SCALE multiplies them (0 turns them off).
MUTUELLE_RATE_LIMITS = {
    "compute": (60, 60),  # simulator, CSS screening, needs advice, API quote/css/reimburse
    "adhesion": (10, 3600),  # adhesion requests
    "upload": (30, 3600),  # justificatifs
    "pdf": (20, 3600),  # the request's PDF summary (about 0.5 s of CPU each)
    "login": (20, 600),  # back-office login attempts per address (then django-axes locks)
}
MUTUELLE_RATE_LIMIT_SCALE = float(os.environ.get("MUTUELLE_RATE_LIMIT_SCALE", "1"))

# Justificatifs sent with an online request: kept on disk outside any served folder, read by
# staff through the back office only.
MEDIA_ROOT = DATA_DIR / "justificatifs"
MUTUELLE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
# Bounds checked before reading (mutuelle.web.security.limits): the whole body, the form
# fields held in memory, one file per request, each file while it streams in.
MUTUELLE_MAX_REQUEST_BYTES = MUTUELLE_UPLOAD_MAX_BYTES + 512 * 1024
MUTUELLE_UPLOAD_MAX_FILES = 1
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 2  # Django's own bound, above ours (which says why)
FILE_UPLOAD_HANDLERS = [
    "mutuelle.web.security.limits.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Parsing bounds of the justificatifs (mutuelle.web.security.filecheck).
MUTUELLE_PDF_MAX_PAGES = 50
MUTUELLE_PDF_MAX_OBJECTS = 20_000
MUTUELLE_PDF_MAX_DECODED_BYTES = 50 * 1024 * 1024
MUTUELLE_IMAGE_MAX_PIXELS = 40_000_000

CSRF_FAILURE_VIEW = "mutuelle.web.public.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 14 * 24 * 3600  # a visitor may come back to add justificatifs

# The offer the back office works with (``mutuelle.offers``): the latest by default.
MUTUELLE_OFFER = os.environ.get("MUTUELLE_OFFER", "")

# SEPA (mutuelle.web.payments) ---------------------------------------------------------------
# The creditor's identity is not in the texts (interpretation G-55): name, ICS, IBAN, BIC and
# address come from the environment in production; without them no SEPA file is produced.
# The dev and test settings hold clearly fake demonstration values.
MUTUELLE_CREDITOR = {
    "name": os.environ.get("MUTUELLE_CREDITOR_NAME", ""),
    "ics": os.environ.get("MUTUELLE_CREDITOR_ICS", ""),
    "iban": os.environ.get("MUTUELLE_CREDITOR_IBAN", ""),
    "bic": os.environ.get("MUTUELLE_CREDITOR_BIC", ""),
    "street": os.environ.get("MUTUELLE_CREDITOR_STREET", ""),
    "building": os.environ.get("MUTUELLE_CREDITOR_BUILDING", ""),
    "postcode": os.environ.get("MUTUELLE_CREDITOR_POSTCODE", ""),
    "town": os.environ.get("MUTUELLE_CREDITOR_TOWN", ""),
    "country": os.environ.get("MUTUELLE_CREDITOR_COUNTRY", "FR"),
}
# pain.008 version: the EPC 2019 one by default; "pain.008.001.02" if the partner bank asks.
MUTUELLE_SEPA_DEBIT_SCHEMA = os.environ.get("MUTUELLE_SEPA_DEBIT_SCHEMA", "pain.008.001.08")
# Produced SEPA files and imported bank returns are kept here (never served).
MUTUELLE_SEPA_DIR = Path(os.environ.get("MUTUELLE_SEPA_DIR", DATA_DIR / "sepa"))


# Logging: tracebacks (django.request), failed logins, lockouts, refused acts
# (mutuelle.security) to stderr and to a rotating file under the data folder; each line carries
# the incident number of a server error and the client address.
def logging_config(log_dir: Path | None) -> dict[str, object]:
    handlers: dict[str, object] = {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request"],
        }
    }
    if log_dir is not None:
        handlers["file"] = {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(private_dir(log_dir) / "mutuelle.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 10,
            "encoding": "utf-8",
            "formatter": "line",
            "filters": ["request"],
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "mutuelle.web.security.incidents.RequestContextFilter"}},
        "formatters": {
            "line": {
                "format": "%(asctime)s %(levelname)s %(name)s incident=%(incident)s "
                "client=%(client)s %(message)s"
            }
        },
        "handlers": handlers,
        "root": {"handlers": list(handlers), "level": "WARNING"},
        "loggers": {
            "mutuelle": {"level": "INFO"},
            "axes": {"level": "WARNING"},
        },
    }


LOGGING = logging_config(None)  # dev and prod add the file under the data folder
