"""Production: every secret and host from the environment, refused without them.

Required: ``MUTUELLE_SECRET_KEY`` (50 characters or more), ``MUTUELLE_ALLOWED_HOSTS``
(comma-separated host names), ``MUTUELLE_FIELD_KEYS`` (Fernet keys of the encrypted IBANs,
comma-separated, the first encrypts) and ``DATABASE_URL`` (PostgreSQL). Optional:
``MUTUELLE_TRUSTED_PROXIES`` (the reverse proxy's address, so that X-Forwarded-For is
believed), ``MUTUELLE_REDIS_URL`` (rate limits shared by the server's processes),
``MUTUELLE_DATA_DIR`` (justificatifs, logs; default ./var).

HTTPS is expected at the reverse proxy, which sets ``X-Forwarded-Proto``; Django redirects
plain HTTP, sends HSTS for a year and marks its cookies Secure. ``mutuelle manage check
--deploy`` comes out clean with these settings (a test runs it).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from mutuelle.web.settings.base import *  # noqa: F403
from mutuelle.web.settings.base import DATA_DIR, logging_config


def _required(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} manquante : {why} (voir README, « Production »)")
    return value


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


MUTUELLE_PRODUCTION = True
DEBUG = False
SECRET_KEY = _required("MUTUELLE_SECRET_KEY", "la clé secrète de Django (50 caractères ou plus)")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("MUTUELLE_SECRET_KEY trop courte : 50 caractères au moins")
ALLOWED_HOSTS = _list(_required("MUTUELLE_ALLOWED_HOSTS", "les noms du site, séparés par ,"))
MUTUELLE_FIELD_KEYS = _list(
    _required(
        "MUTUELLE_FIELD_KEYS", "la clé de chiffrement des IBAN (mutuelle rotate-keys --new-key)"
    )
)
_required("DATABASE_URL", "la base PostgreSQL (postgres://utilisateur@hôte:5432/base)")
MUTUELLE_OTP_EXEMPT_USERS: list[str] = []

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]  # the proxy's health probe may speak plain HTTP
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# Static files with hashed names (cached for ever by browsers) served by whitenoise, compressed
# ahead (gzip, brotli) unless MUTUELLE_STATIC_COMPRESSION=0 (a proxy that compresses itself;
# the tests, where compressing every file takes half a minute).
_COMPRESS = os.environ.get("MUTUELLE_STATIC_COMPRESSION", "1") != "0"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _COMPRESS
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
LOGGING = logging_config(DATA_DIR / "logs")
