"""Log-in and the home page: the user's missions, roles and waiting work."""

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from legion.cases.policy import StaffAccess, cases_for, missions_for
from legion.identity.selectors import cases_under_review_q
from legion.workspace.access import staff_view
from legion.workspace.selectors import mission_summaries


class LoginView(auth_views.LoginView):
    template_name = "workspace/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    template_name = "workspace/logged_out.html"


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    staff = StaffAccess.of(actor)
    under_review = None
    if staff.reviews_identity:
        under_review = cases_for(actor).filter(cases_under_review_q()).count()
    return render(
        request,
        "workspace/home.html",
        {
            "summaries": mission_summaries(actor=actor, missions=missions_for(actor)),
            "hq_roles": staff.hq_role_labels,
            "under_review": under_review,
            "is_admin": staff.configures,
        },
    )
