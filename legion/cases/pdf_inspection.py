"""What a PDF must not hold to be accepted: JavaScript or actions that run programs,
attached (embedded) files, a password, or compressed data that explodes when opened.

Two looks, so neither trick hides it from both: every PDF name in the raw bytes (with
#xx escapes undone, so /J#61vaScript is /JavaScript), and every object as pypdf
resolves it, including objects packed in compressed object streams. Every stream is
decompressed once under a ceiling, so a decompression bomb is recognised instead of
being expanded by a staff member's viewer later.
"""

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

# Decompressed size allowed per stream and for the whole file.
MAX_STREAM_BYTES = 50_000_000
MAX_TOTAL_BYTES = 200_000_000

ACTIVE_NAMES = frozenset({"/JavaScript", "/JS", "/Launch", "/RichMedia", "/XFA"})
EMBEDDED_NAMES = frozenset({"/EmbeddedFile", "/EmbeddedFiles", "/EF", "/FileAttachment"})
NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class PdfProblem:
    code: str  # pdf_javascript, pdf_embedded_file, pdf_encrypted, pdf_bomb, damaged_pdf


def _classify(name: str) -> PdfProblem | None:
    if name in ACTIVE_NAMES:
        return PdfProblem("pdf_javascript")
    if name in EMBEDDED_NAMES:
        return PdfProblem("pdf_embedded_file")
    return None


def _raw_names(data: bytes) -> PdfProblem | None:
    for match in NAME.finditer(data):
        raw = ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if problem := _classify("/" + raw.decode("latin-1")):
            return problem
    return None


def _walk(value, depth: int = 0) -> PdfProblem | None:
    """Names used as keys or values in one object and its direct children."""
    if depth > 50:
        return None
    if isinstance(value, DictionaryObject):
        for key, child in value.items():
            if problem := _classify(str(key)):
                return problem
            if not isinstance(child, IndirectObject) and (problem := _walk(child, depth + 1)):
                return problem
    elif isinstance(value, ArrayObject):
        for child in value:
            if not isinstance(child, IndirectObject) and (problem := _walk(child, depth + 1)):
                return problem
    elif isinstance(value, NameObject):
        return _classify(str(value))
    return None


def _object_ids(reader: PdfReader) -> list[tuple[int, int]]:
    ids = {(num, gen) for gen, entries in reader.xref.items() for num in entries}
    ids |= {(num, 0) for num in reader.xref_objStm}
    return sorted(ids)


def pdf_problem(data: bytes) -> PdfProblem | None:
    """Why this PDF must be refused, or None when it is acceptable."""
    if problem := _raw_names(data):
        return problem
    try:
        with apply_configuration(
            zlib_maximum_output_length=MAX_STREAM_BYTES,
            lzw_maximum_output_length=MAX_STREAM_BYTES,
            run_length_maximum_output_length=MAX_STREAM_BYTES,
            brotli_maximum_output_length=MAX_STREAM_BYTES,
            maximum_declared_stream_length=MAX_STREAM_BYTES,
        ):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return PdfProblem("pdf_encrypted")
            if problem := _walk(reader.trailer):
                return problem
            total = 0
            for num, gen in _object_ids(reader):
                obj = reader.get_object(IndirectObject(num, gen, reader))
                if problem := _walk(obj):
                    return problem
                if isinstance(obj, StreamObject):
                    total += len(obj.get_data())
                    if total > MAX_TOTAL_BYTES:
                        return PdfProblem("pdf_bomb")
    except LimitReachedError:
        return PdfProblem("pdf_bomb")
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return PdfProblem("damaged_pdf")
    return None
