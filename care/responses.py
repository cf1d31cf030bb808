"""The one way a document's file leaves the server, for staff and for portal accounts alike."""

from __future__ import annotations

from django.http import FileResponse, Http404

from accounts.models import User
from care.models import Document
from care.services.documents import document_open_for_download


def document_file_response(*, document: Document, actor: User) -> FileResponse:
    """The file as a download, never cached. The caller asked the access policy (or the staff
    scoping) first; opening the file writes the audit event."""
    try:
        file = document_open_for_download(document=document, actor=actor)
    except FileNotFoundError as error:
        raise Http404("The file of this document is missing.") from error
    response = FileResponse(
        file,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
