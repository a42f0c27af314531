"""The project's URLs plus a plain staff page and a sensitive one, for testing the
sign-in steps independently of the workspace's pages."""

from django.http import HttpResponse
from django.urls import path

from legion.accounts.decorators import require_recent_auth
from legion.urls import urlpatterns as project_urlpatterns


def staff_page(request):
    return HttpResponse("staff page")


@require_recent_auth
def sensitive_page(request):
    return HttpResponse("visa decision form")


urlpatterns = [
    path("staff/test-page/", staff_page),
    path("staff/test-sensitive/", sensitive_page),
    *project_urlpatterns,
]
