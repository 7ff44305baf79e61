"""The application `safepassage serve` runs: the front (safepassage.front)
around the WSGI application, so that slow clients never hold a worker."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")

from safepassage.front.app import Front
from safepassage.wsgi import application as wsgi_application

application = Front(wsgi_application)
