"""Helpers shared by workspace views."""

from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from legion.missions.models import Mission


def render_at(
    request: HttpRequest,
    mission: Mission,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render with times shown in the mission's time zone, where its staff work."""
    with timezone.override(ZoneInfo(mission.timezone)):
        return render(request, template, {"mission": mission, **context}, status=status)
