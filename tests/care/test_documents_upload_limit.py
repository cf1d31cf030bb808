"""A 60 MB upload is refused with a clear page before the server reads its body."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from accounts.models import User
from care.models import Document
from clinics.models import Patient
from tests.care.factories import PDF_BYTES
from tests.conftest import wsgi_keeps_test_connection

pytestmark = pytest.mark.django_db

ADD = "/admin/care/document/add/"
BOUNDARY = "----upload-boundary"
SIXTY_MB = 60 * 1024 * 1024


class CountingBody:
    """wsgi.input for a multipart body whose file part is `file_size` bytes, produced lazily;
    counts how many bytes the server reads."""

    def __init__(self, patient: Patient, file_size: int) -> None:
        head = (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="patient"\r\n\r\n{patient.pk}\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="title"\r\n\r\nScan\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="category"\r\n\r\nlab_result\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(head) + file_size + len(tail)
        self._chunks = self._produce(head, file_size, tail)
        self._buffer = b""
        self.bytes_read = 0

    @staticmethod
    def _produce(head: bytes, file_size: int, tail: bytes) -> Iterator[bytes]:
        yield head + PDF_BYTES[: min(len(PDF_BYTES), file_size)]
        left = file_size - min(len(PDF_BYTES), file_size)
        block = b"0" * (1024 * 1024)
        while left > 0:
            yield block[: min(left, len(block))]
            left -= len(block)
        yield tail

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def _post(client: Client, body: CountingBody) -> Any:
    """Sends the upload through the whole WSGI stack, signed in as `client`'s user."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": ADD,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items()),
        "HTTP_X_CSRFTOKEN": client.cookies[settings.CSRF_COOKIE_NAME].value,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.length),
        "wsgi.input": body,
        "wsgi.errors": BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        started["status"] = int(status.split()[0])

    with wsgi_keeps_test_connection():
        page = b"".join(WSGIHandler()(environ, start_response)).decode()
    return started["status"], page


@pytest.fixture
def signed_in(client: Client, clinic_staff: User) -> Client:
    client.force_login(clinic_staff)
    client.get(ADD)  # the form page sets the CSRF cookie the upload sends back
    return client


def test_a_60_mb_upload_is_refused_before_its_body_is_read(
    signed_in: Client, patient: Patient
) -> None:
    body = CountingBody(patient, SIXTY_MB)

    status, page = _post(signed_in, body)

    assert status == 413
    assert "The upload is too large" in page
    assert "60.0 MB" in page
    assert "at most 10.0 MB" in page
    assert body.bytes_read < 1024 * 1024
    assert not Document.objects.exists()


def test_an_anonymous_60_mb_post_is_refused_unread_too(client: Client, patient: Patient) -> None:
    client.get("/accounts/login/")
    body = CountingBody(patient, SIXTY_MB)

    status, _ = _post(client, body)

    assert status == 413
    assert body.bytes_read == 0


def test_an_upload_just_over_the_document_limit_gets_the_form_error(
    signed_in: Client, patient: Patient, documents_folder: Any
) -> None:
    body = CountingBody(patient, settings.DOCUMENT_MAX_BYTES + 1)

    status, page = _post(signed_in, body)

    assert status == 200
    assert "the limit is 10.0 MB" in page
    assert not Document.objects.exists()


def test_an_upload_within_the_limit_goes_through_the_whole_stack(
    signed_in: Client, patient: Patient, documents_folder: Any
) -> None:
    body = CountingBody(patient, len(PDF_BYTES))

    status, _ = _post(signed_in, body)

    assert status == 302
    assert Document.objects.get().size == len(PDF_BYTES)
