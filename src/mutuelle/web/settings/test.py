"""The test suite: SQLite in memory unless ``DATABASE_URL`` names a server (CI: PostgreSQL)."""

from mutuelle.web.security.devkeys import DEV_FIELD_KEY
from mutuelle.web.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "«variable inconnue : %s»"  # noqa: F405

# Demonstration creditor (G-55): clearly fake but valid identifiers — an ICS with a zero
# national number, an account « DEMO » at a real bank code so the BIC lookup works. The address
# is the mutual's seat as the texts give it (règlement particuliers, Définitions, seed l. 2194).
MUTUELLE_CREDITOR = {
    "name": "Mutuelle Entrenous - DEMONSTRATION",
    "ics": "FR76ZZZ000000",
    "iban": "FR29300060000000001DEMO0009",
    "bic": "",
    "street": "allée Albert Sylvestre",
    "building": "27",
    "postcode": "73000",
    "town": "Chambéry",
    "country": "FR",
}
MUTUELLE_FIELD_KEYS = [DEV_FIELD_KEY]
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # static files from the apps' folders (whitenoise finders)
WHITENOISE_AUTOREFRESH = True
