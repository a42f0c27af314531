"""Document preview and review. Files are served only here, after the scope check."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from legion.audit.services import audit_case_view
from legion.cases.documents import document_reject, document_verify
from legion.cases.models import Case, Document
from legion.cases.policy import CaseAccess, case_for
from legion.cases.services import CaseError
from legion.missions.actors import Actor
from legion.workspace.access import staff_view
from legion.workspace.views.common import render_at

# Shown in the page; anything else is offered as a download only.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp", "image/gif"}
# The file responses' own policy: framed only by our pages, nothing loaded from them.
# Browsers show a PDF through a built-in viewer that a `default-src 'none'` policy
# blocks (crbug.com/271452), so PDFs get the framing rule only; with their exact type
# and nosniff they are never run as a page.
_STRICT = {
    "default-src": [CSP.NONE],
    "img-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
FILE_CSP = {
    "": _STRICT,
    "application/pdf": {"frame-ancestors": [CSP.SELF], "form-action": [CSP.NONE]},
}


def _document(
    actor: Actor, reference: str, document_id: int, *, viewed: bool = False
) -> tuple[Case, Document]:
    """The case in scope and one of its documents the actor's role may see, or 404."""
    case = case_for(actor, reference)
    access = CaseAccess.of(actor, case)
    document = case.documents.filter(pk=document_id, kind__in=access.document_kinds).first()
    if document is None:
        raise Http404("No such document")
    if viewed:
        audit_case_view(actor=actor, case=case, what=f"document {document.pk} ({document.kind})")
    return case, document


@require_GET
@staff_view
def document_detail(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """The document beside its review form; HTMX asks for the panel alone."""
    actor: Actor = request.actor
    case, document = _document(actor, reference, document_id)
    access = CaseAccess.of(actor, case)
    documents = [d for d in case.documents.all() if d.kind in access.document_kinds]
    position = [d.pk for d in documents].index(document.pk)
    template = "workspace/document.html"
    if request.headers.get("HX-Target") == "document-preview":
        template += "#preview"
    return render_at(
        request,
        case.mission,
        template,
        {
            "case": case,
            "document": document,
            "access": access,
            "inline": document.content_type in INLINE_TYPES,
            "is_image": document.content_type.startswith("image/"),
            "previous": documents[position - 1] if position > 0 else None,
            "next": documents[position + 1] if position + 1 < len(documents) else None,
        },
    )


@require_GET
@staff_view
@never_cache
@xframe_options_sameorigin
def document_file(request: HttpRequest, reference: str, document_id: int) -> FileResponse:
    """The stored file itself: inline for PDFs and images, a download for anything else,
    never cached. The file's own name is offered for saving, never used on disk."""
    actor: Actor = request.actor
    _case, document = _document(actor, reference, document_id, viewed=True)
    inline = document.content_type in INLINE_TYPES
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=document.original_name,
    )
    response["Cache-Control"] = "no-store, private"
    response._csp_config = FILE_CSP.get(document.content_type if inline else "", FILE_CSP[""])
    return response


def _review(request: HttpRequest, reference: str, document_id: int, verify: bool):
    actor: Actor = request.actor
    case, document = _document(actor, reference, document_id)
    try:
        if verify:
            document_verify(reference=case.reference, document_id=document.pk, actor=actor)
        else:
            document_reject(
                reference=case.reference,
                document_id=document.pk,
                actor=actor,
                reason=request.POST.get("reason", ""),
            )
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("workspace:document", case.reference, document.pk)
    label = document.get_kind_display()
    messages.success(request, f"{label}: {'verified' if verify else 'rejected'}.")
    # Straight on to the next document still waiting, as reviewers work down the list.
    waiting = (
        case.documents.filter(
            status=Document.Status.PENDING, kind__in=CaseAccess.of(actor, case).document_kinds
        )
        .order_by("uploaded_at", "pk")
        .first()
    )
    if waiting is not None:
        return redirect("workspace:document", case.reference, waiting.pk)
    return redirect("workspace:case", case.reference)


@require_POST
@staff_view
def document_verify_view(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    return _review(request, reference, document_id, verify=True)


@require_POST
@staff_view
def document_reject_view(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    return _review(request, reference, document_id, verify=False)
