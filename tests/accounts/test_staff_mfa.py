"""Staff two-factor sign-in: enrolment before any admin page, a second factor at every sign-in."""

from __future__ import annotations

import json
import runpy
import time
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse

import portal_project.settings as settings_module
from accounts.events import AccountEvent
from accounts.middleware import STAFF_MFA_MESSAGE
from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Clinic, Patient
from tests.factories import PASSWORD, UserFactory, staff_member
from tests.prescribers.factories import pharmacy_staff_member

pytestmark = pytest.mark.django_db

MFA_INDEX = "/accounts/2fa/"
SETTINGS_FILE = Path(settings_module.__file__)


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture(autouse=True)
def _totp_tolerates_a_tick(settings: Any) -> None:
    # A code computed just before a 30-second boundary is still good just after it.
    settings.MFA_TOTP_TOLERANCE = 1


def _totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client: Client, login: str, next_url: str = "") -> Any:
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login, "password": PASSWORD})


def _staff_of_each_kind(clinic: Clinic) -> list[User]:
    return [
        staff_member(clinic=clinic, email="desk@example.com"),
        pharmacy_staff_member(email="pharmacy@example.com"),
        UserFactory(email="root@example.com", is_staff=True, is_superuser=True),
    ]


def test_staff_without_a_second_factor_are_sent_to_enrol_before_any_admin_page(
    mfa_required: None, clinic: Clinic, patient: Patient
) -> None:
    for user in _staff_of_each_kind(clinic):
        client = Client()
        client.force_login(user)
        for url in (
            reverse("admin:index"),
            reverse("admin:clinics_patient_change", args=[patient.pk]),
            reverse("admin:clinics_patient_changelist"),
        ):
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert response["Location"] == MFA_INDEX
        page = client.get(MFA_INDEX)
        assert page.status_code == 200
        assert STAFF_MFA_MESSAGE in page.content.decode()


def test_a_post_to_the_admin_is_refused_too_and_changes_nothing(
    mfa_required: None, clinic_staff: User, patient: Patient, client: Client
) -> None:
    client.force_login(clinic_staff)
    response = client.post(
        reverse("admin:clinics_patient_change", args=[patient.pk]), {"first_name": "Changed"}
    )
    assert response["Location"] == MFA_INDEX
    patient.refresh_from_db()
    assert patient.first_name == "Laura"


def test_staff_enrol_an_authenticator_app_and_then_reach_the_admin(
    mfa_required: None, clinic_staff: User, client: Client
) -> None:
    response = _sign_in(client, "frontdesk@northside.example")
    assert client.get(response["Location"])["Location"] == MFA_INDEX

    # allauth asks for the password again before a factor is added; an account made by staff
    # (no allauth EmailAddress row, no username) must pass that check too.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set Up an Authenticator App" in html
    # The QR code is drawn in the page: the Content-Security-Policy allows no data: images.
    assert "<svg" in html
    assert "data:image" not in html
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=clinic_staff, type="totp").exists()
    # allauth makes recovery codes along with the first factor.
    assert Authenticator.objects.filter(user=clinic_staff, type="recovery_codes").exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_enrolled_staff_member_must_give_a_code_at_sign_in_and_a_wrong_one_is_refused(
    clinic_staff: User, client: Client
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(clinic_staff, secret)

    response = _sign_in(client, "frontdesk@northside.example", next_url="/admin/")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    wrong = format_hotp_value((int(_totp_code(secret)) + 1) % 1_000_000)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(clinic_staff.pk)
    assert client.get("/admin/").status_code == 200


def test_the_second_factor_page_is_styled_like_the_sign_in_page(
    clinic_staff: User, client: Client
) -> None:
    TOTP.activate(clinic_staff, generate_totp_secret())
    _sign_in(client, "frontdesk@northside.example")
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Two-Factor Sign-In" in html
    assert "Use a security key" in html
    assert 'class="container auth-page"' in html
    assert "<style" not in html
    assert " onclick=" not in html


def test_a_portal_account_is_not_asked_to_enrol(
    mfa_required: None, outsider: User, client: Client
) -> None:
    client.force_login(outsider)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200


def test_with_the_setting_off_staff_reach_the_admin_with_a_password_alone(
    settings: Any, clinic: Clinic
) -> None:
    settings.STAFF_MFA_REQUIRED = False
    for user in _staff_of_each_kind(clinic):
        client = Client()
        _sign_in(client, user.email)
        assert client.get(reverse("admin:index")).status_code == 200


def test_the_setting_is_on_when_debug_is_off_and_off_in_the_local_demo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def staff_mfa_required(**env: str) -> bool:
        for name in ("DEBUG", "SECRET_KEY", "STAFF_MFA_REQUIRED"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return bool(runpy.run_path(str(SETTINGS_FILE))["STAFF_MFA_REQUIRED"])

    assert staff_mfa_required(DEBUG="true") is False
    assert staff_mfa_required(DEBUG="false", SECRET_KEY="x" * 50) is True
    assert (
        staff_mfa_required(DEBUG="false", SECRET_KEY="x" * 50, STAFF_MFA_REQUIRED="false") is False
    )


def test_enrolling_and_removing_a_second_factor_is_audited(
    clinic_staff: User, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _sign_in(client, "frontdesk@northside.example")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    # allauth announces a new factor once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    client.post(reverse("mfa_deactivate_totp"))
    actions = list(
        AuditEvent.objects.filter(actor=clinic_staff)
        .order_by("pk")
        .values_list("action", "details__type")
    )
    assert (AccountEvent.SECOND_FACTOR_ADDED, "totp") in actions
    assert (AccountEvent.SECOND_FACTOR_REMOVED, "totp") in actions


def test_no_one_reads_a_second_factor_secret_in_the_admin_and_a_superuser_removes_a_lost_one(
    clinic_staff: User, superuser: User, client: Client
) -> None:
    secret = generate_totp_secret()
    authenticator = TOTP.activate(clinic_staff, secret).instance
    client.force_login(superuser)
    url = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    page = client.get(url).content.decode()
    assert "TOTP Authenticator" in page
    assert secret not in page
    assert client.post(url, {"data": "{}"}).status_code == 403
    authenticator.refresh_from_db()

    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    event = AuditEvent.objects.get(action=AccountEvent.SECOND_FACTOR_REMOVED_BY_ADMIN)
    assert (event.actor, event.object_id) == (superuser, str(clinic_staff.pk))


def test_clinic_staff_cannot_see_or_remove_anyones_second_factor(
    clinic_staff: User, other_clinic_staff: User, client: Client
) -> None:
    authenticator = TOTP.activate(other_clinic_staff, generate_totp_secret()).instance
    client.force_login(clinic_staff)
    assert client.get(reverse("admin:mfa_authenticator_changelist")).status_code == 403
    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_the_authenticator_secrets_are_stored_encrypted_not_in_the_clear(
    clinic_staff: User,
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(clinic_staff, secret)
    RecoveryCodes.activate(clinic_staff)

    stored = json.dumps(list(Authenticator.objects.values_list("data", flat=True)))
    assert secret not in stored
    totp = Authenticator.objects.get(user=clinic_staff, type="totp")
    assert TOTP(totp).validate_code(_totp_code(secret))
    codes = RecoveryCodes(Authenticator.objects.get(user=clinic_staff, type="recovery_codes"))
    assert all(code not in stored for code in codes.get_unused_codes())
    assert len(codes.instance.data["seed"]) > 40  # a Fernet token, not allauth's 40 hex digits
