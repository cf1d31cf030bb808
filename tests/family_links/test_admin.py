"""The staff side: the Medical Access Code tab, Send Access Link, revoking, Family at once, the
patient list's bulk action, the link list and the clinic's link settings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tokens import TokenStatus
from audit.models import AuditEvent
from clinics.models import Clinic, ClinicMembership, Patient, StaffRole
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink, ClinicLinkSettings
from family_links.services import access_link_generate, demographics_update
from outbox.models import Email, EmailStatus
from outbox.services import email_content
from tests.factories import PatientFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db


def _tab(patient: Patient) -> str:
    return reverse("admin:clinics_patient_access_code", args=[patient.pk])


def _step(patient: Patient, step: str) -> str:
    return reverse(f"admin:clinics_patient_access_code_{step}", args=[patient.pk])


def _generate(client: Client, patient: Patient) -> tuple[AccessLink, str, str]:
    """Generates through the tab; returns the link, its token and its code as shown."""
    html = client.post(_step(patient, "generate")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html)
    code = re.search(r'<code class="fl-code" id="access-code">([^<]+)</code>', html)
    assert token is not None, html
    assert code is not None, html
    return AccessLink.objects.get(patient=patient, revoked_at=None), token.group(1), code.group(1)


# --- the tab -----------------------------------------------------------------------------------


def test_the_patient_page_has_the_tabs_of_every_app_in_order(
    staff_client: Client, child: Patient
) -> None:
    html = staff_client.get(reverse("admin:clinics_patient_change", args=[child.pk])).content
    tabs = re.findall(r'<nav class="patient-tabs".*?</nav>', html.decode(), re.S)[0]
    titles = re.findall(r">([^<]+)</a>", tabs)
    assert titles == ["General", "Portal Access", "Medical Access Code", "Care"]


def test_the_tab_says_there_is_no_link_yet_and_offers_to_generate_one(
    staff_client: Client, child: Patient
) -> None:
    html = staff_client.get(_tab(child)).content.decode()
    assert "No pending link" in html
    assert "Generate Medical Access Link" in html
    assert "valid for 5 days" in html
    assert "emma.bennett@example.com" in html
    assert _step(child, "family") in html


def test_generating_shows_the_code_the_link_and_the_envelope_once(
    staff_client: Client, child: Patient
) -> None:
    link, token, code = _generate(staff_client, child)
    assert re.fullmatch(r"\w{4}-\w{4}-\w{2}", code)
    html = staff_client.get(_tab(child)).content.decode()
    assert token not in html  # shown once, never stored
    assert code not in html
    assert "Link pending" in html
    assert "Generated, not sent by email" in html
    assert link.status == TokenStatus.PENDING


def test_the_generated_page_offers_send_and_copy(staff_client: Client, child: Patient) -> None:
    html = staff_client.post(_step(child, "generate")).content.decode()
    assert 'aria-label="Send Access Link"' in html
    assert "Copy link" in html
    assert re.search(r'id="access-link-url" readonly value="http://[^"]+/link/[\w-]+/"', html)


def test_send_access_link_first_shows_the_address_then_sends_through_the_outbox(
    staff_client: Client, child: Patient
) -> None:
    link, token, _ = _generate(staff_client, child)
    check = staff_client.post(_step(child, "send"), {"link": link.pk, "token": token})
    html = check.content.decode()
    assert check.status_code == 200
    assert '<p class="fl-address">emma.bennett@example.com</p>' in html
    assert "Is this the right address?" in html
    assert not Email.objects.exists()
    done = staff_client.post(
        _step(child, "send"), {"link": link.pk, "token": token, "confirm": "yes"}, follow=True
    )
    assert "was sent to emma.bennett@example.com" in done.content.decode()
    email = Email.objects.get(purpose="family_links:access_link")
    assert token in email_content(email=email).body_text
    html = staff_client.get(_tab(child)).content.decode()
    assert "Sent to <strong>emma.bennett@example.com</strong>" in html


def test_a_forged_token_sends_nothing(staff_client: Client, child: Patient) -> None:
    link, _, _ = _generate(staff_client, child)
    response = staff_client.post(
        _step(child, "send"), {"link": link.pk, "token": "forged", "confirm": "yes"}, follow=True
    )
    assert "This is not the link that was generated" in response.content.decode()
    assert not Email.objects.exists()


def test_staff_revoke_a_pending_link(staff_client: Client, child: Patient) -> None:
    link, token, _ = _generate(staff_client, child)
    staff_client.post(_step(child, "send"), {"link": link.pk, "token": token, "confirm": "yes"})
    response = staff_client.post(_step(child, "revoke"), {"link": link.pk}, follow=True)
    assert "The link was revoked" in response.content.decode()
    link.refresh_from_db()
    assert link.status == TokenStatus.REVOKED
    assert Email.objects.get().status == EmailStatus.CANCELLED
    assert "Revoked by staff" in response.content.decode()


def test_the_steps_take_only_posts(staff_client: Client, child: Patient) -> None:
    for step in ("generate", "send", "revoke"):
        assert staff_client.get(_step(child, step)).status_code == 405
    assert not AccessLink.objects.exists()


def test_another_clinics_staff_get_a_404_everywhere(
    client: Client, other_clinic_staff: User, child: Patient
) -> None:
    client.force_login(other_clinic_staff)
    assert client.get(_tab(child)).status_code == 404
    assert client.get(_step(child, "family")).status_code == 404
    for step in ("generate", "send", "revoke"):
        assert client.post(_step(child, step)).status_code == 404
    assert not AccessLink.objects.exists()


def test_staff_without_the_permission_are_refused(
    client: Client, clinic: Clinic, child: Patient
) -> None:
    member = UserFactory.create(is_staff=True)
    ClinicMembership.objects.create(user=member, clinic=clinic, role=StaffRole.FRONT_DESK)
    client.force_login(member)
    assert client.get(_tab(child)).status_code == 403
    assert client.post(_step(child, "generate")).status_code == 403
    assert not AccessLink.objects.exists()


def test_a_portal_account_cannot_reach_the_admin(holder_client: Client, child: Patient) -> None:
    response = holder_client.post(_step(child, "generate"))
    assert response.status_code == 302
    assert not AccessLink.objects.exists()


# --- a family at once --------------------------------------------------------------------------


@pytest.fixture
def bennetts(clinic: Clinic, other_clinic: Clinic, patient: Patient) -> dict[str, Patient]:
    """Laura's family at Northside, a neighbour at the same address, and strangers."""
    patient.email = "laura@example.com"
    patient.address_line1 = "42 Elm Street"
    patient.postal_code = "62704"
    patient.save()
    return {
        "laura": patient,
        "emma": PatientFactory.create(clinic=clinic, first_name="Emma", last_name="Bennett"),
        "noah": PatientFactory.create(clinic=clinic, first_name="Noah", last_name="Bennett"),
        "stepson": PatientFactory.create(
            clinic=clinic, first_name="Sam", last_name="Ortiz", email="LAURA@example.com"
        ),
        "lodger": PatientFactory.create(
            clinic=clinic,
            first_name="Kim",
            last_name="Lee",
            address_line1="42 elm street",
            postal_code="62704",
        ),
        "stranger": PatientFactory.create(clinic=clinic, first_name="Walter", last_name="Grimes"),
        "elsewhere": PatientFactory.create(
            clinic=other_clinic, first_name="Ella", last_name="Bennett"
        ),
    }


