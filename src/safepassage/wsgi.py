"""The WSGI application. `safepassage serve` runs it behind its front
(safepassage.asgi), which hands it only whole requests."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")

application = get_wsgi_application()
