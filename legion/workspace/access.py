"""The workspace's door: staff log-in and a staff role. Which cases, missions and fields
a staff member sees, and what they may do, is the access policy's
(legion.cases.policy); views ask it, never a role."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from legion.cases.policy import StaffAccess
from legion.missions.actors import Actor

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required, and the user must hold a staff role; sets `request.actor`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = Actor.staff(request.user)
        if not StaffAccess.of(actor).is_staff:
            return render(request, "workspace/no_role.html", status=403)
        request.actor = actor  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
