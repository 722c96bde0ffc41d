"""The test suite: SQLite in memory unless ``DATABASE_URL`` names a server (CI: PostgreSQL)."""

from mutuelle.web.security.devkeys import DEV_FIELD_KEY
from mutuelle.web.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "«variable inconnue : %s»"  # noqa: F405
MUTUELLE_FIELD_KEYS = [DEV_FIELD_KEY]
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # static files from the apps' folders (whitenoise finders)
WHITENOISE_AUTOREFRESH = True
