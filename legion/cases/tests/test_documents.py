"""Document upload: content sniffing, limits, metadata stripping, duplicates, nothing partial."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from legion.cases.documents import DocumentRefused, document_remove, document_upload
from legion.cases.models import CaseEvent, Document
from legion.cases.services import CaseError
from legion.cases.states import CaseState
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.testing import files
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(london):
    return f.CaseFactory(mission=london)


def upload(case, uploaded, kind="passport", actor=None):
    return document_upload(
        reference=case.reference,
        actor=actor or Actor.applicant(case.pk),
        kind=kind,
        uploaded_file=uploaded,
    )


def stored_files(settings):
    root = settings.MEDIA_ROOT / "documents"
    return sorted(root.iterdir()) if root.exists() else []


def refused(case, uploaded, kind="passport", actor=None) -> CaseError:
    with pytest.raises(CaseError) as exc:
        upload(case, uploaded, kind=kind, actor=actor)
    return exc.value


def test_applicant_uploads_a_pdf_passport_scan(draft, settings):
    document = upload(draft, files.pdf())
    assert (document.kind, document.content_type, document.original_name) == (
        "passport",
        "application/pdf",
        "passport.pdf",
    )
    assert len(document.sha256) == 64
    assert document.file.read().startswith(b"%PDF-")
    assert len(stored_files(settings)) == 1
    assert CaseEvent.objects.filter(case=draft, action="upload").count() == 1


def test_file_name_on_disk_never_is_the_applicants(draft):
    document = upload(draft, files.pdf(name="Ivan Petrenko passport.pdf"))
    assert "Petrenko" not in document.file.name
    assert document.original_name == "Ivan Petrenko passport.pdf"


def test_folders_in_a_file_name_are_dropped(draft):
    document = upload(draft, files.pdf(name="../../etc/passport.pdf"))
    assert document.original_name == "passport.pdf"


def test_exe_renamed_pdf_is_refused_by_content(draft, settings):
    error = refused(draft, files.exe_named_pdf())
    assert error.code == "disguised_type"
    assert "passport.pdf" in error.message and "not really a PDF" in error.message
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_unknown_file_type_is_refused(draft):
    error = refused(draft, SimpleUploadedFile("notes.docx", b"PK\x03\x04 word document"))
    assert error.code == "wrong_type"
    assert error.message == "The selected file must be a PDF, JPG or PNG."


def test_pdf_content_with_a_jpg_name_is_accepted_as_pdf(draft):
    document = upload(draft, files.pdf(name="scan.jpg"))
    assert document.content_type == "application/pdf"


def test_oversize_file_is_refused_and_nothing_stored(draft, settings):
    settings.LEGION_MAX_UPLOAD_BYTES = 100
    error = refused(draft, files.pdf())
    assert error.code == "too_large"
    assert error.message == "The selected file must be smaller than 100\xa0bytes."
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_oversize_file_without_a_declared_size_is_refused(draft, settings):
    settings.LEGION_MAX_UPLOAD_BYTES = 100
    stream = io.BytesIO(b"%PDF-" + b"x" * 500)
    stream.name = "big.pdf"
    assert refused(draft, stream).code == "too_large"


def test_empty_file_is_refused(draft):
    assert refused(draft, SimpleUploadedFile("passport.pdf", b"")).code == "empty"


def test_truncated_pdf_is_refused(draft):
    error = refused(draft, SimpleUploadedFile("passport.pdf", b"%PDF-1.4\n1 0 obj<<"))
    assert error.code == "damaged_pdf"


def test_damaged_image_is_refused(draft):
    broken = SimpleUploadedFile("photo.jpg", files.jpeg_bytes()[:40])
    assert refused(draft, broken, kind="photo").code == "unreadable_image"


def test_photo_loses_gps_and_camera_metadata(draft):
    original = files.jpeg_bytes(with_gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(files.GPS_IFD)
    document = upload(draft, files.jpeg(with_gps=True), kind="photo")
    stored = document.file.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    assert image.size == (64, 48)


def test_png_is_reencoded_as_png(draft):
    document = upload(draft, files.png(), kind="photo")
    image = Image.open(document.file)
    assert (image.format, image.mode, document.content_type) == ("PNG", "RGBA", "image/png")


def test_same_file_twice_is_refused_with_what_it_was_uploaded_as(draft, settings):
    upload(draft, files.pdf())
    error = refused(draft, files.pdf(name="again.pdf"), kind="criminal_record")
    assert error.code == "duplicate"
    assert error.message == "You have already uploaded this file (as: Passport)."
    assert draft.documents.count() == 1
    assert len(stored_files(settings)) == 1


def test_same_photo_twice_is_a_duplicate_after_reencoding(draft):
    upload(draft, files.jpeg(with_gps=True), kind="photo")
    assert refused(draft, files.jpeg(with_gps=True), kind="photo").code == "duplicate"


def test_unknown_document_kind_is_refused(draft):
    assert refused(draft, files.pdf(), kind="selfie").code == "wrong_kind"


def test_documents_cannot_be_added_once_the_interview_is_scheduled(draft, settings):
    case = set_state(draft, CaseState.INTERVIEW_SCHEDULED)
    assert refused(case, files.pdf()).code == "closed"
    assert stored_files(settings) == []


def test_applicant_cannot_upload_to_another_case(draft, london):
    other = f.CaseFactory(mission=london)
    error = refused(draft, files.pdf(), actor=Actor.applicant(other.pk))
    assert error.code == "not_found"
    assert not Document.objects.exists()


def test_officer_of_the_mission_can_add_a_document_but_not_an_outsider(draft, officer, outsider):
    upload(draft, files.pdf(), actor=Actor.staff(officer))
    error = refused(draft, files.pdf(extra=b"2"), actor=Actor.staff(outsider))
    assert error.code == "not_found"


def test_a_draft_is_out_of_the_consuls_and_the_attaches_reach(draft, consul, attache):
    # Only the applicant and the mission's consular officers fill in a draft.
    assert refused(draft, files.pdf(), actor=Actor.staff(consul)).code == "not_found"
    assert refused(draft, files.pdf(extra=b"2"), actor=Actor.staff(attache)).code == "not_found"


def test_applicant_removes_a_wrong_file_from_a_draft(
    draft, settings, django_capture_on_commit_callbacks
):
    document = upload(draft, files.pdf())
    with django_capture_on_commit_callbacks(execute=True):
        document_remove(
            reference=draft.reference, actor=Actor.applicant(draft.pk), document_id=document.pk
        )
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_reviewed_document_cannot_be_removed(draft):
    document = upload(draft, files.pdf())
    Document.objects.filter(pk=document.pk).update(status=Document.Status.VERIFIED)
    with pytest.raises(DocumentRefused) as exc:
        document_remove(
            reference=draft.reference, actor=Actor.applicant(draft.pk), document_id=document.pk
        )
    assert exc.value.code == "closed"
    assert Document.objects.count() == 1
