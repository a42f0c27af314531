"""The first statistics page now lives in legion.dashboard (issue 15): its totals and
mission filter could undo the small-count suppression. Old links are sent there."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from legion.workspace.access import staff_view


@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse("dashboard:dashboard") + (f"?{query}" if query else ""))


@staff_view
def export_csv(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    target = reverse("dashboard:csv", args=["all"])
    return HttpResponseRedirect(target + (f"?{query}" if query else ""))
