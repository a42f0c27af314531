"""Case documents: uploading and removing (portal and workspace), and their review by
the mission's consular officers (workspace, API).

A file is accepted only if its content (never its name) is a PDF, JPEG or PNG,
it is within settings.LEGION_MAX_UPLOAD_BYTES, and the case does not already hold
the very same file. A PDF must hold no JavaScript, no attached files, no password and
no decompression bomb (pdf_inspection.py); an image no more than MAX_IMAGE_PIXELS.
Images are decoded and re-encoded, which drops their metadata (EXIF, GPS position,
camera serial numbers). Every refusal has its own message and
code, and nothing is stored when a file is refused.
"""

import hashlib
import io
import os
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from legion.cases.models import Case, CaseEvent, Document
from legion.cases.notifications import applicant_email_queue
from legion.cases.pdf_inspection import PdfProblem, pdf_problem
from legion.cases.policy import ADD_DOCUMENTS, REVIEW_DOCUMENTS, CaseAccess
from legion.cases.services import CaseError, TransitionRefused, case_lock, record_event
from legion.cases.states import CaseState
from legion.missions.actors import Actor

# States in which documents can still be added: before and during the mission's review.
UPLOAD_STATES = (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.IN_REVIEW)
# Decoded images larger than this are refused before they can exhaust memory.
MAX_IMAGE_PIXELS = 60_000_000


PDF_REFUSALS = {
    "damaged_pdf": _lazy("The PDF file is incomplete or damaged. Save or scan it again."),
    "pdf_javascript": _lazy(
        "The PDF contains JavaScript or actions that start programs, which we cannot accept. "
        "Print it to a new PDF, or scan the paper document, and upload that."
    ),
    "pdf_embedded_file": _lazy(
        "The PDF has other files attached inside it, which we cannot accept. "
        "Upload each document on its own as a plain PDF."
    ),
    "pdf_encrypted": _lazy(
        "The PDF is protected by a password. Save it without the password and upload it again."
    ),
    "pdf_bomb": _lazy(
        "The PDF holds compressed data that expands to an unreasonable size. "
        "Print it to a new PDF, or scan the paper document, and upload that."
    ),
}


class DocumentRefused(CaseError):
    """A file that cannot be accepted; `code` says why, `message` tells the applicant."""


@dataclass(frozen=True)
class SniffedFile:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = SniffedFile("application/pdf", "PDF", (".pdf",))
JPEG = SniffedFile("image/jpeg", "JPEG", (".jpg", ".jpeg", ".jfif"))
PNG = SniffedFile("image/png", "PNG", (".png",))
ACCEPTED = (PDF, JPEG, PNG)


def sniff(data: bytes) -> SniffedFile | None:
    """What the file really is, from its first bytes; None when it is none of ours."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def clean_file_name(name: str) -> str:
    """The name the applicant gave the file, safe to show: no folders, no control characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base or "document")[:200]


