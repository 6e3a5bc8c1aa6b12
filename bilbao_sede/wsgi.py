import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.base")
application = get_wsgi_application()

# Import the URLconf (and with it every view module) while the worker boots, not in the first
# request it serves: ~1 s of imports that otherwise stalls that request on every worker after
# each (re)start, and with ``gunicorn --preload`` they are done once, before the fork.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - the import is the point

# The upload policy's PDF reader as well (pikepdf: ~50 ms of imports), which every upload and
# every annex received from another registry (SIR) goes through.
import pikepdf  # noqa: E402,F401
