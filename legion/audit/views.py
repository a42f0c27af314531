"""Break the glass in the workspace: HQ security states a reason to open a case outside
its scope; mission staff see every such access to their cases."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from legion.audit.break_glass import MIN_REASON_LENGTH, grants_for_mission_staff, grants_of
from legion.cases.break_glass import break_glass_open
from legion.cases.policy import StaffAccess
from legion.cases.services import CaseError
from legion.workspace.access import staff_view


class BreakGlassForm(forms.Form):
    reference = forms.CharField(label="Case reference", max_length=20)
    reason = forms.CharField(
        label="Why do you need this case?",
        min_length=MIN_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The mission that owns the case sees who opened it, when and why.",
    )


@require_http_methods(["GET", "POST"])
@staff_view
def break_glass(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not StaffAccess.of(actor).breaks_glass:
        return render(request, "workspace/no_role.html", status=403)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = break_glass_open(
                actor=actor,
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
            )
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("workspace:case", grant.case.reference)
    return render(
        request, "audit/break_glass.html", {"form": form, "grants": list(grants_of(actor))}
    )


@staff_view
def break_glass_log(request: HttpRequest) -> HttpResponse:
    """Every break-the-glass access to the cases of the viewer's missions."""
    grants = grants_for_mission_staff(request.actor)[:200]
    return render(request, "audit/break_glass_log.html", {"grants": grants})
