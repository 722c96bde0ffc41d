"""Settings shared by every environment.

Database: SQLite file under ``$MUTUELLE_DATA_DIR`` (default ``./var``) with no configuration;
PostgreSQL (or any database) through ``DATABASE_URL`` (dj-database-url, psycopg 3).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

WEB_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MUTUELLE_DATA_DIR", Path.cwd() / "var"))

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
    "mutuelle.web.members",
    "mutuelle.web.journal",
    "mutuelle.web.documents",
    "mutuelle.web.public",
    "mutuelle.web.api",
    "mutuelle.web.jobs",
    "mutuelle.web.payments",
    "mutuelle.web.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "mutuelle.sqlite3")}


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
}
MUTUELLE_RATE_LIMIT_SCALE = float(os.environ.get("MUTUELLE_RATE_LIMIT_SCALE", "1"))

# Justificatifs sent with an online request: kept on disk outside any served folder, read by
# staff through the back office only.
MEDIA_ROOT = DATA_DIR / "justificatifs"
MUTUELLE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

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
