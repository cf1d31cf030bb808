"""Documents staff keep on a patient's record, and every download of one."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from care.document_content import document_content_problem
from care.events import CareEvent
from care.models import Document, DocumentCategory
from clinics.models import Patient


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def document_file_check(*, file: File) -> str:
    """Refuses a file of a type not allowed, over the size limit, or not what its name says
    (its bytes are checked, see care.document_content).

    Returns the content type it will be served as.
    """
    allowed: dict[str, str] = settings.DOCUMENT_ALLOWED_TYPES
    suffix = PurePath(file.name or "").suffix.lower()
    content_type = allowed.get(suffix)
    if content_type is None:
        kinds = ", ".join(sorted(allowed))
        raise ValidationError(f"This type of file cannot be uploaded. Allowed types: {kinds}.")
    if not file.size:
        raise ValidationError("The file is empty.")
    if file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            f"The file is {_megabytes(file.size)}; "
            f"the limit is {_megabytes(settings.DOCUMENT_MAX_BYTES)}."
        )
    # Whole-file checks (the end of a PDF or image, markup anywhere): the size is bounded above.
    file.seek(0)
    data = file.read()
    file.seek(0)
    problem = document_content_problem(data=data, content_type=content_type, suffix=suffix)
    if problem is not None:
        raise ValidationError(problem)
    return content_type


@transaction.atomic
def document_upload(
    *,
    patient: Patient,
    title: str,
    category: DocumentCategory,
    file: File,
    shared_in_portal: bool,
    actor: User,
) -> Document:
    content_type = document_file_check(file=file)
    document = Document(
        patient=patient,
        title=title.strip(),
        category=category,
        original_name=PurePath(file.name or "document").name[:255],
        content_type=content_type,
        size=file.size or 0,
        shared_in_portal=shared_in_portal,
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    document.file.save(document.original_name, file, save=False)
    try:
        document.save()
        audit_record(
            actor=actor,
            action=CareEvent.DOCUMENT_UPLOADED,
            patient=patient,
            target=document,
            details={"title": document.title, "shared_in_portal": shared_in_portal},
        )
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    title: str,
    category: DocumentCategory,
    shared_in_portal: bool,
    actor: User,
) -> Document:
    """Staff rename, re-file, share or stop sharing a document; the file itself never changes."""
    changes = {"title": title.strip(), "category": category, "shared_in_portal": shared_in_portal}
    changed = [name for name, value in changes.items() if getattr(document, name) != value]
    if not changed:
        return document
    for name in changed:
        setattr(document, name, changes[name])
    document.full_clean(exclude=["file"])
    document.save(update_fields=changed)
    audit_record(
        actor=actor,
        action=CareEvent.DOCUMENT_UPDATED,
        patient=document.patient,
        target=document,
        details={"fields": changed, "shared_in_portal": document.shared_in_portal},
    )
    return document


@transaction.atomic
def document_open_for_download(*, document: Document, actor: User) -> File:
    """Opens the file for the caller, who asked the access policy first; writes the audit event."""
    file = document.file.open("rb")
    audit_record(
        actor=actor,
        action=CareEvent.DOCUMENT_DOWNLOADED,
        patient=document.patient,
        target=document,
        details={"title": document.title, "by_staff": actor.is_staff},
    )
    return file
