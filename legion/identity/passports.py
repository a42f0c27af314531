"""The passport's own data: its machine-readable zone (MRZ), read from the uploaded scan
and compared with what the applicant typed.

The MRZ is read with PassportEye (Tesseract OCR, from Debian) on the worker, not in the
upload request: an upload of a passport records a case event, and the reaction
registered in apps.py queues `read_passport` in that event's transaction. Check digits
(ICAO 9303) say whether the reading can be trusted; a reading whose check digits fail
is shown as unreliable and never used for screening. What was read is personal data
(number, names, date of birth), so it is stored encrypted, like the passport number.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django_countries import countries

from legion.cases.models import Applicant, CaseEvent, Document
from legion.identity.models import PassportReading

# Tesseract and image clean-up take a second or two per page; bound the work.
READ_TIMEOUT_SECONDS = 60
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
# Where ICAO 9303 writes a code that is not the country's alpha-3 code.
MRZ_COUNTRY_CODES = {"D": "DE", "GBD": "GB", "GBN": "GB", "GBO": "GB", "GBS": "GB", "UNK": "XK"}
# ICAO 9303 transliterations that anyascii writes otherwise (Ä as AE, not A).
ICAO_LETTERS = str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Å": "AA", "Æ": "AE",
                              "Ø": "OE", "Þ": "TH", "Ĳ": "IJ", "Œ": "OE"})  # fmt: skip


FIELD_LABELS = {
    "surname": "Surname",
    "given_name": "Given names",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "nationality": "Nationality",
    "passport_number": "Passport number",
    "passport_expiry": "Passport expiry",
}


@dataclass(frozen=True)
class MrzField:
    """One line of the comparison the officer sees."""

    name: str
    typed: str
    read: str
    agrees: bool

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.name]


def _mrz_text(value: str) -> str:
    return " ".join(value.replace("<", " ").split())


def _name_forms(value: str) -> set[str]:
    """A typed name as an MRZ would hold it: Latin capitals, words split by spaces."""
    forms = set()
    for text in (anyascii(value.upper().translate(ICAO_LETTERS)), anyascii(value.upper())):
        forms.add(" ".join(re.sub(r"[^A-Z]+", " ", text.upper()).split()))
    return forms


def _names_agree(typed: str, read: str) -> bool:
    # The MRZ cuts long names to fit its 39 places; a cut name agrees with its start.
    return any(
        form == read or (len(read) >= 20 and form.startswith(read)) for form in _name_forms(typed)
    )


def _country(value: str) -> str:
    code = value.replace("<", "")
    return MRZ_COUNTRY_CODES.get(code) or countries.alpha2(code) or code


def _document_number(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def mrz_compare(applicant: Applicant, mrz: dict) -> list[MrzField]:
    """The MRZ beside the typed data, field by field (dates as YYYY-MM-DD)."""
    surname, given = _mrz_text(mrz.get("surname", "")), _mrz_text(mrz.get("names", ""))
    nationality = _country(mrz.get("nationality", ""))
    number = _document_number(mrz.get("number", ""))
    sex = mrz.get("sex", "").replace("<", "X")
    born = _mrz_date(mrz.get("date_of_birth", ""), past=True)
    expires = _mrz_date(mrz.get("expiration_date", ""), past=False)
    typed_born, typed_expiry = applicant.date_of_birth, applicant.passport_expiry
    return [
        MrzField("surname", applicant.surname, surname, _names_agree(applicant.surname, surname)),
        MrzField(
            "given_name", applicant.given_name, given, _names_agree(applicant.given_name, given)
        ),
        MrzField("date_of_birth", _iso(typed_born), _iso(born), bool(born) and typed_born == born),
        MrzField("sex", applicant.sex, sex, (applicant.sex or "X") == sex),
        MrzField(
            "nationality",
            applicant.nationality.code or "",
            nationality,
            (applicant.nationality.code or "") == nationality,
        ),
        MrzField(
            "passport_number",
            applicant.passport_number or "",
            number,
            _document_number(applicant.passport_number) == number,
        ),
        MrzField(
            "passport_expiry",
            _iso(typed_expiry),
            _iso(expires),
            bool(expires) and typed_expiry == expires,
        ),
    ]


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _mrz_date(value: str, *, past: bool) -> dt.date | None:
    """YYMMDD as a date: a birth date in the past, an expiry within the next 50 years
    (the MRZ has no century)."""
    try:
        found = dt.date(2000 + int(value[:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None
    today = timezone.localdate()
    if (past and found > today) or (not past and found.year > today.year + 50):
        found = found.replace(year=found.year - 100)
    return found


def _page_image(document: Document, folder: Path) -> Path | None:
    """The scan as an image file PassportEye can read: images as they are, a PDF's
    first page rendered at 300 dpi (poppler's pdftoppm)."""
    with document.file.open("rb") as stored:
        data = stored.read()
    if document.content_type == "application/pdf":
        source = folder / "scan.pdf"
        source.write_bytes(data)
        # Fixed arguments and our own temporary paths: no input reaches the command line.
        subprocess.run(  # noqa: S603
            [PDFTOPPM, "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", source,
             folder / "page"],
            check=True, timeout=READ_TIMEOUT_SECONDS, capture_output=True,
        )  # fmt: skip
        return folder / "page.png"
    if document.content_type.startswith("image/"):
        image = folder / "scan"
        image.write_bytes(data)
        return image
    return None


def mrz_read_file(path: Path) -> dict | None:
    """The MRZ read from one image, or None when none can be found."""
    from passporteye import read_mrz  # slow to import (scikit-image): only on the worker

    mrz = read_mrz(str(path))
    return dict(mrz.to_dict()) if mrz is not None else None


def passport_read(*, document_id: int) -> PassportReading:
    """Read the MRZ of one uploaded passport and store the reading (replacing an older
    one of the same document)."""
    document = Document.objects.select_related("case__applicant").get(pk=document_id)
    with tempfile.TemporaryDirectory() as folder:
        try:
            image = _page_image(document, Path(folder))
            mrz = mrz_read_file(image) if image else None
        except (subprocess.SubprocessError, OSError, ValueError):
            mrz = None
    if mrz is None:
        status, data = PassportReading.Status.UNREADABLE, {}
    else:
        trusted = mrz.get("valid_score", 0) == 100 and mrz.get("mrz_type") in {"TD3", "TD2", "TD1"}
        status = PassportReading.Status.READ if trusted else PassportReading.Status.UNRELIABLE
        data = {key: mrz.get(key, "") for key in MRZ_KEYS}
    with transaction.atomic():
        reading, _created = PassportReading.objects.update_or_create(
            document=document, defaults={"status": status, "mrz": data}
        )
    return reading


MRZ_KEYS = ("mrz_type", "country", "number", "date_of_birth", "expiration_date", "nationality",
            "sex", "names", "surname", "valid_score")  # fmt: skip


def passport_reading_for(applicant: Applicant) -> PassportReading | None:
    """The newest reading of the applicant's passport scans."""
    return (
        PassportReading.objects.filter(
            document__case__applicant=applicant, document__kind=Document.Kind.PASSPORT
        )
        .order_by("-document__uploaded_at")
        .first()
    )


def _newest_reading(documents: Iterable[Document]) -> PassportReading | None:
    """The reading of the newest passport scan among documents already loaded (with
    `select_related("passport_reading")`, so this asks the database nothing)."""
    passports = sorted(
        (d for d in documents if d.kind == Document.Kind.PASSPORT),
        key=lambda d: d.uploaded_at,
        reverse=True,
    )
    for document in passports:
        try:
            return document.passport_reading
        except PassportReading.DoesNotExist:
            continue
    return None


def passport_comparison(
    applicant: Applicant, documents: Iterable[Document] | None = None
) -> tuple[PassportReading | None, list[MrzField]]:
    """What the case page and identity review show: the reading and, when it can be
    trusted, the comparison. Pages pass the case's documents they already loaded."""
    reading = (
        _newest_reading(documents) if documents is not None else passport_reading_for(applicant)
    )
    if reading is None or reading.status != PassportReading.Status.READ:
        return reading, []
    return reading, mrz_compare(applicant, reading.mrz)


def passport_alternatives(applicant: Applicant) -> dict[str, object]:
    """The document number and date of birth a trusted MRZ gives where they differ from
    what was typed (screening then also looks for the person under these)."""
    reading = passport_reading_for(applicant)
    if reading is None or reading.status != PassportReading.Status.READ:
        return {}
    differs = {f.name: f for f in mrz_compare(applicant, reading.mrz) if not f.agrees}
    found: dict[str, object] = {}
    if "passport_number" in differs:
        found["passport_number"] = differs["passport_number"].read
    if "date_of_birth" in differs and differs["date_of_birth"].read:
        found["date_of_birth"] = dt.date.fromisoformat(differs["date_of_birth"].read)
    return found


@task
def read_passport(document_id: int) -> str:
    """Worker task: read one passport's MRZ; returns the reading's status."""
    return passport_read(document_id=document_id).status


def passport_upload_react(*, case, event: CaseEvent) -> None:
    """On an uploaded passport, queue its reading in the upload's transaction (with the
    database task queue, the task row commits or rolls back with the upload)."""
    if event.kind != CaseEvent.Kind.DOCUMENT or event.action != "upload":
        return
    if event.data.get("kind") != Document.Kind.PASSPORT:
        return
    read_passport.enqueue(document_id=event.data["document"])
