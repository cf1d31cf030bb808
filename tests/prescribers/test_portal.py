"""The practitioner portal: who gets in, My clinics, New prescription, Prescription history."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from clinics.events import ClinicEvent
from clinics.models import Clinic, PractitionerClinic
from clinics.services import practitioner_clinic_archive
from prescribers.models import EPrescription, PharmacyPatient, PrescriberProfile
from prescribers.services.profiles import (
    prescriber_archive,
    prescriber_disconnect,
    prescriber_link,
)
from tests.factories import staff_member
from tests.prescribers.factories import (
    EPrescriptionFactory,
    PrescriberProfileFactory,
    patient_with_prescription,
    pharmacy_staff_member,
    practitioner_account,
)

PAGES = [
    "practitioner:home",
    "practitioner:clinics",
    "practitioner:clinic_create",
    "practitioner:prescription_new",
    "practitioner:history",
    "practitioner:api_tokens",
]

NEW_PRESCRIPTION = {
    "first_name": "Harold",
    "last_name": "Benson",
    "date_of_birth": "1948-07-02",
    "sex": "M",
    "phone": "(555) 302-1001",
    "medication_name": "Metformin",
    "strength": "500 mg",
    "dosage_form": "tablet",
    "quantity": "60",
    "refills": "2",
    "directions": "Take 1 tablet by mouth twice daily.",
    "days_supply": "30",
}


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _link(profile: PrescriberProfile, user: User, pair: PractitionerClinic) -> None:
    prescriber_link(
        profile=profile,
        account=user,
        practitioner_clinic=pair,
        npi_mismatch_confirmed=True,
        actor=None,
    )


# --- who gets in -------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["patient account", "clinic staff", "pharmacy staff"])
@pytest.mark.parametrize("url_name", PAGES)
def test_accounts_that_are_not_practitioners_are_refused(
    who: str, url_name: str, outsider: User, clinic: Clinic
) -> None:
    user = {
        "patient account": lambda: outsider,
        "clinic staff": lambda: staff_member(clinic=clinic, email="desk@example.com"),
        "pharmacy staff": lambda: pharmacy_staff_member(email="rx@example.com"),
    }[who]()
    response = _signed_in(user).get(reverse(url_name))
    assert response.status_code == 403
    assert b"This area is for practitioners" in response.content


def test_a_deactivated_practitioner_is_refused(joe: User) -> None:
    client = _signed_in(joe)
    User.objects.filter(pk=joe.pk).update(is_active=False)
    response = client.get(reverse("practitioner:home"))
    assert response.status_code in {302, 403}


def test_the_overview_shows_the_practitioners_clinics(joe_client: Client) -> None:
    response = joe_client.get(reverse("practitioner:home"))
    assert response.status_code == 200
    assert b"Happy Clinic West" in response.content
    assert b"Joe Smith" in response.content


# --- My clinics --------------------------------------------------------------------------------


def test_a_practitioner_creates_a_clinic(joe: User, joe_client: Client) -> None:
    response = joe_client.post(
        reverse("practitioner:clinic_create"),
        {
            "name": "Southern Clinic of Joy",
            "address_line1": "77 Main Street",
            "city": "Phoenix",
            "region": "AZ",
            "postal_code": "85004",
            "phone": "(201) 555-0113",
        },
    )

    assert response.status_code == 302
    pair = PractitionerClinic.objects.get(
        practitioner__user=joe, clinic__name="Southern Clinic of Joy"
    )
    assert pair.clinic.city == "Phoenix"
    assert AuditEvent.objects.filter(
        action=ClinicEvent.PRACTITIONER_CLINIC_CREATED, actor=joe
    ).exists()
    assert b"Southern Clinic of Joy" in joe_client.get(reverse("practitioner:clinics")).content


def test_bad_clinic_details_get_field_errors_and_change_nothing(joe_client: Client) -> None:
    clinics_before = Clinic.objects.count()
    response = joe_client.post(
        reverse("practitioner:clinic_create"),
        {"name": "", "address_line1": "1 Road", "city": "Town", "phone": "call me"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "phone"}
    assert Clinic.objects.count() == clinics_before


def test_a_practitioner_edits_and_archives_their_clinic(
    joe: User, joe_client: Client, happy_clinic: Clinic, joe_at_happy: PractitionerClinic
) -> None:
    edit_url = reverse("practitioner:clinic_edit", args=[happy_clinic.pk])
    assert joe_client.get(edit_url).context["form"].initial["name"] == "Happy Clinic West"
    joe_client.post(
        edit_url,
        {
            "name": "Happy Clinic West",
            "address_line1": "12 New Road",
            "city": "Tucson",
            "phone": "201 555 0134",
        },
    )
    happy_clinic.refresh_from_db()
    assert happy_clinic.address_line1 == "12 New Road"

    joe_client.post(
        reverse("practitioner:clinic_archive", args=[happy_clinic.pk]), {"archived": "yes"}
    )
    joe_at_happy.refresh_from_db()
    assert joe_at_happy.archived_at is not None
    form = joe_client.get(reverse("practitioner:prescription_new")).context
    assert form["has_clinics"] is False

    joe_client.post(
        reverse("practitioner:clinic_archive", args=[happy_clinic.pk]), {"archived": "no"}
    )
    joe_at_happy.refresh_from_db()
    assert joe_at_happy.archived_at is None


def test_a_clinic_kept_by_its_staff_is_not_edited_by_the_practitioner(
    joe: User, joe_client: Client, clinic: Clinic, clinic_staff: User
) -> None:
    PractitionerClinic.objects.create(practitioner=joe.practitioner, clinic=clinic)
    page = joe_client.get(reverse("practitioner:clinics")).content.decode()
    assert "Kept by clinic staff" in page

    response = joe_client.post(
        reverse("practitioner:clinic_edit", args=[clinic.pk]),
        {"name": "Renamed", "address_line1": "1 Road", "city": "Town", "phone": "201 555 0134"},
    )
    assert response.status_code == 200
    assert b"kept by its staff" in response.content
    clinic.refresh_from_db()
    assert clinic.name == "Northside Family Clinic"


def test_another_practitioners_clinic_is_not_found(
    joe_client: Client, other_practitioner: User
) -> None:
    theirs = other_practitioner.practitioner.clinic_links.get().clinic
    assert joe_client.get(reverse("practitioner:clinic_edit", args=[theirs.pk])).status_code == 404
    archive = reverse("practitioner:clinic_archive", args=[theirs.pk])
    assert joe_client.post(archive, {"archived": "yes"}).status_code == 404
    assert not PractitionerClinic.objects.filter(archived_at__isnull=False).exists()


# --- New prescription ----------------------------------------------------------------------


def test_a_practitioner_sends_a_new_prescription(
    joe: User, joe_client: Client, joe_at_happy: PractitionerClinic
) -> None:
    response = joe_client.post(
        reverse("practitioner:prescription_new"), {"clinic": joe_at_happy.pk, **NEW_PRESCRIPTION}
    )

    prescription = EPrescription.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('practitioner:history')}#patient-{prescription.patient_id}"
    )
    assert prescription.practitioner_clinic == joe_at_happy
    assert prescription.patient.full_name == "Harold Benson"
    assert prescription.profile.created_automatically
    history = joe_client.get(reverse("practitioner:history")).content.decode()
    assert "Benson, Harold" in history
    assert "Metformin 500 mg" in history


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"days_supply": ""}, "days_supply"),
        ({"refills": "100"}, "refills"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"first_name": ""}, "first_name"),
        ({"phone": "", "email": ""}, "phone"),
        ({"medication_name": ""}, "medication_name"),
        ({"clinic": ""}, "clinic"),
    ],
)
def test_bad_prescription_input_gets_field_errors_and_sends_nothing(
    joe_client: Client, joe_at_happy: PractitionerClinic, changes: dict[str, str], field: str
) -> None:
    data = {"clinic": joe_at_happy.pk, **NEW_PRESCRIPTION, **changes}
    response = joe_client.post(reverse("practitioner:prescription_new"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert b"nothing was sent" in response.content
    assert not EPrescription.objects.exists()
    assert not PharmacyPatient.objects.exists()


def test_a_practitioner_cannot_prescribe_from_another_practitioners_clinic(
    joe_client: Client, other_practitioner: User
) -> None:
    theirs = other_practitioner.practitioner.clinic_links.get()
    response = joe_client.post(
        reverse("practitioner:prescription_new"), {"clinic": theirs.pk, **NEW_PRESCRIPTION}
    )
    assert "clinic" in response.context["form"].errors
    assert not EPrescription.objects.exists()


def test_only_the_practitioners_own_patients_are_offered(
    joe: User,
    joe_client: Client,
    joe_at_happy: PractitionerClinic,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    mine = patient_with_prescription(profile=southern_profile, first_name="Mine")
    _link(southern_profile, joe, joe_at_southern)
    stranger = EPrescriptionFactory().patient

    page = joe_client.get(reverse("practitioner:prescription_new"), {"patient": mine.pk})
    offered = list(page.context["form"].fields["patient"].queryset)
    assert offered == [mine]
    assert page.context["form"].initial["patient"] == str(mine.pk)

    response = joe_client.post(
        reverse("practitioner:prescription_new"),
        {**NEW_PRESCRIPTION, "clinic": joe_at_happy.pk, "patient": stranger.pk},
    )
    assert "patient" in response.context["form"].errors
    assert not EPrescription.objects.filter(patient=stranger, submitted_by=joe).exists()

    again = joe_client.post(
        reverse("practitioner:prescription_new"),
        {**NEW_PRESCRIPTION, "clinic": joe_at_southern.pk, "patient": mine.pk, "first_name": ""},
    )
    assert again.status_code == 302
    assert EPrescription.objects.filter(patient=mine, submitted_by=joe).count() == 1


def test_without_a_clinic_the_page_says_to_add_one(db: None) -> None:
    newcomer = practitioner_account(clinics=[])
    response = _signed_in(newcomer).get(reverse("practitioner:prescription_new"))
    assert response.status_code == 200
    assert b"Add a clinic" in response.content


# --- Prescription history ----------------------------------------------------------------------


def test_history_shows_the_patients_of_every_linked_active_profile(
    joe: User,
    joe_client: Client,
    joe_at_happy: PractitionerClinic,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    happy_profile = PrescriberProfileFactory(npi=joe.practitioner.npi)
    _link(happy_profile, joe, joe_at_happy)
    _link(southern_profile, joe, joe_at_southern)
    at_happy = patient_with_prescription(profile=happy_profile, last_name="Happyson")
    at_southern = patient_with_prescription(profile=southern_profile, last_name="Southby")
    unlinked = patient_with_prescription(profile=PrescriberProfileFactory(), last_name="Nobody")

    response = joe_client.get(reverse("practitioner:history"))

    patients = list(response.context["page"].object_list)
    assert set(patients) == {at_happy, at_southern}
    assert unlinked not in patients
    assert b"Nobody" not in response.content


def test_an_outsider_practitioner_never_sees_another_practitioners_patients(
    joe: User,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
    other_practitioner: User,
) -> None:
    patient_with_prescription(profile=southern_profile, last_name="Secretson")
    _link(southern_profile, joe, joe_at_southern)
    client = _signed_in(other_practitioner)

    history = client.get(reverse("practitioner:history"))
    assert list(history.context["page"].object_list) == []
    assert b"Secretson" not in history.content
    new = client.get(reverse("practitioner:prescription_new"))
    assert list(new.context["form"].fields["patient"].queryset) == []
    assert b"Secretson" not in client.get(reverse("practitioner:home")).content


@pytest.mark.parametrize("change", [prescriber_disconnect, prescriber_archive])
def test_disconnect_or_archive_removes_visibility_on_the_next_request(
    change: Any,
    joe: User,
    joe_client: Client,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    patient_with_prescription(profile=southern_profile, last_name="Benson")
    _link(southern_profile, joe, joe_at_southern)
    assert b"Benson" in joe_client.get(reverse("practitioner:history")).content

    change(profile=southern_profile, actor=None)

    assert b"Benson" not in joe_client.get(reverse("practitioner:history")).content


def test_history_stays_when_the_practitioner_archives_the_clinic(
    joe: User,
    joe_client: Client,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    patient_with_prescription(profile=southern_profile, last_name="Benson")
    _link(southern_profile, joe, joe_at_southern)
    practitioner_clinic_archive(practitioner_clinic=joe_at_southern, archived=True, actor=joe)
    assert b"Benson" in joe_client.get(reverse("practitioner:history")).content


@pytest.mark.parametrize("patients", [1, 50])
def test_the_history_query_count_is_the_same_for_1_and_50_patients(
    joe: User,
    joe_client: Client,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
    django_assert_num_queries: Any,
    patients: int,
) -> None:
    _link(southern_profile, joe, joe_at_southern)
    for _ in range(patients):
        patient = patient_with_prescription(profile=southern_profile)
        EPrescriptionFactory(profile=southern_profile, patient=patient, medication_name="Aspirin")

    with django_assert_num_queries(7):
        response = joe_client.get(reverse("practitioner:history"))

    shown = response.context["page"].object_list
    assert len(shown) == patients
    assert all(len(patient.history) == 2 for patient in shown)