def _read_limited(uploaded_file, limit: int) -> bytes:
    """Read at most limit + 1 bytes, so an oversize file is recognised without loading it."""
    if getattr(uploaded_file, "size", None) is not None and uploaded_file.size > limit:
        raise DocumentRefused(
            _("The selected file must be smaller than %(limit)s.")
            % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise DocumentRefused(
            _("The selected file must be smaller than %(limit)s.")
            % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    return data


def _image_too_large() -> DocumentRefused:
    return DocumentRefused(
        _("The image is too large. Use a photo of at most %(megapixels)d megapixels.")
        % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_too_large",
    )


def _reencode_image(data: bytes, kind: SniffedFile) -> bytes:
    """Decode the image and write its pixels into a fresh file: no metadata survives."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _image_too_large()
            image.load()
            # Apply the camera's rotation before the EXIF that carries it is dropped.
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("P", "PA"):
                # A palette would not survive the copy below; full colour does.
                upright = upright.convert("RGBA")
            # A new image carries no metadata at all; only the pixels are copied over.
            clean = Image.new(upright.mode, upright.size)
            clean.paste(upright)
    except Image.DecompressionBombError:
        # Pillow's own ceiling, for images far beyond ours: a decompression bomb.
        raise _image_too_large() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DocumentRefused(
            _("The image could not be read. It may be damaged: save it again or take a new photo."),
            code="unreadable_image",
        ) from None
    out = io.BytesIO()
    if kind is JPEG:
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def document_inspect(*, data: bytes, file_name: str) -> tuple[bytes, SniffedFile]:
    """Check one file's content and return what would be stored, and its type.

    Raises DocumentRefused with a specific message. Pure: touches no database or disk.
    """
    if not data:
        raise DocumentRefused(_("The selected file is empty."), code="empty")
    kind = sniff(data)
    if kind is None:
        claimed = os.path.splitext(file_name.lower())[1]
        if any(claimed in k.extensions for k in ACCEPTED):
            raise DocumentRefused(
                _(
                    "The selected file is called “%(name)s” but it is not really a PDF, JPG "
                    "or PNG. Upload a scan or photo of the document in one of those formats."
                )
                % {"name": clean_file_name(file_name)},
                code="disguised_type",
            )
        raise DocumentRefused(_("The selected file must be a PDF, JPG or PNG."), code="wrong_type")
    if kind is PDF:
        problem = PdfProblem("damaged_pdf") if b"%%EOF" not in data[-2048:] else pdf_problem(data)
        if problem is not None:
            raise DocumentRefused(str(PDF_REFUSALS[problem.code]), code=problem.code)
        return data, kind
    return _reencode_image(data, kind), kind


def _check_actor(case: Case, actor: Actor) -> None:
    if not CaseAccess.of(actor, case).may(ADD_DOCUMENTS):
        raise DocumentRefused(
            _("Only the applicant or a consular officer of this mission can add documents."),
            code="forbidden",
        )


def _refuse_duplicate(existing: Document) -> DocumentRefused:
    return DocumentRefused(
        _("You have already uploaded this file (as: %(kind)s).")
        % {"kind": existing.get_kind_display()},
        code="duplicate",
    )


def document_upload(*, reference: str, actor: Actor, kind: str, uploaded_file) -> Document:
    """Add one document to a case after checking its content; nothing is kept on refusal.

    `uploaded_file` is any file object with `.name` and `.read()` (an UploadedFile).
    The stored bytes are the checked (for images: re-encoded) content.
    """
    if kind not in Document.Kind.values:
        raise DocumentRefused(_("Choose which document this is."), code="wrong_kind")
    if uploaded_file is None:
        raise DocumentRefused(_("Select a file to upload."), code="no_file")
    file_name = clean_file_name(getattr(uploaded_file, "name", "") or "")
    data = _read_limited(uploaded_file, settings.LEGION_MAX_UPLOAD_BYTES)
    content, sniffed = document_inspect(data=data, file_name=file_name)
    digest = hashlib.sha256(content).hexdigest()

    storage = Document._meta.get_field("file").storage
    stored = ""
    try:
        with transaction.atomic():
            case = case_lock(reference=reference, actor=actor)
            _check_actor(case, actor)
            if case.state not in UPLOAD_STATES:
                raise DocumentRefused(
                    _("Documents can no longer be added to this application."), code="closed"
                )
            existing = case.documents.filter(sha256=digest).first()
            if existing is not None:
                raise _refuse_duplicate(existing)
            document = Document(
                case=case,
                kind=kind,
                original_name=file_name,
                content_type=sniffed.content_type,
                size=len(content),
                sha256=digest,
            )
            document.file.save("upload", ContentFile(content), save=False)
            stored = document.file.name
            document.save()
            record_event(
                case=case,
                kind=CaseEvent.Kind.DOCUMENT,
                action="upload",
                actor=actor,
                data={"document": document.pk, "kind": kind},
            )
    except IntegrityError:
        # The same file arrived twice at once (a double click): the first one is kept.
        if stored:
            storage.delete(stored)
        existing = Document.objects.filter(case__reference=reference, sha256=digest).first()
        if existing is None:
            raise
        raise _refuse_duplicate(existing) from None
    except BaseException:
        if stored:
            storage.delete(stored)
        raise
    return document


def document_remove(*, reference: str, actor: Actor, document_id: int) -> None:
    """Remove a document the applicant uploaded by mistake: only while the case is a draft
    and the document has not been reviewed."""
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        document = case.documents.filter(pk=document_id).first()
        if document is None:
            raise DocumentRefused(_("No such document."), code="not_found")
        if case.state != CaseState.DRAFT or document.status != Document.Status.PENDING:
            raise DocumentRefused(_("This document can no longer be removed."), code="closed")
        _check_actor(case, actor)
        stored = document.file.name
        document.delete()
        record_event(
            case=case,
            kind=CaseEvent.Kind.DOCUMENT,
            action="remove",
            actor=actor,
            data={"document": document_id, "kind": document.kind},
        )
        storage = Document._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))


# Documents are reviewed while the case is being vetted; later they are part of the record.
REVIEWABLE_STATES = (CaseState.SUBMITTED, CaseState.IN_REVIEW)
REJECTION_REASON_MAX = Document._meta.get_field("rejection_reason").max_length


def _document_for_review(*, reference: str, document_id: int, actor: Actor) -> Document:
    """The document, with its case locked, after checking role and state."""
    case = case_lock(reference=reference, actor=actor)
    if not CaseAccess.of(actor, case).may(REVIEW_DOCUMENTS):
        raise TransitionRefused(
            _("Only consular officers of this mission review documents."), code="forbidden"
        )
    if case.state not in REVIEWABLE_STATES:
        raise TransitionRefused(
            _(
                "Documents are reviewed while a case is submitted or in review; "
                "this one is “%(state)s”."
            )
            % {"state": case.get_state_display()},
            code="wrong_state",
        )
    document = Document.objects.filter(pk=document_id, case=case).first()
    if document is None:
        raise CaseError(_("No such document."), code="not_found")
    document.case = case
    return document


def _record_review(document: Document, actor: Actor, action: str, reason: str = "") -> None:
    record_event(
        case=document.case,
        kind=CaseEvent.Kind.DOCUMENT,
        action=action,
        actor=actor,
        reason=reason,
        data={"document": document.pk, "kind": document.kind},
    )


def document_verify(*, reference: str, document_id: int, actor: Actor) -> Document:
    """Mark one document of the case as verified by this consular officer."""
    with transaction.atomic():
        document = _document_for_review(reference=reference, document_id=document_id, actor=actor)
        if document.status == Document.Status.VERIFIED:
            raise TransitionRefused(_("This document is already verified."), code="unchanged")
        document.status = Document.Status.VERIFIED
        document.rejection_reason = ""
        document.reviewed_by = actor.user
        document.reviewed_at = timezone.now()
        document.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
        _record_review(document, actor, "verify_document")
    return document


def document_reject(*, reference: str, document_id: int, actor: Actor, reason: str) -> Document:
    """Reject one document with a reason the applicant will read (so they can upload a
    better one)."""
    reason = reason.strip()
    if not reason:
        raise TransitionRefused(_("Please give a reason."), code="reason_required")
    if len(reason) > REJECTION_REASON_MAX:
        raise TransitionRefused(
            _("Please keep the reason under %(max)d characters.") % {"max": REJECTION_REASON_MAX},
            code="invalid",
        )
    with transaction.atomic():
        document = _document_for_review(reference=reference, document_id=document_id, actor=actor)
        if document.status == Document.Status.REJECTED:
            raise TransitionRefused(_("This document is already rejected."), code="unchanged")
        document.status = Document.Status.REJECTED
        document.rejection_reason = reason
        document.reviewed_by = actor.user
        document.reviewed_at = timezone.now()
        document.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
        _record_review(document, actor, "reject_document", reason)
        document_rejection_email_queue(document=document)
    return document


def document_rejection_email_queue(*, document: Document) -> None:
    """Tell the applicant which document was refused and why, so they upload a new one
    (through the outbox, in the caller's transaction)."""
    case = document.case
    with translation.override(case.language):
        kind = str(document.get_kind_display())
    applicant_email_queue(
        case=case,
        template="cases/email/document_rejected",
        kind="document rejected",
        context={"kind": kind, "reason": document.rejection_reason},
    )


def case_documents_verify(*, reference: str, actor: Actor) -> int:
    """Verify every document of the case still waiting for review; returns how many.

    All or nothing: if the actor may not review this case, nothing changes."""
    with transaction.atomic():
        case: Case = case_lock(reference=reference, actor=actor)
        pending = list(
            case.documents.filter(status=Document.Status.PENDING).values_list("pk", flat=True)
        )
        if not pending:
            raise TransitionRefused(_("No documents are waiting for review."), code="unchanged")
        for document_id in pending:
            document_verify(reference=reference, document_id=document_id, actor=actor)
    return len(pending)


def cases_bulk_verify_documents(*, references: list[str], actor: Actor) -> dict[str, str]:
    """Verify the pending documents of many cases, each case on its own; a result per
    reference ("ok" or the refusal message), like cases_bulk_transition."""
    results: dict[str, str] = {}
    for reference in references:
        try:
            case_documents_verify(reference=reference, actor=actor)
            results[reference] = "ok"
        except CaseError as exc:
            results[reference] = exc.message
    return results
