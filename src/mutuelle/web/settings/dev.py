"""Local use and demonstration (``mutuelle serve``): debug on, a fixed development key."""

from mutuelle.web.settings.base import *  # noqa: F403
from mutuelle.web.settings.base import SECRET_KEY as _KEY

DEBUG = True
SECRET_KEY = _KEY or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
