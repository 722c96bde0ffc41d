"""Local use and demonstration (``mutuelle serve``): a fixed development key, debug pages only
with MUTUELLE_DEBUG=1, the demonstration account ``demo`` let in without a TOTP code (the only
exemption; ``settings.prod`` refuses it — mutuelle.web.security.staff)."""

import os

from mutuelle.web.security.devkeys import DEV_FIELD_KEY
from mutuelle.web.settings.base import *  # noqa: F403
from mutuelle.web.settings.base import DATA_DIR, MUTUELLE_FIELD_KEYS, logging_config
from mutuelle.web.settings.base import SECRET_KEY as _KEY

# Debug pages are for developers (MUTUELLE_DEBUG=1); a visitor of the demonstration never sees a
# traceback. ``mutuelle serve`` serves the static files itself (whitenoise).
DEBUG = os.environ.get("MUTUELLE_DEBUG") == "1"
SECRET_KEY = _KEY or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

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
MUTUELLE_OTP_EXEMPT_USERS = ["demo"]
MUTUELLE_FIELD_KEYS = MUTUELLE_FIELD_KEYS or [DEV_FIELD_KEY]
WHITENOISE_USE_FINDERS = True  # no collectstatic needed on a fresh clone
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
LOGGING = logging_config(DATA_DIR / "logs")
