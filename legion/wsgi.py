import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")
application = get_wsgi_application()

# Web workers live long: load the name romanisation rules before the first applicant.
from legion.identity.normalise import warm_up  # noqa: E402

warm_up()
