from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from access_control.models import (
    ClinicPortalSettings,
    GrantScope,
    PatientPortalSettings,
    Relationship,
)
from access_control.policy import (
    available_practitioners_for,
    portal_access_refusal,
    portal_form_patients_for,
    portal_grants_for,
    portal_may_book,
    portal_patients_for,
)
from accounts.models import User
from clinics.models import Clinic, Patient, Practitioner
from clinics.selectors import staff_may_manage_patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _block(patient: Patient) -> None:
    PatientPortalSettings.objects.update_or_create(patient=patient, defaults={"blocked": True})


def test_an_anonymous_user_reaches_no_record(patient: Patient) -> None:
    assert list(portal_patients_for(user=AnonymousUser())) == []
    assert list(portal_form_patients_for(user=AnonymousUser())) == []
    assert portal_access_refusal(AnonymousUser()) is None


def test_an_outsider_reaches_no_record(outsider: User, portal_account: User) -> None:
    assert list(portal_patients_for(user=outsider)) == []
    assert list(portal_form_patients_for(user=outsider)) == []


def test_an_account_reaches_the_records_it_was_granted(
    portal_account: User, patient: Patient
) -> None:
    PatientFactory.create(clinic=patient.clinic)  # someone else, never granted
    assert list(portal_patients_for(user=portal_account)) == [patient]


def test_a_revoked_grant_reaches_nothing(portal_account: User, patient: Patient) -> None:
    portal_account.portal_grants.update(revoked_at=timezone.now())
    assert list(portal_patients_for(user=portal_account)) == []


def test_a_blocked_record_is_hidden_from_every_account(clinic: Clinic) -> None:
    parent = UserFactory.create()
    own, child = PatientFactory.create(clinic=clinic), PatientFactory.create(clinic=clinic)
    PortalGrantFactory.create(account=parent, patient=own)
    PortalGrantFactory.create(account=parent, patient=child, relationship=Relationship.PARENT)
    _block(child)
    assert list(portal_patients_for(user=parent)) == [own]
    assert portal_access_refusal(parent) is None


def test_an_account_whose_own_record_is_blocked_reaches_nothing_at_all(clinic: Clinic) -> None:
    parent = UserFactory.create()
    own, child = PatientFactory.create(clinic=clinic), PatientFactory.create(clinic=clinic)
    PortalGrantFactory.create(account=parent, patient=own)
    PortalGrantFactory.create(account=parent, patient=child, relationship=Relationship.PARENT)
    _block(own)
    assert list(portal_grants_for(user=parent)) == []
    assert list(portal_patients_for(user=parent)) == []
    assert list(portal_form_patients_for(user=parent)) == []


def test_the_refusal_names_the_clinic_and_its_phone(portal_account: User, patient: Patient) -> None:
    _block(patient)
    assert portal_access_refusal(portal_account) == (
        "Your portal access is not available. "
        "Please contact Northside Family Clinic, (555) 010-2000."
    )


def test_a_forms_only_grant_reaches_forms_and_nothing_else(patient: Patient) -> None:
    tablet = UserFactory.create(email=None, username="tablet")
    PortalGrantFactory.create(account=tablet, patient=patient, scope=GrantScope.FORMS_ONLY)
    assert list(portal_patients_for(user=tablet)) == []
    assert list(portal_form_patients_for(user=tablet)) == [patient]


def test_staff_of_the_patients_clinic_may_manage_it(clinic_staff: User, patient: Patient) -> None:
    assert staff_may_manage_patient(user=clinic_staff, patient=patient)


def test_a_superuser_may_manage_any_patient(superuser: User, patient: Patient) -> None:
    assert staff_may_manage_patient(user=superuser, patient=patient)


@pytest.mark.parametrize("who", ["other_clinic_staff", "outsider", "portal_account"])
def test_nobody_else_may_manage_the_patient(
    who: str, request: pytest.FixtureRequest, patient: Patient
) -> None:
    assert not staff_may_manage_patient(user=request.getfixturevalue(who), patient=patient)


def test_staff_without_the_change_permission_may_not_manage(
    clinic_staff: User, patient: Patient
) -> None:
    clinic_staff.groups.clear()
    clinic_staff = User.objects.get(pk=clinic_staff.pk)  # forget the cached permissions
    assert not staff_may_manage_patient(user=clinic_staff, patient=patient)


def test_a_new_patient_may_book_every_bookable_practitioner_of_the_clinic(
    clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    new_patient = PatientFactory.create(clinic=clinic)
    assert set(available_practitioners_for(patient=new_patient)) == {
        practitioners["patel"],
        practitioners["reyes"],
    }


def test_a_new_patient_starts_with_no_practitioner_when_the_clinic_turned_the_default_off(
    clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    ClinicPortalSettings.objects.create(clinic=clinic, default_all_practitioners=False)
    new_patient = PatientFactory.create(clinic=clinic)
    assert list(available_practitioners_for(patient=new_patient)) == []


def test_a_record_without_portal_settings_uses_the_clinics_default(
    clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    (created,) = Patient.objects.bulk_create(
        [PatientFactory.build(clinic=clinic)]  # bulk_create sends no post_save
    )
    assert not PatientPortalSettings.objects.filter(patient=created).exists()
    assert set(available_practitioners_for(patient=created)) == {
        practitioners["patel"],
        practitioners["reyes"],
    }


def test_a_practitioner_not_chosen_is_never_offered_and_cannot_be_booked(
    clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    new_patient = PatientFactory.create(clinic=clinic)
    account = UserFactory.create()
    PortalGrantFactory.create(account=account, patient=new_patient)
    new_patient.portal_settings.available_practitioners.set([practitioners["patel"]])

    assert list(available_practitioners_for(patient=new_patient)) == [practitioners["patel"]]
    assert portal_may_book(user=account, patient=new_patient, practitioner=practitioners["patel"])
    assert not portal_may_book(
        user=account, patient=new_patient, practitioner=practitioners["reyes"]
    )


def test_a_chosen_practitioner_who_stops_being_bookable_is_no_longer_offered(
    clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    new_patient = PatientFactory.create(clinic=clinic)
    Practitioner.objects.filter(pk=practitioners["patel"].pk).update(bookable_in_portal=False)
    assert list(available_practitioners_for(patient=new_patient)) == [practitioners["reyes"]]


def test_nobody_may_book_for_a_record_they_cannot_reach(
    outsider: User, clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    new_patient = PatientFactory.create(clinic=clinic)
    assert not portal_may_book(
        user=outsider, patient=new_patient, practitioner=practitioners["patel"]
    )


def test_a_blocked_record_cannot_be_booked_for(
    clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    new_patient = PatientFactory.create(clinic=clinic)
    account = UserFactory.create()
    PortalGrantFactory.create(account=account, patient=new_patient)
    _block(new_patient)
    assert not portal_may_book(
        user=account, patient=new_patient, practitioner=practitioners["patel"]
    )
