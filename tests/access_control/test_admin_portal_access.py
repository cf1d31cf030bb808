"""The Portal Access tab on the patient page of the staff admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.events import AccessControlEvent
from access_control.models import (
    GrantScope,
    PatientPortalSettings,
    PortalGrant,
    PortalInvitation,
)
from access_control.services import invitation_send
from accounts.models import User
from accounts.tokens import TokenStatus
from audit.models import AuditEvent
from clinics.events import ClinicEvent
from clinics.models import Clinic, Patient, Practitioner
from outbox.models import Email
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _page(patient: Patient) -> str:
    return reverse("admin:clinics_patient_portal_access", args=[patient.pk])


def _action(patient: Patient, action: str) -> str:
    return reverse("admin:clinics_patient_portal_access_action", args=[patient.pk, action])


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_patient_page_has_general_and_portal_access_tabs(
    staff_client: Client, patient: Patient
) -> None:
    page = staff_client.get(reverse("admin:clinics_patient_change", args=[patient.pk]))
    html = page.content.decode()
    assert 'class="patient-tabs"' in html
    assert f'href="{_page(patient)}">Portal Access</a>' in html
    # The test-profile switch lives on the Portal Access tab of an existing record.
    assert 'name="is_test_profile"' not in html
    add = staff_client.get(reverse("admin:clinics_patient_add")).content.decode()
    assert 'name="is_test_profile"' in add
    assert 'class="patient-tabs"' not in add


def test_the_portal_access_tab_shows_status_accounts_and_invitations(
    staff_client: Client, clinic_staff: User, portal_grant: PortalGrant, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    response = staff_client.get(_page(patient))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Available Practitioners",
        "Create an Account Manually",
        "Click here to Create an account manually",
        "Resend invitation",
        "Invitation history",
        "laura@example.com",  # the account with access
        "Portal invitation",  # how it was given
    ):
        assert text in html
    assert '<span class="pa-badge pa-active">Active</span>' in html
    local = sent.invitation.expires_at.astimezone(ZoneInfo("America/Chicago"))
    hour = local.hour % 12 or 12
    assert f"{local:%b} {local.day}, {local.year}, {hour}:{local:%M %p} {local.tzname()}" in html


def test_the_status_says_invited_with_the_expiry_in_the_clinics_time_zone(
    staff_client: Client, clinic_staff: User, patient: Patient
) -> None:
    invitation_send(patient=patient, actor=clinic_staff)
    html = staff_client.get(_page(patient)).content.decode()
    assert '<span class="pa-badge pa-invited">Invited</span>' in html
    assert "America/Chicago" in html


def test_the_status_says_blocked(staff_client: Client, patient: Patient) -> None:
    staff_client.post(_action(patient, "block"), {"choice": "yes"})
    html = staff_client.get(_page(patient)).content.decode()
    assert '<span class="pa-badge pa-blocked">Blocked</span>' in html


ACTIONS: list[tuple[str, Callable[[Patient], dict[str, Any]], str]] = [
    ("invite", lambda p: {}, AccessControlEvent.INVITATION_SENT),
    ("block", lambda p: {"choice": "yes"}, AccessControlEvent.PATIENT_BLOCKED),
    ("test-profile", lambda p: {"choice": "yes"}, ClinicEvent.PATIENT_UPDATED),
    (
        "practitioners",
        lambda p: {"practitioners": []},
        AccessControlEvent.AVAILABLE_PRACTITIONERS_SET,
    ),
    (
        "account",
        lambda p: {"username": "bennett.tablet", "password": "Harbor-Lamp-2031", "scope": "full"},
        AccessControlEvent.ACCOUNT_CREATED_MANUALLY,
    ),
    (
        "revoke-grant",
        lambda p: {"grant": PortalGrant.objects.get(patient=p).pk},
        AccessControlEvent.GRANT_REVOKED,
    ),
    (
        "revoke-invitation",
        lambda p: {"invitation": PortalInvitation.objects.get(patient=p).pk},
        AccessControlEvent.INVITATION_REVOKED,
    ),
]


@pytest.fixture
def patient_with_access(patient: Patient, portal_grant: PortalGrant, clinic_staff: User) -> Patient:
    invitation_send(patient=patient, actor=clinic_staff)
    return patient


@pytest.mark.parametrize(("action", "data", "audit_action"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_every_action_writes_an_audit_event(
    action: str,
    data: Callable[[Patient], dict[str, Any]],
    audit_action: str,
    staff_client: Client,
    clinic_staff: User,
    patient_with_access: Patient,
) -> None:
    before = AuditEvent.objects.filter(action=audit_action).count()
    response = staff_client.post(_action(patient_with_access, action), data(patient_with_access))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == _page(patient_with_access)
    events = AuditEvent.objects.filter(action=audit_action).order_by("-id")
    assert events.count() == before + 1
    assert events[0].actor == clinic_staff
    assert events[0].patient == patient_with_access


@pytest.mark.parametrize(("action", "data", "audit_action"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_staff_of_another_clinic_are_refused_every_action(
    action: str,
    data: Callable[[Patient], dict[str, Any]],
    audit_action: str,
    client: Client,
    other_clinic_staff: User,
    patient_with_access: Patient,
) -> None:
    client.force_login(other_clinic_staff)
    before = AuditEvent.objects.count()
    assert client.get(_page(patient_with_access)).status_code == 404
    assert (
        client.post(_action(patient_with_access, action), data(patient_with_access)).status_code
        == 404
    )
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("action", "data", "audit_action"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_a_portal_account_is_refused_every_action(
    action: str,
    data: Callable[[Patient], dict[str, Any]],
    audit_action: str,
    client: Client,
    outsider: User,
    patient_with_access: Patient,
) -> None:
    client.force_login(outsider)
    before = AuditEvent.objects.count()
    for response in (
        client.get(_page(patient_with_access)),
        client.post(_action(patient_with_access, action), data(patient_with_access)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert AuditEvent.objects.count() == before


def test_staff_without_permission_to_change_patients_are_refused(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    clinic_staff.groups.clear()
    clinic_staff.user_permissions.add(Permission.objects.get(codename="view_patient"))
    client.force_login(clinic_staff)
    assert client.get(_page(patient)).status_code == 403
    assert client.post(_action(patient, "invite")).status_code == 403
    assert not PortalInvitation.objects.exists()


def test_a_superuser_may_use_the_tab(client: Client, superuser: User, patient: Patient) -> None:
    client.force_login(superuser)
    assert client.get(_page(patient)).status_code == 200
    assert client.post(_action(patient, "invite")).status_code == 302
    assert PortalInvitation.objects.filter(patient=patient, created_by=superuser).exists()


def test_actions_must_be_posted(staff_client: Client, patient: Patient) -> None:
    assert staff_client.get(_action(patient, "invite")).status_code == 405
    assert staff_client.post(_action(patient, "no-such-action")).status_code == 404
    assert not PortalInvitation.objects.exists()


def test_the_emailed_link_is_built_from_site_url_whatever_the_host_header(
    staff_client: Client,
    patient: Patient,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.SITE_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            _action(patient, "invite"), HTTP_HOST="evil.example.net", follow=True
        )
    assert f"A portal invitation was sent to {patient.email}." in _messages(response)
    email = Email.objects.get(purpose="portal_invitation")
    assert "https://portal.example.org/invite/" in email.body_text
    assert "evil.example.net" not in email.body_text + email.body_html


def test_sending_to_a_patient_without_email_shows_a_clear_error(
    staff_client: Client, clinic: Clinic
) -> None:
    no_email = PatientFactory.create(clinic=clinic, email="")
    page = staff_client.get(_page(no_email)).content.decode()
    assert "This patient has no email address" in page
    response = staff_client.post(_action(no_email, "invite"), follow=True)
    assert any("no email address" in message for message in _messages(response))
    assert not PortalInvitation.objects.exists()
    assert not Email.objects.exists()


def test_resend_from_the_tab_supersedes_the_previous_link(
    staff_client: Client, patient: Patient
) -> None:
    staff_client.post(_action(patient, "invite"))
    staff_client.post(_action(patient, "invite"))
    statuses = sorted(invitation.status for invitation in PortalInvitation.objects.all())
    assert statuses == [TokenStatus.PENDING, TokenStatus.SUPERSEDED]


def test_changing_the_email_on_the_general_tab_revokes_the_pending_invitation(
    staff_client: Client, clinic_staff: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    data = {
        "clinic": patient.clinic_id,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "preferred_name": "",
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "email": "new.address@example.com",
        "phone": "",
        "address_line1": "",
        "address_line2": "",
        "city": "",
        "region": "",
        "postal_code": "",
    }
    response = staff_client.post(reverse("admin:clinics_patient_change", args=[patient.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == TokenStatus.REVOKED
    assert sent.invitation.revoke_reason == "email_changed"
    assert sent.invitation.revoked_by == clinic_staff


def test_a_bad_manual_account_re_renders_the_form_with_its_errors(
    staff_client: Client, patient: Patient
) -> None:
    response = staff_client.post(
        _action(patient, "account"),
        {"username": "bennett.tablet", "password": "12345", "scope": "full"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "too short" in html
    assert '<details class="pa-body" open>' in html
    assert not User.objects.filter(username="bennett.tablet").exists()


def test_the_manual_account_form_suggests_the_patients_email(
    staff_client: Client, patient: Patient
) -> None:
    html = staff_client.get(_page(patient)).content.decode()
    assert f'value="{patient.email}"' in html
    assert "“Forgot password”" in html


def test_the_manual_account_scope_can_be_intake_forms_only(
    staff_client: Client, patient: Patient
) -> None:
    staff_client.post(
        _action(patient, "account"),
        {"username": "bennett.tablet", "password": "Harbor-Lamp-2031", "scope": "forms_only"},
    )
    grant = PortalGrant.objects.get(account__username="bennett.tablet")
    assert grant.scope == GrantScope.FORMS_ONLY


def test_available_practitioners_are_saved_and_refused_outside_the_clinic(
    staff_client: Client, clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    patient = PatientFactory.create(clinic=clinic)
    staff_client.post(
        _action(patient, "practitioners"), {"practitioners": [practitioners["patel"].pk]}
    )
    settings = PatientPortalSettings.objects.get(patient=patient)
    assert list(settings.available_practitioners.all()) == [practitioners["patel"]]

    response = staff_client.post(
        _action(patient, "practitioners"), {"practitioners": [practitioners["elsewhere"].pk]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(settings.available_practitioners.all()) == [practitioners["patel"]]


def test_the_tab_lists_only_the_clinics_bookable_practitioners(
    staff_client: Client, clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    patient = PatientFactory.create(clinic=clinic)
    html = staff_client.get(_page(patient)).content.decode()
    assert practitioners["patel"].display_name in html
    assert practitioners["reyes"].display_name in html
    assert practitioners["offline"].display_name not in html
    assert practitioners["elsewhere"].display_name not in html


def test_revoking_another_patients_grant_through_this_page_is_not_found(
    staff_client: Client, clinic: Clinic, patient: Patient
) -> None:
    other = PatientFactory.create(clinic=clinic)
    grant = PortalGrantFactory.create(patient=other)
    response = staff_client.post(_action(patient, "revoke-grant"), {"grant": grant.pk})
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_revoking_a_grant_takes_the_record_away_on_the_next_request(
    staff_client: Client, portal_grant: PortalGrant, patient: Patient
) -> None:
    account_client = Client()
    account_client.force_login(portal_grant.account)
    record = reverse("portal:record", args=[patient.pk])
    assert account_client.get(record).status_code == 200
    staff_client.post(_action(patient, "revoke-grant"), {"grant": portal_grant.pk})
    assert account_client.get(record).status_code == 404
    portal_grant.refresh_from_db()
    assert portal_grant.revoked_at is not None
    assert portal_grant.revoked_at <= timezone.now() + timedelta(seconds=1)


def test_marking_a_test_profile_shows_the_badge_in_the_portal(
    staff_client: Client, portal_grant: PortalGrant, patient: Patient
) -> None:
    staff_client.post(_action(patient, "test-profile"), {"choice": "yes"})
    patient.refresh_from_db()
    assert patient.is_test_profile
    account_client = Client()
    account_client.force_login(portal_grant.account)
    assert "Test profile" in account_client.get(reverse("portal:home")).content.decode()
    staff_client.post(_action(patient, "test-profile"), {"choice": "no"})
    patient.refresh_from_db()
    assert not patient.is_test_profile


def test_a_yes_no_action_without_a_choice_changes_nothing(
    staff_client: Client, patient: Patient
) -> None:
    response = staff_client.post(_action(patient, "block"), {}, follow=True)
    assert "Choose Yes or No." in _messages(response)
    assert not PatientPortalSettings.objects.get(patient=patient).blocked
