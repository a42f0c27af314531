"""A case's documents for staff: the list (metadata), the file itself, an upload by a
consular officer, verification and rejection with a reason. Only the kinds of document
the caller's role may see are listed or served, as on the workspace's document page.

Each operation is the workspace's own service: document_upload, document_verify,
document_reject; reading a file is audited like a view of the case.
"""

import datetime as dt

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from legion.api.cases import ERRORS, actor_of, get_case
from legion.api.schemas import BulkTransitionOut
from legion.api.versions import case_etag, case_write
from legion.audit.services import audit_case_view
from legion.cases.documents import (
    cases_bulk_verify_documents,
    document_reject,
    document_upload,
    document_verify,
)
from legion.cases.models import Case, Document
from legion.cases.policy import CaseAccess
from legion.missions.actors import Actor

router = Router(tags=["documents"])


class DocumentMeta(Schema):
    id: int
    kind: Document.Kind
    kind_label: str
    status: Document.Status
    original_name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    reviewed_at: dt.datetime | None
    rejection_reason: str


class DocumentRejectionIn(Schema):
    reason: str = Field(
        min_length=1, max_length=2000, description="What is wrong, for the applicant to read."
    )


def _visible(actor: Actor, case: Case):
    """The case's documents of the kinds the actor's role may see."""
    kinds = CaseAccess.of(actor, case).document_kinds
    return case.documents.filter(kind__in=kinds).order_by("uploaded_at", "pk")


def document_meta(document: Document) -> dict:
    return {
        "id": document.pk,
        "kind": document.kind,
        "kind_label": str(document.get_kind_display()),
        "status": document.status,
        "original_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "uploaded_at": document.uploaded_at,
        "reviewed_at": document.reviewed_at,
        "rejection_reason": document.rejection_reason,
    }


def _document(actor: Actor, reference: str, document_id: int) -> tuple[Case, Document]:
    case = get_case(actor, reference)
    document = _visible(actor, case).filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    return case, document


@router.get(
    "/{reference}/documents",
    response={200: list[DocumentMeta], **ERRORS},
    summary="The case's documents your role may see (metadata, no content)",
)
def list_documents(request: HttpRequest, reference: str):
    actor = actor_of(request)
    case = get_case(actor, reference)
    return [document_meta(d) for d in _visible(actor, case)]


@router.get(
    "/{reference}/documents/{document_id}/file",
    response={200: None, **ERRORS},
    summary="The document's file (audited); 404 for a kind your role may not see",
    openapi_extra={
        "responses": {
            200: {
                "description": "The stored file, with its checked content type.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def document_file(request: HttpRequest, reference: str, document_id: int):
    actor = actor_of(request)
    case, document = _document(actor, reference, document_id)
    audit_case_view(
        actor=actor,
        case=case,
        request=request,
        what=f"api document {document.pk} ({document.kind})",
    )
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["Cache-Control"] = "no-store, private"
    return response


@router.post(
    "/{reference}/documents",
    response={201: DocumentMeta, **ERRORS},
    summary="Upload a document to the case (consular officers; multipart form)",
)
def upload_document(
    request: HttpRequest,
    reference: str,
    response: HttpResponse,
    kind: Form[Document.Kind],
    file: File[UploadedFile],
):
    actor = actor_of(request)
    with case_write(request, actor=actor, reference=reference.upper()):
        document = document_upload(
            reference=reference.upper(), actor=actor, kind=kind, uploaded_file=file
        )
    response["ETag"] = case_etag(get_case(actor, reference))
    return Status(201, document_meta(document))


@router.post(
    "/{reference}/documents/{document_id}/verification",
    response={200: DocumentMeta, **ERRORS},
    summary="Verify the document (consular officers, while the case is being vetted)",
)
def verify_document(request: HttpRequest, reference: str, document_id: int, response: HttpResponse):
    actor = actor_of(request)
    _document(actor, reference, document_id)
    with case_write(request, actor=actor, reference=reference.upper()):
        document = document_verify(
            reference=reference.upper(), document_id=document_id, actor=actor
        )
    response["ETag"] = case_etag(get_case(actor, reference))
    return document_meta(document)


@router.post(
    "/{reference}/documents/{document_id}/rejection",
    response={200: DocumentMeta, **ERRORS},
    summary="Reject the document with a reason (the applicant is told and may upload again)",
)
def reject_document(
    request: HttpRequest,
    reference: str,
    document_id: int,
    payload: DocumentRejectionIn,
    response: HttpResponse,
):
    actor = actor_of(request)
    _document(actor, reference, document_id)
    with case_write(request, actor=actor, reference=reference.upper()):
        document = document_reject(
            reference=reference.upper(),
            document_id=document_id,
            actor=actor,
            reason=payload.reason,
        )
    response["ETag"] = case_etag(get_case(actor, reference))
    return document_meta(document)


class BulkReferencesIn(Schema):
    references: list[str] = Field(min_length=1, max_length=500)


@router.post(
    "/bulk/document-verifications",
    response={200: BulkTransitionOut, **ERRORS},
    summary="Verify the pending documents of many cases; each case succeeds or is refused",
)
def bulk_verify_documents(request: HttpRequest, payload: BulkReferencesIn):
    references = [r.strip().upper() for r in payload.references]
    results = cases_bulk_verify_documents(references=references, actor=actor_of(request))
    return {
        "results": [
            {"reference": ref, "ok": message == "ok", "detail": message}
            for ref, message in results.items()
        ]
    }
