"""The portal's details form reads phone numbers in the record's clinic's country."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clinics.models import Patient
from family_links.models import EmergencyContact

pytestmark = pytest.mark.django_db


def _edit(client: Client, patient: Patient, **values: str) -> tuple[int, str]:
    url = reverse("portal:profiles:edit", args=[patient.pk])
    data = {"preferred_name": patient.preferred_name, "city": patient.city, **values}
    response = client.post(url, data)
    return response.status_code, response.content.decode()


def test_the_portal_refuses_a_phone_that_is_not_a_phone_number(
    holder_client: Client, linked_member: Patient
) -> None:
    status, html = _edit(holder_client, linked_member, phone="call me", emergency_phone="12")
    assert status == 200
    assert html.count("Enter a valid phone number, for example (201) 555-0123") == 2
    linked_member.refresh_from_db()
    assert str(linked_member.phone) != "call me"
    assert not EmergencyContact.objects.filter(patient=linked_member).exists()


def test_the_portal_stores_a_national_number_e164_and_shows_it_national(
    holder_client: Client, linked_member: Patient
) -> None:
    status, _ = _edit(
        holder_client,
        linked_member,
        phone="(201) 555-0199",
        emergency_name="Gran",
        emergency_phone="201 555 0101",
    )
    assert status == 302
    assert Patient.objects.values_list("phone", flat=True).get(pk=linked_member.pk) == (
        "+12015550199"
    )
    contact = EmergencyContact.objects.get(patient=linked_member)
    assert EmergencyContact.objects.values_list("phone", flat=True).get(pk=contact.pk) == (
        "+12015550101"
    )
    html = holder_client.get(reverse("portal:profiles:profile", args=[linked_member.pk]))
    assert "(201) 555-0199" in html.content.decode()
    assert "(201) 555-0101" in html.content.decode()


def test_the_portal_reads_numbers_in_a_british_clinics_country(
    holder_client: Client, linked_member: Patient
) -> None:
    linked_member.clinic.phone_region = "GB"
    linked_member.clinic.save()
    status, _ = _edit(holder_client, linked_member, phone="020 7946 0018")
    assert status == 302
    assert Patient.objects.values_list("phone", flat=True).get(pk=linked_member.pk) == (
        "+442079460018"
    )
