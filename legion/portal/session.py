"""The applicant's signed-in state: which case this browser may reach, and for how long.

An applicant is signed in to exactly one case, after starting a draft or using a
one-time link or code. The session ends after a spell of inactivity, with a page
that says so plainly.
"""

import time
from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect

from legion.cases.models import Case
from legion.cases.policy import cases_for
from legion.missions.actors import Actor

SESSION_CASE = "portal_case"
SESSION_SEEN = "portal_seen"


def idle_seconds() -> int:
    return settings.LEGION_APPLICANT_IDLE_SECONDS


def applicant_sign_in(request: HttpRequest, case: Case) -> None:
    """Give this browser access to this one case (a new session key: no fixation)."""
    request.session.cycle_key()
    request.session[SESSION_CASE] = case.pk
    request.session[SESSION_SEEN] = int(time.time())


def applicant_sign_out(request: HttpRequest) -> None:
    request.session.flush()


def applicant_case(request: HttpRequest) -> tuple[Case | None, bool]:
    """The signed-in case (or None) and whether a session just ended for inactivity."""
    case_id = request.session.get(SESSION_CASE)
    if case_id is None:
        return None, False
    now = int(time.time())
    if now - request.session.get(SESSION_SEEN, 0) > idle_seconds():
        applicant_sign_out(request)
        return None, True
    request.session[SESSION_SEEN] = now
    case = (
        cases_for(Actor.applicant(case_id))
        .select_related("applicant", "mission")
        .filter(pk=case_id)
        .first()
    )
    return case, False


def applicant_required(view):
    """Views for a signed-in applicant get `case` and `actor`; others are sent to the
    page that explains how to get back in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        case, ended = applicant_case(request)
        if case is None:
            return redirect("portal:session_ended" if ended else "portal:access_request")
        request.applicant_case = case
        return view(request, *args, case=case, actor=Actor.applicant(case.pk), **kwargs)

    return wrapper


def public_page(view):
    """Pages anyone may see; a signed-in applicant's reference shows in the page header,
    and a session that ended for inactivity is said so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        case, ended = applicant_case(request)
        if ended:
            return redirect("portal:session_ended")
        request.applicant_case = case
        return view(request, *args, **kwargs)

    return wrapper
