"""A practitioner's shared details (name, NPI, email, online booking) change only through the
service, only by someone who may change them at every clinic where the practitioner works, and
every change is audited with its old and new values."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from clinics.events import ClinicEvent
from clinics.models import Clinic, Practitioner, StaffRole
from clinics.services import practitioner_update
from tests.factories import PractitionerFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic_admin(clinic: Clinic) -> User:
    return staff_member(clinic=clinic, role=StaffRole.CLINIC_ADMIN, email="admin@northside.example")


@pytest.fixture
def ours(clinic: Clinic) -> Practitioner:
    return PractitionerFactory(
        clinics=[clinic], first_name="Ravi", last_name="Patel", email="patel@example.com"
    )


@pytest.fixture
def shared(clinic: Clinic, other_clinic: Clinic) -> Practitioner:
    return PractitionerFactory(
        clinics=[clinic, other_clinic],
        first_name="Maria",
        last_name="Lopez",
        email="lopez@example.com",
    )


def _form(practitioner: Practitioner, seen: Clinic | None = None, **changes: Any) -> dict[str, Any]:
    """The change form as posted; `seen`: the one clinic whose row the staff member sees."""
    links = list(practitioner.clinic_links.order_by("pk"))
    if seen is not None:
        links = [link for link in links if link.clinic_id == seen.pk]
    data: dict[str, Any] = {
        "first_name": practitioner.first_name,
        "last_name": practitioner.last_name,
        "credential_suffix": practitioner.credential_suffix,
        "npi": practitioner.npi,
        "email": practitioner.email,
        "bookable_in_portal": "on" if practitioner.bookable_in_portal else "",
        "clinic_links-TOTAL_FORMS": str(len(links)),
        "clinic_links-INITIAL_FORMS": str(len(links)),
        "clinic_links-MIN_NUM_FORMS": "1",
        "clinic_links-MAX_NUM_FORMS": "1000",
    }
    for index, link in enumerate(links):
        data[f"clinic_links-{index}-id"] = str(link.pk)
        data[f"clinic_links-{index}-practitioner"] = str(practitioner.pk)
        data[f"clinic_links-{index}-clinic"] = str(link.clinic_id)
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_a_clinic_admin_changes_a_practitioner_who_works_only_at_their_clinic(
    client: Client, clinic_admin: User, ours: Practitioner
) -> None:
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:clinics_practitioner_change", args=[ours.pk]),
        _form(ours, email="ravi.patel@example.com", bookable_in_portal=""),
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.email == "ravi.patel@example.com"
    assert ours.bookable_in_portal is False
    event = AuditEvent.objects.get(action=ClinicEvent.PRACTITIONER_UPDATED)
    assert event.actor == clinic_admin
    assert event.object_id == str(ours.pk)
    assert event.details["changes"] == {
        "bookable_in_portal": [True, False],
        "email": ["patel@example.com", "ravi.patel@example.com"],
    }


def test_a_clinic_admin_cannot_change_a_practitioner_shared_with_another_clinic(
    client: Client, clinic_admin: User, shared: Practitioner, clinic: Clinic
) -> None:
    client.force_login(clinic_admin)
    url = reverse("admin:clinics_practitioner_change", args=[shared.pk])

    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "email" not in form.fields
    assert "bookable_in_portal" not in form.fields
    assert "also works at Lakeside Health Centre" in page.content.decode()

    response = client.post(
        url, _form(shared, clinic, email="attacker@example.com", bookable_in_portal="")
    )
    assert response.status_code == 302  # the clinic's own row saved; shared details ignored
    shared.refresh_from_db()
    assert shared.email == "lopez@example.com"
    assert shared.bookable_in_portal is True
    assert not AuditEvent.objects.filter(action=ClinicEvent.PRACTITIONER_UPDATED).exists()


def test_the_service_refuses_a_shared_practitioner_with_a_clear_message(
    clinic_admin: User, shared: Practitioner
) -> None:
    with pytest.raises(ValidationError) as refused:
        practitioner_update(
            actor=clinic_admin, practitioner=shared, changes={"email": "attacker@example.com"}
        )
    assert "Maria Lopez, MD also works at Lakeside Health Centre" in refused.value.messages[0]
    assert "superuser" in refused.value.messages[0]
    shared.refresh_from_db()
    assert shared.email == "lopez@example.com"
    assert not AuditEvent.objects.filter(action=ClinicEvent.PRACTITIONER_UPDATED).exists()


def test_the_refusal_shows_on_the_page_when_the_form_offered_the_fields(
    client: Client,
    clinic_admin: User,
    shared: Practitioner,
    clinic: Clinic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if the form was opened before the other clinic took the practitioner on: the fields
    # were offered, and the service, checking again under a lock, refuses.
    monkeypatch.setattr("clinics.admin.practitioner_shared_change_refusal", lambda **_: None)
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:clinics_practitioner_change", args=[shared.pk]),
        _form(shared, clinic, email="attacker@example.com"),
        follow=True,
    )
    assert response.status_code == 200
    assert "also works at Lakeside Health Centre" in response.content.decode()
    shared.refresh_from_db()
    assert shared.email == "lopez@example.com"


def test_an_admin_of_every_clinic_where_they_work_may_change_them(
    clinic_admin: User, other_clinic: Clinic, shared: Practitioner
) -> None:
    staff_member_admin_of_both = clinic_admin
    staff_member_admin_of_both.clinic_memberships.create(
        clinic=other_clinic, role=StaffRole.CLINIC_ADMIN
    )
    practitioner_update(
        actor=staff_member_admin_of_both, practitioner=shared, changes={"last_name": "Lopez-Ruiz"}
    )
    shared.refresh_from_db()
    assert shared.last_name == "Lopez-Ruiz"


def test_front_desk_at_the_other_clinic_does_not_count_as_its_admin(
    clinic_admin: User, other_clinic: Clinic, shared: Practitioner
) -> None:
    clinic_admin.clinic_memberships.create(clinic=other_clinic, role=StaffRole.FRONT_DESK)
    with pytest.raises(ValidationError):
        practitioner_update(actor=clinic_admin, practitioner=shared, changes={"npi": ""})


def test_a_superuser_changes_a_shared_practitioner_and_it_is_audited(
    client: Client, superuser: User, shared: Practitioner, clinic: Clinic, other_clinic: Clinic
) -> None:
    client.force_login(superuser)
    response = client.post(
        reverse("admin:clinics_practitioner_change", args=[shared.pk]),
        _form(shared, email="maria.lopez@example.com"),
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.email == "maria.lopez@example.com"
    event = AuditEvent.objects.get(action=ClinicEvent.PRACTITIONER_UPDATED)
    assert event.actor == superuser
    assert event.details == {
        "changes": {"email": ["lopez@example.com", "maria.lopez@example.com"]},
        "clinics": sorted([clinic.pk, other_clinic.pk]),
    }


def test_another_clinics_staff_get_404_for_a_practitioner_only_at_the_first_clinic(
    client: Client, other_clinic: Clinic, ours: Practitioner
) -> None:
    their_admin = staff_member(clinic=other_clinic, role=StaffRole.CLINIC_ADMIN)
    client.force_login(their_admin)
    url = reverse("admin:clinics_practitioner_change", args=[ours.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form(ours, email="attacker@example.com")).status_code == 404
    ours.refresh_from_db()
    assert ours.email == "patel@example.com"


def test_front_desk_staff_cannot_change_a_practitioner(
    client: Client, clinic_staff: User, ours: Practitioner
) -> None:
    client.force_login(clinic_staff)
    response = client.post(
        reverse("admin:clinics_practitioner_change", args=[ours.pk]),
        _form(ours, email="attacker@example.com"),
    )
    assert response.status_code == 403
    ours.refresh_from_db()
    assert ours.email == "patel@example.com"


def test_a_clinic_admin_adds_a_practitioner_at_their_clinic_and_it_is_audited(
    client: Client, clinic_admin: User, clinic: Clinic
) -> None:
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:clinics_practitioner_add"),
        {
            "first_name": "Ada",
            "last_name": "Okafor",
            "email": "okafor@example.com",
            "bookable_in_portal": "on",
            "clinic_links-TOTAL_FORMS": "1",
            "clinic_links-INITIAL_FORMS": "0",
            "clinic_links-MIN_NUM_FORMS": "1",
            "clinic_links-MAX_NUM_FORMS": "1000",
            "clinic_links-0-clinic": str(clinic.pk),
        },
    )
    assert response.status_code == 302
    created = Practitioner.objects.get(last_name="Okafor")
    assert list(created.clinic_links.values_list("clinic_id", flat=True)) == [clinic.pk]
    event = AuditEvent.objects.get(action=ClinicEvent.PRACTITIONER_CREATED)
    assert event.actor == clinic_admin
    assert event.details["email"] == "okafor@example.com"
