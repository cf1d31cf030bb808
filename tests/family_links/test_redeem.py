"""Opening and redeeming a Medical Access Link: /link/<token>/."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.events import AccessControlEvent
from access_control.models import GrantScope, GrantSource, PortalGrant, Relationship
from access_control.services import patient_block
from accounts.models import User
from accounts.tokens import TokenStatus
from audit.models import AuditEvent
from clinics.models import Clinic, Patient
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink, ClinicLinkSettings
from family_links.services import (
    AccessLinkNotValid,
    DateOfBirthMismatch,
    access_link_generate,
    access_link_redeem,
    access_link_revoke,
)
from outbox.models import Email
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PASSWORD, UserFactory
from tests.family_links.conftest import HOLDER_EMAIL
from tests.family_links.factories import AccessLinkFactory

pytestmark = pytest.mark.django_db

TOKEN = "emma-link-token"
EMMA_BORN = date(2015, 9, 3)


def _url(token: str = TOKEN) -> str:
    return reverse("family_links:redeem", kwargs={"token": token})


def _confirm(client: Client, *, born: date = EMMA_BORN, relationship: str = "parent") -> Any:
    return client.post(_url(), {"relationship": relationship, "date_of_birth": born.isoformat()})


@pytest.fixture
def link(child: Patient) -> AccessLink:
    return AccessLinkFactory.create(patient=child, token=TOKEN)


# --- opening -----------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_asked_to_sign_in_or_to_create_an_account(
    client: Client, link: AccessLink
) -> None:
    response = client.get(_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Add Emma B. to your portal account" in html
    assert f"{reverse('account_login')}?{urlencode({'next': _url()})}" in html
    assert f"{reverse('account_signup')}?{urlencode({'next': _url()})}" in html
    assert "Bennett" not in html  # first name and last initial only
    assert "_auth_user_id" not in client.session  # a link never signs anyone in


def test_opening_a_link_never_uses_it_up(
    client: Client, holder_client: Client, link: AccessLink
) -> None:
    for _ in range(3):
        assert client.get(_url()).status_code == 200
        assert holder_client.get(_url()).status_code == 200
    link.refresh_from_db()
    assert link.status == TokenStatus.PENDING
    assert not PortalGrant.objects.filter(patient=link.patient).exists()


def test_an_anonymous_post_adds_nothing_and_signs_nobody_in(
    client: Client, link: AccessLink
) -> None:
    response = _confirm(client)
    assert response.status_code == 200
    assert "Sign in to continue" in response.content.decode()
    assert "_auth_user_id" not in client.session
    link.refresh_from_db()
    assert link.used_at is None


def test_signing_in_from_the_link_comes_back_to_the_confirmation(
    client: Client, holder: User, link: AccessLink
) -> None:
    response = client.post(
        f"{reverse('account_login')}?next={_url()}", {"login": HOLDER_EMAIL, "password": PASSWORD}
    )
    assert response["Location"] == _url()
    html = client.get(_url()).content.decode()
    assert "Add Emma B. to your portal account" in html
    assert "Their date of birth" in html
    for label in ("Parent", "Guardian", "Caregiver", "Other"):
        assert label in html


def test_someone_without_an_account_creates_one_and_continues(
    client: Client,
    link: AccessLink,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{reverse('account_signup')}?next={_url()}",
            {
                "email": "new.parent@example.com",
                "password1": "Blue-Meadow-Lantern-7",
                "password2": "Blue-Meadow-Lantern-7",
            },
        )
    # A new account confirms its address first (sign-up never says whether one was registered).
    assert response["Location"] == reverse("account_email_verification_sent")
    confirm = re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[-1].body)
    assert confirm is not None
    response = client.post(confirm.group(0))
    assert response["Location"] == _url()
    response = _confirm(client)
    account = User.objects.get(email="new.parent@example.com")
    assert PortalGrant.objects.get(patient=link.patient).account == account
    assert response["Location"] == reverse("portal:profiles:profile", args=[link.patient_id])


# --- redeeming ---------------------------------------------------------------------------------


def test_the_holder_confirms_and_lands_on_the_new_profile(
    holder_client: Client, holder: User, link: AccessLink, child: Patient
) -> None:
    response = _confirm(holder_client, relationship="guardian")
    assert response["Location"] == reverse("portal:profiles:profile", args=[child.pk])
    grant = PortalGrant.objects.get(account=holder, patient=child)
    assert (grant.relationship, grant.scope, grant.source) == (
        Relationship.GUARDIAN,
        GrantScope.FULL,
        GrantSource.ACCESS_LINK,
    )
    link.refresh_from_db()
    assert (link.status, link.used_by) == (TokenStatus.USED, holder)
    page = holder_client.get(response["Location"]).content.decode()
    assert "Emma B. was added to your portal account." in page
    assert AuditEvent.objects.filter(
        action=FamilyLinksEvent.LINK_REDEEMED, actor=holder, patient=child
    ).exists()
    assert AuditEvent.objects.filter(
        action=AccessControlEvent.GRANT_CREATED, patient=child
    ).exists()


def test_a_link_works_once(
    holder_client: Client, link: AccessLink, clinic: Clinic, client: Client
) -> None:
    assert _confirm(holder_client).status_code == 302
    second = _confirm(holder_client)
    assert second.status_code == 410
    assert "This Medical Access Link no longer works" in second.content.decode()
    other = UserFactory.create()
    client.force_login(other)
    assert _confirm(client).status_code == 410
    assert PortalGrant.objects.filter(patient=link.patient).count() == 1


def test_an_outsider_with_the_wrong_date_of_birth_gets_nothing_and_five_tries_lock_it(
    client: Client, outsider: User, link: AccessLink, holder: User
) -> None:
    client.force_login(outsider)
    wrong = date(2015, 9, 4)
    for attempt in range(1, 5):
        response = _confirm(client, born=wrong)
        assert response.status_code == 200
        left = 5 - attempt
        assert f"You have {left} more tr{'y' if left == 1 else 'ies'}." in (
            response.content.decode()
        )
    fifth = _confirm(client, born=wrong)
    assert fifth.status_code == 410
    link.refresh_from_db()
    assert link.status == TokenStatus.LOCKED
    assert link.failed_checks == 5
    assert not PortalGrant.objects.filter(patient=link.patient).exists()
    # Locked for everyone, the right answer included.
    assert _confirm(client).status_code == 410
    client.force_login(holder)
    assert _confirm(client).status_code == 410
    assert not PortalGrant.objects.filter(patient=link.patient).exists()
    assert AuditEvent.objects.filter(action=FamilyLinksEvent.CHECK_FAILED).count() == 4
    assert AuditEvent.objects.filter(action=FamilyLinksEvent.LINK_LOCKED).count() == 1


def test_the_count_of_wrong_answers_survives_the_refusal(holder: User, link: AccessLink) -> None:
    with pytest.raises(DateOfBirthMismatch) as raised:
        access_link_redeem(
            token=TOKEN,
            account=holder,
            relationship=Relationship.PARENT,
            date_of_birth=date(2000, 1, 1),
        )
    assert raised.value.attempts_left == 4
    link.refresh_from_db()
    assert link.failed_checks == 1


def test_a_clinic_can_turn_the_date_of_birth_check_off(
    holder_client: Client, holder: User, link: AccessLink, clinic: Clinic
) -> None:
    ClinicLinkSettings.objects.create(clinic=clinic, require_date_of_birth=False)
    assert "Their date of birth" not in holder_client.get(_url()).content.decode()
    response = holder_client.post(_url(), {"relationship": "caregiver"})
    assert response.status_code == 302
    assert PortalGrant.objects.filter(account=holder, patient=link.patient).exists()


def test_a_link_expiring_one_second_from_now_still_works(
    holder_client: Client, child: Patient
) -> None:
    AccessLinkFactory.create(
        patient=child, token=TOKEN, expires_at=timezone.now() + timedelta(seconds=1)
    )
    assert _confirm(holder_client).status_code == 302


def test_a_link_that_expired_one_second_ago_shows_the_friendly_page(
    holder_client: Client, child: Patient
) -> None:
    AccessLinkFactory.create(
        patient=child, token=TOKEN, expires_at=timezone.now() - timedelta(seconds=1)
    )
    for response in (holder_client.get(_url()), _confirm(holder_client)):
        assert response.status_code == 410
    assert not PortalGrant.objects.filter(patient=child).exists()


def test_expired_used_revoked_superseded_and_unknown_links_show_one_page_with_the_clinic(
    holder_client: Client, clinic_staff: User, child: Patient, holder: User
) -> None:
    superseded = access_link_generate(patient=child, actor=clinic_staff)
    revoked = access_link_generate(patient=child, actor=clinic_staff)
    access_link_revoke(link=revoked.link, actor=clinic_staff)
    used = access_link_generate(patient=child, actor=clinic_staff)
    access_link_redeem(
        token=used.token, account=holder, relationship=Relationship.PARENT, date_of_birth=EMMA_BORN
    )
    AccessLinkFactory.create(patient=child, token="stale-link", expires_at=timezone.now())
    pages = []
    for token in (superseded.token, revoked.token, used.token, "stale-link", "never-issued"):
        response = holder_client.get(_url(token))
        assert response.status_code == 410
        html = response.content.decode().replace(token, "")
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html))
    assert len(set(pages[:4])) == 1  # nothing tells them apart
    assert "Northside Family Clinic" in pages[0]
    assert 'href="tel:(555) 010-2000"' in pages[0]
    assert "ask your clinic for a new Medical Access Link" in pages[4]


def test_the_links_of_a_blocked_record_do_not_work(
    holder_client: Client, clinic_staff: User, child: Patient
) -> None:
    AccessLinkFactory.create(patient=child, token=TOKEN)
    patient_block(patient=child, actor=clinic_staff)
    assert holder_client.get(_url()).status_code == 410
    assert _confirm(holder_client).status_code == 410
    with pytest.raises(AccessLinkNotValid):
        access_link_redeem(
            token=TOKEN,
            account=User.objects.get(email=HOLDER_EMAIL),
            relationship=Relationship.PARENT,
            date_of_birth=EMMA_BORN,
        )


def test_a_staff_account_is_asked_to_use_a_portal_account(
    staff_client: Client, link: AccessLink
) -> None:
    assert staff_client.get(_url()).status_code == 403
    assert _confirm(staff_client).status_code == 403
    assert not PortalGrant.objects.exists()


def test_a_link_does_not_widen_a_forms_only_grant_to_the_whole_portal(
    holder_client: Client, holder: User, link: AccessLink, child: Patient
) -> None:
    PortalGrantFactory.create(
        account=holder, patient=child, relationship=Relationship.PARENT, scope=GrantScope.FORMS_ONLY
    )
    response = holder_client.get(_url())
    assert response.status_code == 403
    assert "intake forms only" in response.content.decode()
    assert _confirm(holder_client).status_code == 403
    grant = PortalGrant.objects.get(account=holder, patient=child)
    assert grant.scope == GrantScope.FORMS_ONLY
    link.refresh_from_db()
    assert link.status == TokenStatus.PENDING


# --- who is told -------------------------------------------------------------------------------


def test_the_holder_is_told_and_so_is_the_records_own_different_address(
    holder_client: Client, link: AccessLink
) -> None:
    _confirm(holder_client)
    to_holder = Email.objects.get(purpose="family_links:linked")
    assert to_holder.to == HOLDER_EMAIL
    assert to_holder.subject == "Emma Bennett was added to your portal account"
    to_owner = Email.objects.get(purpose="family_links:linked_owner_notice")
    assert to_owner.to == "emma.bennett@example.com"
    assert "l***a@example.com" in to_owner.body_text
    assert HOLDER_EMAIL not in to_owner.body_text
    assert "please contact Northside Family Clinic, (555) 010-2000" in to_owner.body_text


def test_the_record_owner_is_not_told_separately_when_the_addresses_match(
    holder_client: Client, link: AccessLink, child: Patient
) -> None:
    child.email = HOLDER_EMAIL.upper()
    child.save()
    _confirm(holder_client)
    assert Email.objects.filter(purpose="family_links:linked").count() == 1
    assert not Email.objects.filter(purpose="family_links:linked_owner_notice").exists()


def test_the_staff_tab_shows_the_link_as_linked_by_the_account(
    holder_client: Client, staff_client: Client, link: AccessLink, child: Patient
) -> None:
    _confirm(holder_client)
    html = staff_client.get(
        reverse("admin:clinics_patient_access_code", args=[child.pk])
    ).content.decode()
    assert '<span class="pa-badge pa-active">Linked</span>' in html
    assert f"by the portal account <strong>{HOLDER_EMAIL}</strong>" in html
