"""Create an Account Manually: a username and a temporary password chosen by staff."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from access_control.events import AccessControlEvent
from access_control.models import GrantScope, GrantSource, PortalGrant, Relationship
from access_control.services import PortalAccessError, account_create_manually, patient_block
from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Patient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPORARY = "Harbor-Lamp-2031"
OWN = "Quiet-River-Stone-88"


def _create(
    patient: Patient,
    actor: User,
    username: str,
    password: str = TEMPORARY,
    scope: GrantScope = GrantScope.FULL,
) -> PortalGrant:
    return account_create_manually(
        patient=patient, username=username, password=password, scope=scope, actor=actor
    )


def test_an_email_username_is_also_the_accounts_email_so_password_reset_works(
    clinic_staff: User, patient: Patient
) -> None:
    grant = _create(patient, clinic_staff, "Laura.Bennett@Example.com")
    account = grant.account
    assert account.username == "laura.bennett@example.com"
    assert account.email == "laura.bennett@example.com"
    assert account.must_change_password
    assert account.check_password(TEMPORARY)
    assert (grant.relationship, grant.scope, grant.source, grant.granted_by) == (
        Relationship.SELF,
        GrantScope.FULL,
        GrantSource.STAFF,
        clinic_staff,
    )
    event = AuditEvent.objects.get(action=AccessControlEvent.ACCOUNT_CREATED_MANUALLY)
    assert event.patient == patient
    assert event.actor == clinic_staff
    assert event.details == {
        "account": account.pk,
        "username": "laura.bennett@example.com",
        "scope": "full",
    }
    assert TEMPORARY not in str(event.details)


def test_a_plain_username_gives_an_account_without_email(
    clinic_staff: User, patient: Patient
) -> None:
    account = _create(patient, clinic_staff, "bennett.tablet", scope=GrantScope.FORMS_ONLY).account
    assert (account.username, account.email) == ("bennett.tablet", None)
    assert PortalGrant.objects.get(account=account).scope == GrantScope.FORMS_ONLY


@pytest.mark.parametrize(
    ("username", "field", "message"),
    [
        ("", "username", "Enter a username"),
        ("has space", "username", "letters, digits"),
        ("not-an@email", "username", "not a valid one"),
        ("taken", "username", "already taken"),
        ("frontdesk@northside.example", "username", "already taken"),  # someone's email
    ],
)
def test_a_bad_username_is_refused_with_a_message_and_nothing_is_created(
    username: str, field: str, message: str, clinic_staff: User, patient: Patient
) -> None:
    UserFactory.create(email=None, username="taken")
    before = User.objects.count()
    with pytest.raises(ValidationError) as caught:
        _create(patient, clinic_staff, username)
    assert message in " ".join(caught.value.message_dict[field])
    assert User.objects.count() == before
    assert not PortalGrant.objects.exists()


@pytest.mark.parametrize("password", ["short1", "password123", "1234567890123", "bennett.tablet1"])
def test_a_temporary_password_must_pass_the_password_validators(
    password: str, clinic_staff: User, patient: Patient
) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(patient, clinic_staff, "bennett.tablet", password=password)
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="bennett.tablet").exists()


def test_no_account_is_created_for_a_blocked_patient(clinic_staff: User, patient: Patient) -> None:
    patient_block(patient=patient, actor=clinic_staff)
    with pytest.raises(PortalAccessError, match="blocked"):
        _create(patient, clinic_staff, "bennett.tablet")
    assert not User.objects.filter(username="bennett.tablet").exists()


def test_the_patient_signs_in_and_must_choose_a_new_password_first(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    _create(patient, clinic_staff, "bennett.own")
    response = client.post(
        reverse("account_login"), {"login": "bennett.own", "password": TEMPORARY}
    )
    assert response["Location"] == reverse("portal:home")
    response = client.get(reverse("portal:home"))
    assert response["Location"] == reverse("account_change_password")
    page = client.get(reverse("account_change_password")).content.decode()
    assert "Your clinic set a temporary password" in page

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": TEMPORARY, "password1": OWN, "password2": OWN},
    )
    assert response["Location"] == reverse("portal:home")
    assert not User.objects.get(username="bennett.own").must_change_password
    assert patient.display_name in client.get(reverse("portal:home")).content.decode()


def test_a_forms_only_account_cannot_open_anything_but_forms(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    account = _create(patient, clinic_staff, "bennett.tablet", scope=GrantScope.FORMS_ONLY).account
    assert not account.must_change_password  # a kiosk keeps the password staff chose
    client.force_login(account)

    home = client.get(reverse("portal:home")).content.decode()
    assert f"Forms for {patient.short_name}" in home
    assert reverse("portal:record", args=[patient.pk]) not in home
    assert patient.email not in home
    assert str(patient.date_of_birth.year) not in home
    assert client.get(reverse("portal:record", args=[patient.pk])).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 403