def test_family_at_once_proposes_the_same_email_last_name_or_address(
    staff_client: Client, bennetts: dict[str, Patient]
) -> None:
    html = staff_client.get(_step(bennetts["laura"], "family")).content.decode()
    for name in ("Laura Bennett", "Emma Bennett", "Noah Bennett", "Sam Ortiz", "Kim Lee"):
        assert name in html
    assert "Walter Grimes" not in html
    assert "Ella Bennett" not in html  # another clinic's
    assert re.search(rf'value="{bennetts["laura"].pk}"[^>]*checked', html)
    found = staff_client.get(_step(bennetts["laura"], "family"), {"q": "Grimes"}).content
    assert "Walter Grimes" in found.decode()


def test_family_at_once_sets_the_parents_email_and_sends_every_link(
    staff_client: Client,
    bennetts: dict[str, Patient],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    children = [bennetts["emma"], bennetts["noah"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            _step(bennetts["laura"], "family"),
            {"patients": [c.pk for c in children], "email": "laura@example.com"},
        )
    assert response["Location"] == _tab(bennetts["laura"])
    assert [m.to for m in mailoutbox] == [["laura@example.com"], ["laura@example.com"]]
    for child in children:
        child.refresh_from_db()
        assert child.email == "laura@example.com"
        assert AccessLink.objects.get(patient=child).sent_to == "laura@example.com"
    message = staff_client.get(_tab(bennetts["laura"])).content.decode()
    assert "2 Medical Access Links sent" in message


def test_family_at_once_refuses_a_record_it_did_not_propose(
    staff_client: Client, bennetts: dict[str, Patient]
) -> None:
    response = staff_client.post(
        _step(bennetts["laura"], "family"), {"patients": [bennetts["elsewhere"].pk]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not AccessLink.objects.exists()


def test_family_at_once_without_an_address_for_everyone_changes_nothing(
    staff_client: Client, bennetts: dict[str, Patient]
) -> None:
    bennetts["noah"].email = ""
    bennetts["noah"].save()
    response = staff_client.post(
        _step(bennetts["laura"], "family"),
        {"patients": [bennetts["emma"].pk, bennetts["noah"].pk]},
    )
    assert "Noah Bennett has no email address" in response.content.decode()
    assert not AccessLink.objects.exists()
    assert not Email.objects.exists()


def test_the_bulk_action_sends_links_to_the_selected_patients(
    staff_client: Client, bennetts: dict[str, Patient]
) -> None:
    chosen = [bennetts["laura"], bennetts["emma"], bennetts["noah"]]
    selection = {"action": "send_access_links", ACTION_CHECKBOX_NAME: [p.pk for p in chosen]}
    changelist = reverse("admin:clinics_patient_changelist")
    page = staff_client.post(changelist, selection).content.decode()
    assert "Generate and send the links" in page
    for patient in chosen:
        assert patient.full_name in page
    response = staff_client.post(
        changelist,
        {
            **selection,
            "apply": "yes",
            "patients": [p.pk for p in chosen],
            "email": "laura@example.com",
        },
        follow=True,
    )
    assert "3 Medical Access Links sent" in response.content.decode()
    assert Email.objects.filter(purpose="family_links:access_link").count() == 3
    assert AuditEvent.objects.filter(action=FamilyLinksEvent.LINK_SENT).count() == 3


def test_the_bulk_action_is_listed_for_staff_who_may_send(
    staff_client: Client, bennetts: dict[str, Patient]
) -> None:
    html = staff_client.get(reverse("admin:clinics_patient_changelist")).content.decode()
    assert "Generate and send Medical Access Links to the selected patients" in html


# --- the link list and the clinic's settings ---------------------------------------------------


def test_the_link_list_shows_each_clinic_its_own_links(
    client: Client, clinic_staff: User, other_clinic_staff: User, child: Patient
) -> None:
    access_link_generate(patient=child, actor=clinic_staff)
    url = reverse("admin:family_links_accesslink_changelist")
    client.force_login(clinic_staff)
    html = client.get(url).content.decode()
    assert "Emma Bennett" in html
    assert "Pending" in html
    client.force_login(other_clinic_staff)
    assert "Emma Bennett" not in client.get(url).content.decode()


def test_a_clinic_admin_turns_the_date_of_birth_check_off(client: Client, clinic: Clinic) -> None:
    manager = staff_member(clinic=clinic, role=StaffRole.CLINIC_ADMIN)
    client.force_login(manager)
    response = client.post(
        reverse("admin:family_links_cliniclinksettings_add"), {"clinic": clinic.pk}
    )
    assert response.status_code == 302
    assert ClinicLinkSettings.objects.get(clinic=clinic).require_date_of_birth is False
    assert AuditEvent.objects.filter(action=FamilyLinksEvent.CLINIC_SETTINGS_SAVED).exists()


def test_front_desk_may_read_but_not_change_the_clinics_settings(
    staff_client: Client, clinic: Clinic
) -> None:
    response = staff_client.post(
        reverse("admin:family_links_cliniclinksettings_add"), {"clinic": clinic.pk}
    )
    assert response.status_code == 403
    assert not ClinicLinkSettings.objects.exists()


def test_a_link_and_the_familys_changes_are_read_only_in_the_admin(
    staff_client: Client, clinic_staff: User, holder: User, child: Patient
) -> None:
    link = access_link_generate(patient=child, actor=clinic_staff).link
    demographics_update(patient=child, account=holder, values={"phone": "(201) 555-0199"})
    page = staff_client.get(reverse("admin:family_links_accesslink_change", args=[link.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert link.digest not in html
    assert link.code_digest not in html
    assert 'name="_save"' not in html
    changes = staff_client.get(reverse("admin:family_links_demographicchange_changelist"))
    assert "555-0199" in changes.content.decode()
    assert (
        staff_client.post(
            reverse("admin:family_links_accesslink_delete", args=[link.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
