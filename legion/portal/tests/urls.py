"""The project's URLs plus pages that fail, to see the error pages for real."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from legion.urls import handler403, handler404, handler500  # noqa: F401
from legion.urls import urlpatterns as project_urlpatterns


def broken_page(request):
    raise RuntimeError("a deliberately broken page, for testing the error page")


def forbidden_page(request):
    raise PermissionDenied


urlpatterns = [
    path("tour/server-error/", broken_page),
    path("tour/forbidden/", forbidden_page),
    *project_urlpatterns,
]
