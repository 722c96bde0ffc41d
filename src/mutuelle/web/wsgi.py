"""The WSGI application (gunicorn: ``mutuelle serve --prod``). No default settings: the
server says which (``DJANGO_SETTINGS_MODULE``, ``mutuelle.web.settings.prod`` in production),
so a production server can never start on the development key."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

if not os.environ.get("DJANGO_SETTINGS_MODULE"):
    raise ImproperlyConfigured(
        "DJANGO_SETTINGS_MODULE absent : mutuelle.web.settings.prod en production "
        "(mutuelle serve --prod le fixe)"
    )
application = get_wsgi_application()
