"""Files for upload tests: real PDFs and images, and files that only pretend to be."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from legion.testing.factories import minimal_pdf

# The start of a Windows program: what an .exe renamed to .pdf really begins with.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
GPS_IFD = 0x8825


def pdf(name: str = "passport.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    """A valid PDF; `extra` makes its content (and hash) differ from other PDFs."""
    body = minimal_pdf(extra)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def jpeg_bytes(*, with_gps: bool = False, colour=(200, 30, 30), size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # camera make
        exif[0x0131] = "Camera app 1.0"  # software
        exif[GPS_IFD] = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)}
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def jpeg(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def png(name: str = "scan.png", colour=(10, 120, 10, 255)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", (40, 40), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def exe_named_pdf(name: str = "passport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE_BYTES, content_type="application/pdf")
