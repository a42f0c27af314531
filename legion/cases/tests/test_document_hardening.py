"""Upload hardening: PDFs with JavaScript, program launches, attached files, passwords or
decompression bombs are refused, as are image bombs; each with its own message, and
nothing is stored."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from legion.cases.documents import document_upload
from legion.cases.models import Document
from legion.cases.services import CaseError
from legion.missions.actors import Actor
from legion.testing import factories as f

pytestmark = pytest.mark.django_db

CATALOG = b"<</Type/Catalog/Pages 2 0 R%s>>"
PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]%s>>"


def pdf(*, catalog_extra=b"", page_extra=b"", more=()) -> bytes:
    """A PDF with a classic cross-reference table; `more` are objects 4, 5, ..."""
    objects = [CATALOG % catalog_extra, PAGES, PAGE % page_extra, *more]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra=b"") -> bytes:
    return b"<</Length %d%s>>stream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_with_object_stream(hidden: bytes) -> bytes:
    """PDF 1.5: the action `hidden` (object 5) lives compressed inside object stream 4,
    reachable only through a cross-reference stream (object 6)."""
    header = b"5 0 "
    packed = zlib.compress(header + hidden)
    objects = {
        1: CATALOG % b"/OpenAction 5 0 R",
        2: PAGES,
        3: PAGE % b"",
        4: stream(packed, b"/Type/ObjStm/N 1/First %d/Filter/FlateDecode" % len(header)),
    }
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3, 4)]
    rows += [struct.pack(">BIH", 2, 4, 0), struct.pack(">BIH", 1, offsets[6], 0)]
    xref = b"".join(rows)
    out += b"6 0 obj\n" + stream(xref, b"/Type/XRef/Size 7/W[1 4 2]/Root 1 0 R") + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


JAVASCRIPT = b"<</S/JavaScript/JS(app.alert('pwned'))>>"


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb() -> bytes:
    """A PNG declaring 20000 x 20000 pixels in a few hundred bytes."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 20001 * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


REFUSED = {
    "javascript_open_action": (
        pdf(catalog_extra=b"/OpenAction 4 0 R", more=[JAVASCRIPT]),
        "pdf_javascript",
    ),
    "javascript_escaped_names": (
        pdf(catalog_extra=b"/OpenAction 4 0 R", more=[b"<</S/J#61vaScript/J#53(app.alert(1))>>"]),
        "pdf_javascript",
    ),
    "javascript_name_tree": (
        pdf(
            catalog_extra=b"/Names<</JavaScript 4 0 R>>",
            more=[b"<</Names[(a) 5 0 R]>>", JAVASCRIPT],
        ),
        "pdf_javascript",
    ),
    "javascript_in_compressed_object_stream": (
        pdf_with_object_stream(JAVASCRIPT),
        "pdf_javascript",
    ),
    "launch_action": (
        pdf(page_extra=b"/AA<</O 4 0 R>>", more=[b"<</S/Launch/F(cmd.exe)>>"]),
        "pdf_javascript",
    ),
    "embedded_file": (
        pdf(
            catalog_extra=b"/Names<</EmbeddedFiles<</Names[(payload.exe) 4 0 R]>>>>",
            more=[
                b"<</Type/Filespec/F(payload.exe)/EF<</F 5 0 R>>>>",
                stream(b"MZ", b"/Type/EmbeddedFile"),
            ],
        ),
        "pdf_embedded_file",
    ),
    "embedded_file_in_compressed_object_stream": (
        pdf_with_object_stream(b"<</Type/Filespec/F(x.exe)/EF<</F 1 0 R>>>>"),
        "pdf_embedded_file",
    ),
    "password": (encrypted_pdf(), "pdf_encrypted"),
    "decompression_bomb": (
        pdf(
            page_extra=b"/Contents 4 0 R",
            more=[stream(zlib.compress(b"0" * 60_000_000, 9), b"/Filter/FlateDecode")],
        ),
        "pdf_bomb",
    ),
    "image_bomb": (png_bomb(), "image_too_large"),
}


@pytest.fixture
def draft(london):
    return f.CaseFactory(mission=london)


@pytest.mark.parametrize("name", REFUSED)
def test_dangerous_files_are_refused_with_a_specific_message_and_nothing_is_stored(
    draft, settings, name
):
    data, code = REFUSED[name]
    assert len(data) < settings.LEGION_MAX_UPLOAD_BYTES
    with pytest.raises(CaseError) as exc:
        document_upload(
            reference=draft.reference,
            actor=Actor.applicant(draft.pk),
            kind="service_record",
            uploaded_file=SimpleUploadedFile("record.pdf", data),
        )
    assert exc.value.code == code
    assert (exc.value.message and "PDF" in exc.value.message) or code == "image_too_large"
    assert not Document.objects.exists()
    media = settings.MEDIA_ROOT / "documents"
    assert not media.exists() or not any(media.iterdir())


def test_refusal_messages_differ(draft):
    from legion.cases.documents import PDF_REFUSALS

    messages = [str(m) for m in PDF_REFUSALS.values()]
    assert len(set(messages)) == len(messages)


def test_ordinary_pdf_with_a_link_is_accepted(draft):
    link = b"<</Type/Annot/Subtype/Link/Rect[0 0 10 10]/A<</S/URI/URI(https://example.org)>>>>"
    document = document_upload(
        reference=draft.reference,
        actor=Actor.applicant(draft.pk),
        kind="service_record",
        uploaded_file=SimpleUploadedFile(
            "record.pdf", pdf(page_extra=b"/Annots[4 0 R]", more=[link])
        ),
    )
    assert document.content_type == "application/pdf"


def test_compressed_object_stream_pdf_is_read(draft):
    """The object-stream test files are real PDFs: a harmless one is accepted."""
    harmless = pdf_with_object_stream(b"<</Type/Action/S/URI/URI(https://example.org)>>")
    document = document_upload(
        reference=draft.reference,
        actor=Actor.applicant(draft.pk),
        kind="service_record",
        uploaded_file=SimpleUploadedFile("record.pdf", harmless),
    )
    assert document.pk
