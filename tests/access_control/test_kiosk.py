"""The intake tablet: a forms-only account is a kiosk. It reaches its patient's forms and
nothing else, and can never take a record with a Medical Access Code, Link or invitation."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.models import GrantScope, GrantSource, PortalGrant, Relationship
from access_control.policy import portal_is_kiosk, portal_link_refusal
from access_control.services import (
    PortalAccessError,
    account_create_manually,
    grant_create,
    invitation_accept,
)
from accounts.models import User
from accounts.tokens import TokenStatus
from audit.models import AuditEvent
from clinics.models import Clinic, Patient
from family_links.models import AccessLink
from family_links.services import access_code_redeem, access_link_redeem
from tests.access_control.factories import PortalGrantFactory, PortalInvitationFactory
from tests.care.factories import FormAssignmentFactory
from tests.factories import PatientFactory, UserFactory
from tests.family_links.factories import AccessLinkFactory

pytestmark = pytest.mark.django_db

TABLET_PASSWORD = "Harbor-Lamp-2031"
TOKEN = "stranger-link-token"
CODE = "ABCDEFGHJK"
STRANGER_BORN = date(1984, 2, 11)
KIOSK_PAGE = "This account is for intake forms only"


@pytest.fixture
def tablet(patient: Patient, clinic_staff: User) -> User:
    """The front-desk tablet, made as staff make it: Create an Account Manually, forms only."""
    return account_create_manually(
        patient=patient,
        username="northside.tablet",
        password=TABLET_PASSWORD,
        scope=GrantScope.FORMS_ONLY,
        actor=clinic_staff,
    ).account


@pytest.fixture
def tablet_client(tablet: User) -> Client:
    client = Client()
    client.force_login(tablet)
    return client


@pytest.fixture
def stranger(clinic: Clinic) -> Patient:
    return PatientFactory.create(
        clinic=clinic, first_name="Stella", last_name="Marsh", date_of_birth=STRANGER_BORN
    )


@pytest.fixture
def link(stranger: Patient) -> AccessLink:
    return AccessLinkFactory.create(patient=stranger, token=TOKEN, code=CODE)


def _link_url() -> str:
    return reverse("family_links:redeem", kwargs={"token": TOKEN})


def _nothing_taken(tablet: User, link: AccessLink) -> None:
    assert not PortalGrant.objects.filter(account=tablet, patient=link.patient).exists()
    link.refresh_from_db()
    assert link.status == TokenStatus.PENDING
    assert link.failed_checks == 0


# --- the policy --------------------------------------------------------------------------------


def test_a_forms_only_account_is_a_kiosk_and_stays_one_when_its_grant_is_revoked(
    tablet: User,
) -> None:
    assert portal_is_kiosk(user=tablet)
    PortalGrant.objects.filter(account=tablet).update(revoked_at=timezone.now())
    assert portal_is_kiosk(user=tablet)
    assert portal_link_refusal(user=tablet) is not None


def test_accounts_with_full_access_staff_and_visitors_are_not_kiosks(
    outsider: User, clinic_staff: User, patient: Patient, stranger: Patient
) -> None:
    caregiver = PortalGrantFactory.create(patient=stranger).account
    PortalGrantFactory.create(account=caregiver, patient=patient, scope=GrantScope.FORMS_ONLY)
    for user in (outsider, clinic_staff, caregiver, AnonymousUser()):
        assert not portal_is_kiosk(user=user)
    assert portal_link_refusal(user=outsider) is None
    # The caregiver may add records, but not widen its forms-only one.
    assert portal_link_refusal(user=caregiver) is None
    assert portal_link_refusal(user=caregiver, patient=patient) is not None


def test_a_tablet_keeps_the_password_staff_chose(tablet: User) -> None:
    assert not tablet.must_change_password


def test_an_existing_tablet_asked_to_change_its_password_is_let_off(tablet: User) -> None:
    tablet.must_change_password = True
    tablet.save(update_fields=["must_change_password"])
    family = UserFactory.create(must_change_password=True)
    PortalGrantFactory.create(account=family)
    migration = import_module("access_control.migrations.0003_kiosk_accounts_keep_their_password")
    migration.kiosks_keep_their_password(apps, None)
    tablet.refresh_from_db()
    family.refresh_from_db()
    assert not tablet.must_change_password
    assert family.must_change_password


# --- Medical Access Codes and Links ------------------------------------------------------------


def test_a_tablet_cannot_open_the_code_entry_page(tablet_client: Client) -> None:
    response = tablet_client.get(reverse("portal:profiles:add_code"))
    assert response.status_code == 403
    html = response.content.decode()
    assert KIOSK_PAGE in html
    assert 'name="code"' not in html


def test_a_code_entered_on_a_tablet_takes_no_record(
    tablet_client: Client, tablet: User, link: AccessLink
) -> None:
    response = tablet_client.post(
        reverse("portal:profiles:add_code"),
        {"code": CODE, "date_of_birth": STRANGER_BORN.isoformat(), "relationship": "self"},
    )
    assert response.status_code == 403
    _nothing_taken(tablet, link)


def test_a_link_opened_on_a_tablet_shows_a_clear_page(
    tablet_client: Client, tablet: User, link: AccessLink
) -> None:
    response = tablet_client.get(_link_url())
    assert response.status_code == 403
    html = response.content.decode()
    assert KIOSK_PAGE in html
    assert "Stella" not in html
    _nothing_taken(tablet, link)


def test_a_link_confirmed_on_a_tablet_is_refused(
    tablet_client: Client, tablet: User, link: AccessLink
) -> None:
    response = tablet_client.post(
        _link_url(), {"relationship": "self", "date_of_birth": STRANGER_BORN.isoformat()}
    )
    assert response.status_code == 403
    _nothing_taken(tablet, link)


def test_the_link_of_the_tablets_own_patient_does_not_widen_its_access(
    tablet_client: Client, tablet: User, patient: Patient
) -> None:
    AccessLinkFactory.create(patient=patient, token=TOKEN)
    tablet_client.post(
        _link_url(), {"relationship": "self", "date_of_birth": patient.date_of_birth.isoformat()}
    )
    assert PortalGrant.objects.get(account=tablet).scope == GrantScope.FORMS_ONLY


def test_the_redeeming_services_refuse_a_tablet_before_counting_a_try(
    tablet: User, link: AccessLink
) -> None:
    with pytest.raises(PortalAccessError, match="intake forms"):
        access_link_redeem(
            token=TOKEN, account=tablet, relationship=Relationship.SELF, date_of_birth=None
        )
    with pytest.raises(PortalAccessError, match="intake forms"):
        access_code_redeem(
            code=CODE,
            date_of_birth=date(2000, 1, 1),
            account=tablet,
            relationship=Relationship.SELF,
        )
    _nothing_taken(tablet, link)
    assert not AuditEvent.objects.filter(action__startswith="family_links.").exists()


def test_grant_create_refuses_a_tablet(tablet: User, stranger: Patient) -> None:
    with pytest.raises(PortalAccessError, match="intake forms"):
        grant_create(
            account=tablet,
            patient=stranger,
            relationship=Relationship.SELF,
            source=GrantSource.ACCESS_LINK,
            actor=tablet,
        )
    assert not PortalGrant.objects.filter(patient=stranger).exists()


def test_a_tablet_whose_grant_was_revoked_still_cannot_take_a_record(
    tablet_client: Client, tablet: User, link: AccessLink
) -> None:
    PortalGrant.objects.filter(account=tablet).update(revoked_at=timezone.now())
    assert tablet_client.get(reverse("portal:profiles:add_code")).status_code == 403
    assert tablet_client.get(_link_url()).status_code == 403
    _nothing_taken(tablet, link)


def test_a_code_does_not_widen_a_caregivers_forms_only_grant(
    client: Client, patient: Patient, stranger: Patient
) -> None:
    caregiver = PortalGrantFactory.create(patient=patient).account
    PortalGrantFactory.create(account=caregiver, patient=stranger, scope=GrantScope.FORMS_ONLY)
    link = AccessLinkFactory.create(patient=stranger, code=CODE)
    client.force_login(caregiver)
    response = client.post(
        reverse("portal:profiles:add_code"),
        {"code": CODE, "date_of_birth": STRANGER_BORN.isoformat(), "relationship": "other"},
    )
    assert response.status_code == 200
    assert "intake forms only" in response.content.decode()
    assert PortalGrant.objects.get(account=caregiver, patient=stranger).scope == (
        GrantScope.FORMS_ONLY
    )
    link.refresh_from_db()
    assert (link.status, link.failed_checks) == (TokenStatus.PENDING, 0)


def test_an_ordinary_account_still_enters_codes_and_opens_links(
    client: Client, outsider: User, link: AccessLink
) -> None:
    client.force_login(outsider)
    assert client.get(reverse("portal:profiles:add_code")).status_code == 200
    assert client.get(_link_url()).status_code == 200


# --- invitations -------------------------------------------------------------------------------


def test_a_tablet_cannot_accept_an_invitation_for_another_record(
    clinic_staff: User, patient: Patient, stranger: Patient
) -> None:
    # A tablet made with an email username, and another record sharing that family address.
    tablet = account_create_manually(
        patient=patient,
        username=patient.email,
        password=TABLET_PASSWORD,
        scope=GrantScope.FORMS_ONLY,
        actor=clinic_staff,
    ).account
    stranger.email = patient.email
    stranger.save(update_fields=["email"])
    invitation = PortalInvitationFactory.create(patient=stranger, token="stranger-invite")
    client = Client()
    client.force_login(tablet)
    url = reverse("access_control:invitation_accept", kwargs={"token": "stranger-invite"})

    page = client.get(url)
    assert page.status_code == 403
    assert "cannot accept the invitation" in page.content.decode()
    assert client.post(url, {"relationship": "self"}).status_code == 403
    with pytest.raises(PortalAccessError):
        invitation_accept(token="stranger-invite", account=tablet, relationship=Relationship.SELF)
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert not PortalGrant.objects.filter(patient=stranger).exists()


# --- everything but the forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "with_patient"),
    [
        ("portal:profiles:index", False),
        ("portal:profiles:profile", True),
        ("portal:profiles:edit", True),
        ("portal:profiles:email", True),
        ("portal:profiles:remove", True),
        ("portal:record", True),
        ("portal:care:documents", False),
        ("portal:care:appointments", False),
        ("portal:care:plans", False),
        ("account_change_password", False),
        ("account_set_password", False),
        ("account_email", False),
    ],
)
def test_a_tablet_is_refused_every_page_but_its_forms(
    tablet_client: Client, patient: Patient, url_name: str, with_patient: bool
) -> None:
    url = reverse(url_name, args=[patient.pk] if with_patient else [])
    response = tablet_client.get(url)
    assert response.status_code == 403
    assert KIOSK_PAGE in response.content.decode()
    assert tablet_client.post(url, {}).status_code == 403


def test_a_tablet_cannot_change_its_patients_details(
    tablet_client: Client, patient: Patient
) -> None:
    data: dict[str, Any] = {"first_name": "Mallory", "phone": "555-0199"}
    response = tablet_client.post(reverse("portal:profiles:edit", args=[patient.pk]), data)
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.first_name == "Laura"


def test_a_tablet_cannot_change_its_password(tablet_client: Client, tablet: User) -> None:
    new = "Quiet-River-Stone-88"
    response = tablet_client.post(
        reverse("account_change_password"),
        {"oldpassword": TABLET_PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 403
    tablet.refresh_from_db()
    assert tablet.check_password(TABLET_PASSWORD)


def test_a_tablet_fills_in_its_patients_forms_and_its_menu_shows_forms_only(
    tablet_client: Client, patient: Patient
) -> None:
    assignment = FormAssignmentFactory.create(patient=patient)
    forms = tablet_client.get(reverse("portal:care:forms"))
    assert forms.status_code == 200
    assert tablet_client.get(reverse("portal:care:form", args=[assignment.pk])).status_code == 200
    menu = forms.content.decode().split('<nav class="topnav">')[1].split("</nav>")[0]
    assert reverse("portal:care:forms") in menu
    assert reverse("account_logout") in menu
    for hidden in (
        reverse("portal:profiles:index"),
        reverse("portal:care:documents"),
        reverse("portal:care:appointments"),
        reverse("portal:care:plans"),
        reverse("portal:home"),
        reverse("account_change_password"),
    ):
        assert f'href="{hidden}"' not in menu
    home = tablet_client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:profiles:add_code") not in home


def test_an_ordinary_account_keeps_the_whole_menu(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    html = client.get(reverse("portal:home")).content.decode()
    menu = html.split('<nav class="topnav">')[1].split("</nav>")[0]
    for shown in (
        reverse("portal:profiles:index"),
        reverse("portal:care:documents"),
        reverse("account_change_password"),
    ):
        assert shown in menu
    assert reverse("portal:profiles:add_code") in html
