"""What an uploaded document's bytes really are, whatever its name says.

A file is served to patients as the type its extension names, so its bytes must be that type
and nothing else: no polyglot (a PDF that is also an HTML page, a PNG with a ZIP behind it),
no PDF that runs code or carries other files. Each check returns the reason a file is refused,
in words staff can act on, or None.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

_PDF_HEADER = b"%PDF-"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_JPEG_START = b"\xff\xd8\xff"
_JPEG_END = b"\xff\xd9"

# Where %%EOF must be: a reader looks for it in the last 1024 bytes.
_PDF_TAIL = 1024
# A ZIP's end record sits within 64 KiB (its longest comment) of the file's end.
_ZIP_TAIL = 65 * 1024
_ZIP_END_RECORD = b"PK\x05\x06"

# PDF names that run code, start another program or carry files inside the document. A script
# action always says /S /JavaScript, so the short /JS is looked for only in object streams'
# dictionaries: in the raw file, compressed image data would match three bytes by chance.
_PDF_FORBIDDEN_NAMES = {
    b"JavaScript": "JavaScript",
    b"Launch": "an action that starts another program",
    b"EmbeddedFile": "an embedded file",
    b"EmbeddedFiles": "embedded files",
    b"RichMedia": "embedded media",
}
_PDF_FORBIDDEN_IN_OBJECT_STREAMS = {**_PDF_FORBIDDEN_NAMES, b"JS": "JavaScript"}
# A PDF name: a slash, then anything up to a delimiter or white space; #xx escapes one byte.
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM_START = re.compile(rb"stream\r?\n")
# Object streams hide dictionaries inside compressed data; unpacking them is bounded.
_PDF_OBJECT_STREAMS_MAX_BYTES = 32 * 1024 * 1024

# Markup a browser would run if it ever took the file for a page.
_MARKUP = re.compile(rb"<\s*(?:script|html|body|iframe|object|embed|!doctype)\b", re.IGNORECASE)

# Signatures of binary formats a .txt must not be.
_BINARY_SIGNATURES = (
    _PDF_HEADER,
    _PNG_SIGNATURE,
    _JPEG_START,
    b"PK\x03\x04",
    b"GIF8",
    b"MZ",
    b"\x7fELF",
)

_NOT_A = "The file's content is not a {suffix} file. Please check the file."


def document_content_problem(*, data: bytes, content_type: str, suffix: str) -> str | None:
    """Why these bytes may not be kept as `content_type` (named `suffix`), or None."""
    if content_type == "application/pdf":
        return _pdf_problem(data, suffix)
    if content_type == "image/png":
        return _image_problem(data, suffix, start=_PNG_SIGNATURE, end=_PNG_END)
    if content_type == "image/jpeg":
        return _image_problem(data, suffix, start=_JPEG_START, end=_JPEG_END)
    if content_type == "text/plain":
        return _text_problem(data, suffix)
    return _NOT_A.format(suffix=suffix)


def _image_problem(data: bytes, suffix: str, *, start: bytes, end: bytes) -> str | None:
    if not data.startswith(start):
        return _NOT_A.format(suffix=suffix)
    if not data.endswith(end):
        # A second file (a ZIP, a page) appended behind the image would otherwise ride along.
        return (
            f"The file does not end where a {suffix} image ends: it has other data behind the "
            "image. Please save the image again and upload that copy."
        )
    return None


def _text_problem(data: bytes, suffix: str) -> str | None:
    if data.startswith(_BINARY_SIGNATURES) or b"\x00" in data:
        return _NOT_A.format(suffix=suffix)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "The text file is not UTF-8 text. Please save it as UTF-8 and upload it again."
    if _MARKUP.search(data):
        return (
            "The text file contains web page markup (HTML or script). Upload it as a PDF instead."
        )
    return None


def _pdf_problem(data: bytes, suffix: str) -> str | None:
    if not data.startswith(_PDF_HEADER):
        return _NOT_A.format(suffix=suffix)
    if b"%%EOF" not in data[-_PDF_TAIL:] or _ZIP_END_RECORD in data[-_ZIP_TAIL:]:
        return (
            "The PDF does not end where a PDF ends: it is damaged or has another file behind "
            "it. Please print or save it to a new PDF and upload that copy."
        )
    if _MARKUP.search(data):
        return (
            "The PDF also contains web page markup (HTML or script). Please print or save it "
            "to a new PDF and upload that copy."
        )
    try:
        found = _pdf_forbidden_name(data)
    except _UncheckablePdfError:
        return (
            "The PDF could not be checked: it may be encrypted or damaged. Please save it "
            "without a password, or print it to a new PDF, and upload that copy."
        )
    if found is not None:
        return (
            f"The PDF contains {found}, which is not allowed in patient documents. Please "
            "print it to a new PDF (which keeps only the pages) and upload that copy."
        )
    return None


class _UncheckablePdfError(Exception):
    pass


def _pdf_forbidden_name(data: bytes) -> str | None:
    """The first forbidden name in the file or in its object streams, described, or None."""
    object_streams: list[bytes] = []
    unpacked = 0
    for name, end in _pdf_names(data):
        if name in _PDF_FORBIDDEN_NAMES:
            return _PDF_FORBIDDEN_NAMES[name]
        if name == b"ObjStm":
            inner = _pdf_stream_after(data, end, _PDF_OBJECT_STREAMS_MAX_BYTES - unpacked)
            unpacked += len(inner)
            object_streams.append(inner)
    for inner in object_streams:
        for name, _ in _pdf_names(inner):
            if name in _PDF_FORBIDDEN_IN_OBJECT_STREAMS:
                return _PDF_FORBIDDEN_IN_OBJECT_STREAMS[name]
    return None


def _pdf_names(data: bytes) -> Iterator[tuple[bytes, int]]:
    """Each name in the bytes, #xx escapes decoded (/J#61vaScript is /JavaScript), and where
    it ends."""
    for match in _PDF_NAME.finditer(data):
        name = _PDF_NAME_ESCAPE.sub(lambda hex_: bytes([int(hex_[1], 16)]), match[1])
        yield name, match.end()


def _pdf_stream_after(data: bytes, position: int, budget: int) -> bytes:
    """The decompressed content of the first stream after `position` (an object stream)."""
    start = _PDF_STREAM_START.search(data, position)
    if start is None or budget <= 0:
        raise _UncheckablePdfError
    inflater = zlib.decompressobj()
    try:
        content = inflater.decompress(data[start.end() :], budget)
    except zlib.error as error:
        raise _UncheckablePdfError from error
    if inflater.unconsumed_tail or not inflater.eof:
        raise _UncheckablePdfError
    return content
