"""An uploaded document's bytes must be what its name says and nothing else: polyglots (a PDF
that is also a page, an image with a ZIP behind it), PDFs that run code or carry files, and
text that is markup are refused with a message staff can act on; real files are kept."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from care.models import Document
from clinics.models import Patient
from tests.care.factories import PDF_BYTES

pytestmark = pytest.mark.django_db

ADD = reverse("admin:care_document_add")


def _upload(client: Client, patient: Patient, name: str, content: bytes) -> Any:
    return client.post(
        ADD,
        {
            "patient": patient.pk,
            "title": "Scan",
            "category": "lab_result",
            "file": SimpleUploadedFile(name, content),
        },
    )


def _png() -> bytes:
    """A real one-pixel PNG, built by hand (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    """Start of image, a JFIF header, end of image: what the check looks at."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return buffer.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog), with a cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_with_object_stream(hidden: bytes) -> bytes:
    """A PDF whose catalog opens with an action kept inside a compressed object stream."""
    packed = zlib.compress(b"3 0 " + hidden)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\n"
            b"endstream" % (len(packed), packed),
        ]
    )


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
JS_ACTION = b"<< /S /JavaScript /JS (app.alert(1)) >>"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "report.pdf",
            b"<html><script>alert(1)</script></html>\n" + PDF_BYTES,
            "The file's content is not a .pdf file.",
            id="html-before-the-pdf-header",
        ),
        pytest.param(
            "report.pdf", _png(), "The file's content is not a .pdf file.", id="pdf-that-is-a-png"
        ),
        pytest.param(
            "report.pdf", _zip(), "The file's content is not a .pdf file.", id="pdf-that-is-a-zip"
        ),
        pytest.param(
            "report.pdf",
            b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF",
            "The PDF also contains web page markup",
            id="pdf-header-then-html",
        ),
        pytest.param(
            "report.pdf",
            PDF_BYTES.replace(b"%%EOF\n", b"%%EOF\n<!DOCTYPE html><p>hi</p>\n"),
            "The PDF also contains web page markup",
            id="html-after-the-pdf-end",
        ),
        pytest.param(
            "report.pdf",
            PDF_BYTES + _zip(),
            "The PDF does not end where a PDF ends",
            id="pdf-with-a-zip-behind-it",
        ),
        pytest.param(
            "report.pdf",
            PDF_BYTES.rsplit(b"%%EOF", 1)[0],
            "The PDF does not end where a PDF ends",
            id="pdf-without-an-end",
        ),
        pytest.param(
            "report.pdf",
            _pdf([b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>", PAGES, JS_ACTION]),
            "The PDF contains JavaScript",
            id="pdf-open-action-javascript",
        ),
        pytest.param(
            "report.pdf",
            _pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
                    PAGES,
                    b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",
                ]
            ),
            "The PDF contains JavaScript",
            id="pdf-javascript-name-hidden-by-hex-escapes",
        ),
        pytest.param(
            "report.pdf",
            _pdf_with_object_stream(b"<< /JS (app.alert(1)) /S /JavaScript >>"),
            "The PDF contains JavaScript",
            id="pdf-javascript-inside-a-compressed-object-stream",
        ),
        pytest.param(
            "report.pdf",
            _pdf_with_object_stream(b"<< /J#53 (app.alert(1)) >>"),
            "The PDF contains JavaScript",
            id="pdf-js-key-inside-a-compressed-object-stream",
        ),
        pytest.param(
            "report.pdf",
            _pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
                    PAGES,
                    b"<< /S /Launch /F (cmd.exe) >>",
                ]
            ),
            "The PDF contains an action that starts another program",
            id="pdf-launch-action",
        ),
        pytest.param(
            "report.pdf",
            _pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
                    PAGES,
                    b"<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\x00\nendstream",
                ]
            ),
            "The PDF contains embedded files",
            id="pdf-embedded-file",
        ),
        pytest.param(
            "report.pdf",
            _pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    PAGES,
                    b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 9 >>\n"
                    b"stream\nnot zlib!\nendstream",
                ]
            ),
            "The PDF could not be checked",
            id="pdf-object-stream-that-cannot-be-unpacked",
        ),
        pytest.param(
            "photo.png",
            _png() + b"<html><script>alert(1)</script></html>",
            "The file does not end where a .png image ends",
            id="png-with-html-behind-it",
        ),
        pytest.param(
            "photo.png",
            _png() + _zip(),
            "The file does not end where a .png image ends",
            id="png-with-a-zip-behind-it",
        ),
        pytest.param(
            "photo.png", PDF_BYTES, "The file's content is not a .png file.", id="png-that-is-a-pdf"
        ),
        pytest.param(
            "photo.jpg",
            _jpeg() + _zip(),
            "The file does not end where a .jpg image ends",
            id="jpeg-with-a-zip-behind-it",
        ),
        pytest.param(
            "photo.jpeg",
            b"<html>\xff\xd8\xff\xd9",
            "The file's content is not a .jpeg file.",
            id="jpeg-that-is-html",
        ),
        pytest.param(
            "notes.txt",
            b"Dear patient,\n<script>fetch('/portal/')</script>\n",
            "The text file contains web page markup",
            id="text-with-a-script",
        ),
        pytest.param(
            "notes.txt",
            b"<!doctype html><p>Results</p>",
            "The text file contains web page markup",
            id="text-that-is-a-page",
        ),
        pytest.param(
            "notes.txt",
            "Résultats".encode("latin-1"),
            "The text file is not UTF-8 text.",
            id="text-not-utf8",
        ),
        pytest.param(
            "notes.txt",
            PDF_BYTES,
            "The file's content is not a .txt file.",
            id="text-that-is-a-pdf",
        ),
        pytest.param(
            "notes.txt",
            b"plain words\x00\x00",
            "The file's content is not a .txt file.",
            id="text-with-nul-bytes",
        ),
    ],
)
def test_a_polyglot_or_active_file_is_refused_with_a_clear_message(
    staff_client: Client,
    patient: Patient,
    documents_folder: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    response = _upload(staff_client, patient, name, content)

    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not Document.objects.exists()
    assert not documents_folder.exists() or not any(documents_folder.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param("result.pdf", PDF_BYTES, "application/pdf", id="pdf"),
        pytest.param(
            "compressed.pdf",
            _pdf_with_object_stream(b"<< /Type /Annot /Subtype /Text /Contents (Note) >>"),
            "application/pdf",
            id="pdf-with-an-object-stream",
        ),
        pytest.param("x-ray.png", _png(), "image/png", id="png"),
        pytest.param("photo.jpg", _jpeg(), "image/jpeg", id="jpeg"),
        pytest.param(
            "notes.txt",
            "Résultats: glucose 5.2 < 6.1 mmol/L\n".encode(),
            "text/plain",
            id="utf8-text",
        ),
    ],
)
def test_a_real_file_of_each_allowed_type_is_kept(
    staff_client: Client, patient: Patient, name: str, content: bytes, content_type: str
) -> None:
    response = _upload(staff_client, patient, name, content)

    assert response.status_code == 302, response.content.decode()
    document = Document.objects.get()
    assert (document.original_name, document.content_type) == (name, content_type)
    with document.file.open("rb") as stored:
        assert stored.read() == content


def test_an_object_stream_unpacking_past_the_budget_is_refused(
    staff_client: Client, patient: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("care.document_content._PDF_OBJECT_STREAMS_MAX_BYTES", 1024)
    bomb = _pdf_with_object_stream(b"<< /Padding (" + b"0" * 4096 + b") >>")

    response = _upload(staff_client, patient, "bomb.pdf", bomb)

    assert "The PDF could not be checked" in response.content.decode()
    assert not Document.objects.exists()
