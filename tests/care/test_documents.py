from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.models import PatientPortalSettings
from accounts.models import User
from audit.models import AuditEvent
from care.events import CareEvent
from care.models import Document
from clinics.models import Clinic, Patient
from tests.care.factories import PDF_BYTES, DocumentFactory, Family, forms_only_account
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:care_document_add")
DOCUMENTS = reverse("portal:care:documents")


def _download(document: Document) -> str:
    return reverse("portal:care:document_download", args=[document.pk])


def _upload(client: Client, patient: Patient, file: SimpleUploadedFile, **extra: Any) -> Any:
    data = {
        "patient": patient.pk,
        "title": "Blood test",
        "category": "lab_result",
        "file": file,
        "shared_in_portal": "on",
        **extra,
    }
    return client.post(ADD, data)


def _stored_files(location: Path) -> list[Path]:
    return [path for path in location.rglob("*") if path.is_file()] if location.exists() else []


def test_staff_upload_a_document_kept_in_private_storage_and_audited(
    staff_client: Client,
    patient: Patient,
    clinic_staff: User,
    documents_folder: Path,
) -> None:
    response = _upload(staff_client, patient, SimpleUploadedFile("Lab results.pdf", PDF_BYTES))

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.patient, document.title, document.shared_in_portal) == (
        patient,
        "Blood test",
        True,
    )
    assert (document.original_name, document.content_type) == ("Lab results.pdf", "application/pdf")
    assert document.uploaded_by == clinic_staff
    (stored,) = _stored_files(documents_folder)
    assert stored.read_bytes() == PDF_BYTES
    assert "Lab results" not in stored.name  # the stored name says nothing about the patient
    event = AuditEvent.objects.get(action=CareEvent.DOCUMENT_UPLOADED)
    assert (event.actor, event.patient) == (clinic_staff, patient)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "This type of file cannot be uploaded. Allowed types:"),
        ("photo.png", b"%PDF-1.4 not a png", "The file&#x27;s content is not a .png file."),
        ("notes.txt", b"binary\x00\x01\x02", "The file&#x27;s content is not a .txt file."),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_file_of_a_type_not_allowed_is_refused_with_a_clear_message(
    staff_client: Client,
    patient: Patient,
    name: str,
    content: bytes,
    message: str,
    documents_folder: Path,
) -> None:
    response = _upload(staff_client, patient, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert _stored_files(documents_folder) == []


def test_a_file_over_the_size_limit_is_refused(
    staff_client: Client, patient: Patient, settings: Any
) -> None:
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    big = PDF_BYTES + b"0" * (2 * 1024 * 1024)

    response = _upload(staff_client, patient, SimpleUploadedFile("scan.pdf", big))

    assert "The file is 2.0 MB; the limit is 1.0 MB." in response.content.decode()
    assert not Document.objects.exists()


def test_staff_cannot_upload_to_a_patient_of_another_clinic(
    client: Client, other_clinic_staff: User, patient: Patient
) -> None:
    client.force_login(other_clinic_staff)
    response = _upload(client, patient, SimpleUploadedFile("a.pdf", PDF_BYTES))

    assert "Select a valid choice" in response.content.decode()
    assert not Document.objects.exists()


def test_staff_share_a_document_later_through_the_change_page(
    staff_client: Client, patient: Patient
) -> None:
    document = DocumentFactory.create(patient=patient, shared_in_portal=False)
    change = reverse("admin:care_document_change", args=[document.pk])

    response = staff_client.post(
        change, {"title": "Renamed", "category": "letter", "shared_in_portal": "on"}
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.category, document.shared_in_portal) == (
        "Renamed",
        "letter",
        True,
    )
    event = AuditEvent.objects.get(action=CareEvent.DOCUMENT_UPDATED)
    assert event.details["fields"] == ["title", "category", "shared_in_portal"]


def test_the_portal_lists_shared_documents_of_every_linked_record_newest_first(
    parent_client: Client, family: Family, clinic: Clinic
) -> None:
    now = timezone.now()
    older = DocumentFactory.create(patient=family.parent, title="Older")
    newer = DocumentFactory.create(patient=family.child, title="Newer")
    Document.objects.filter(pk=older.pk).update(created_at=now - timezone.timedelta(days=3))
    DocumentFactory.create(patient=family.child, title="Staff only", shared_in_portal=False)
    DocumentFactory.create(patient=PatientFactory.create(clinic=clinic), title="Someone else's")

    page = parent_client.get(DOCUMENTS).content.decode()

    assert page.index(newer.title) < page.index(older.title)
    assert "Staff only" not in page
    assert "Someone else" not in page
    assert _download(newer) in page


def test_the_member_filter_shows_one_linked_record(parent_client: Client, family: Family) -> None:
    DocumentFactory.create(patient=family.parent, title="Mother letter")
    DocumentFactory.create(patient=family.child, title="Child letter")

    page = parent_client.get(DOCUMENTS, {"member": family.child.pk}).content.decode()

    assert "Child letter" in page
    assert "Mother letter" not in page


def test_the_member_filter_refuses_a_record_not_linked(
    parent_client: Client, patient: Patient
) -> None:
    assert parent_client.get(DOCUMENTS, {"member": patient.pk}).status_code == 404


def test_a_download_checks_access_and_writes_an_audit_event(
    parent_client: Client, family: Family
) -> None:
    document = DocumentFactory.create(patient=family.child)

    response = parent_client.get(_download(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="result.pdf"'
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=CareEvent.DOCUMENT_DOWNLOADED)
    assert (event.actor, event.patient, event.object_id) == (
        family.account,
        family.child,
        str(document.pk),
    )


def test_a_document_not_shared_cannot_be_downloaded_in_the_portal(
    parent_client: Client, family: Family
) -> None:
    document = DocumentFactory.create(patient=family.child, shared_in_portal=False)
    assert parent_client.get(_download(document)).status_code == 404
    assert not AuditEvent.objects.filter(action=CareEvent.DOCUMENT_DOWNLOADED).exists()


def test_blocking_the_record_stops_the_very_next_download(
    parent_client: Client, family: Family
) -> None:
    document = DocumentFactory.create(patient=family.child)
    assert parent_client.get(_download(document)).status_code == 200
    PatientPortalSettings.objects.filter(patient=family.child).update(blocked=True)

    assert parent_client.get(_download(document)).status_code == 404


def test_revoking_the_grant_stops_the_very_next_download(
    parent_client: Client, family: Family
) -> None:
    document = DocumentFactory.create(patient=family.child)
    family.account.portal_grants.filter(patient=family.child).update(revoked_at=timezone.now())

    assert parent_client.get(_download(document)).status_code == 404


def test_an_intake_only_account_cannot_download_its_patients_documents(
    client: Client, patient: Patient
) -> None:
    document = DocumentFactory.create(patient=patient)
    client.force_login(forms_only_account(patient))

    # An intake tablet is refused every page but its forms.
    assert client.get(_download(document)).status_code == 403
    assert client.get(DOCUMENTS).status_code == 403


def test_staff_download_in_the_admin_is_audited(
    staff_client: Client, patient: Patient, clinic_staff: User
) -> None:
    document = DocumentFactory.create(patient=patient, shared_in_portal=False)

    response = staff_client.get(reverse("admin:care_document_download", args=[document.pk]))

    assert b"".join(response.streaming_content) == PDF_BYTES
    event = AuditEvent.objects.get(action=CareEvent.DOCUMENT_DOWNLOADED)
    assert (event.actor, event.patient, event.details["by_staff"]) == (clinic_staff, patient, True)


def test_files_are_never_under_a_public_url(
    parent_client: Client, family: Family, settings: Any
) -> None:
    document = DocumentFactory.create(patient=family.child)
    stored_name = document.file.name

    assert parent_client.get(f"/media/{stored_name}").status_code == 404
    assert parent_client.get(f"/private_media/{stored_name}").status_code == 404
    assert stored_name not in parent_client.get(DOCUMENTS).content.decode()
    location = Path(settings.STORAGES["documents"]["OPTIONS"]["location"]).resolve()
    assert not location.is_relative_to(Path(settings.STATIC_ROOT).resolve())
