"""Template helpers of the staff workspace."""

from typing import Any

from django import template
from django.urls import resolve

from legion.cases.policy import StaffAccess, missions_for
from legion.missions.actors import Actor

register = template.Library()


@register.inclusion_tag("workspace/_nav.html", takes_context=True)
def workspace_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The top navigation: home, and queue and calendar for each mission of the user."""
    request = context["request"]
    actor = getattr(request, "actor", None) or Actor.staff(request.user)
    match = getattr(request, "resolver_match", None) or resolve(request.path_info)
    return {
        "missions": missions_for(actor),
        "current": match.url_name,
        "current_mission": match.kwargs.get("mission", ""),
        "staff": StaffAccess.of(actor),
    }


@register.filter
def state_class(state: str) -> str:
    """CSS class of a state badge."""
    return f"state state-{state.replace('_', '-')}"


@register.filter
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@register.filter
def words(value: str) -> str:
    """An identifier such as start_review as words: start review."""
    return value.replace("_", " ")
