"""Limits before work: a body over the limit is refused with 413 before any of it is
read, so nothing reaches the temporary upload folder or the media folder; under WSGI
(the test client's handler and a live server) and under ASGI."""

import asyncio
import http.client
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.test import Client

from legion.cases.models import Document
from legion.portal.tests.conftest import sign_in
from legion.testing import files

MIB = 1024 * 1024
BOUNDARY = "legionboundary"


class EndlessBody:
    """A request body that is never all there: it counts what the server reads."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        self.read_bytes += size
        return b"\0" * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


@pytest.fixture
def folders(settings, tmp_path, monkeypatch):
    """Empty temporary and media folders that the request may not write into."""
    temp, media = tmp_path / "temp", tmp_path / "media"
    temp.mkdir()
    media.mkdir(exist_ok=True)
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.MEDIA_ROOT = media
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp, media


def written(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def multipart_head() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npassport\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [11 * MIB, 200 * MIB])
def test_oversized_upload_is_refused_with_413_before_a_byte_is_read(draft, folders, size):
    client = sign_in(Client(), draft)
    body = EndlessBody()
    response = client.generic(
        "POST",
        "/apply/documents/",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(size)},
    )
    assert response.status_code == 413
    assert b"The file is too large" in response.content
    assert b"A file can be at most 10.0\xc2\xa0MB" in response.content
    assert body.read_bytes == 0
    assert written(*folders) == []
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_upload_within_the_limit_is_still_read(draft, folders):
    """The limit is not a blanket refusal, and the folders checked above are where an
    upload would land: a file within the limit is stored under the media folder."""
    client = sign_in(Client(), draft)
    upload = {"kind": "passport", "file": files.pdf(), "upload": "1"}
    assert client.post("/apply/documents/", upload).status_code == 302
    assert Document.objects.count() == 1
    assert written(folders[1])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [11 * MIB, 200 * MIB])
def test_live_server_refuses_a_streamed_oversized_upload(live_server, folders, size):
    host, port = live_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    connection.putrequest("POST", "/apply/documents/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    connection.send(multipart_head() + b"\0" * MIB)  # the start of the file, no more
    response = connection.getresponse()
    page = response.read()
    connection.close()
    assert response.status == 413
    assert b"The file is too large" in page
    assert written(*folders) == []
    assert not Document.objects.exists()


def test_api_body_over_the_limit_gets_413_in_the_api_error_shape(db, folders):
    body = EndlessBody()
    response = Client().generic(
        "POST",
        "/api/v1/cases/bulk-transitions",
        content_type="application/json",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(11 * MIB)},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert body.read_bytes == 0


def run_asgi(headers: list[tuple[bytes, bytes]], chunks):
    """One request through legion.asgi; returns (status, body, body bytes pulled)."""
    from legion.asgi import application

    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        for chunk in chunks:
            pulled += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": True}
        await asyncio.sleep(0.05)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/cases/bulk-transitions",
        "raw_path": b"/api/v1/cases/bulk-transitions",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    # In a thread of its own: a browser test may leave an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, application(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


def endless(chunk: bytes):
    while True:
        yield chunk


def test_asgi_reads_nothing_of_a_body_declared_too_large(folders):
    status, body, pulled = run_asgi(
        [(b"content-type", b"multipart/form-data; boundary=x"), (b"content-length", b"209715200")],
        endless(b"\0" * MIB),
    )
    assert status == 413
    assert b"request_too_large" in body
    assert pulled == 0
    assert written(*folders) == []


def test_asgi_stops_reading_a_body_of_undeclared_length_at_the_limit(folders):
    status, body, pulled = run_asgi(
        [(b"content-type", b"multipart/form-data; boundary=x"), (b"transfer-encoding", b"chunked")],
        endless(b"\0" * MIB),
    )
    assert status == 413
    assert b"larger than this server accepts" in body
    assert pulled <= 11 * MIB
    assert written(*folders) == []
