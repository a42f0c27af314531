"""Helpers every portal view uses."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from legion.portal.session import idle_seconds


def page(
    request: HttpRequest, template: str, context: dict | None = None, **kwargs
) -> HttpResponse:
    """Render a portal page. A page showing errors answers 400 and its title says so."""
    context = dict(context or {})
    forms = [v for v in context.values() if hasattr(v, "errors") and hasattr(v, "is_bound")]
    has_errors = context.get("has_errors") or any(f.is_bound and f.errors for f in forms)
    context["has_errors"] = bool(has_errors)
    context.setdefault("signed_in_case", getattr(request, "applicant_case", None))
    context.setdefault("idle_minutes", idle_seconds() // 60)
    status = kwargs.pop("status", 400 if has_errors and request.method == "POST" else 200)
    return render(request, template, context, status=status, **kwargs)
