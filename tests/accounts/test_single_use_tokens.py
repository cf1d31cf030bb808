"""The one lifecycle of every secret link (accounts.tokens): usable now, claimed once, revoked,
superseded, and one status computed the same way for portal invitations, Medical Access Links
and practitioner invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.models import PortalInvitation
from accounts.models import User
from accounts.tokens import SingleUseToken, TokenRevokeReason, TokenStatus, token_digest
from clinics.models import Patient
from family_links.models import AccessLink
from prescribers.models import PractitionerInvitation
from prescribers.services.invitations import practitioner_invitation_send
from tests.access_control.factories import PortalInvitationFactory
from tests.factories import UserFactory
from tests.family_links.factories import AccessLinkFactory
from tests.prescribers.factories import PrescriberProfileFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _practitioner_invitation(**fields: Any) -> PractitionerInvitation:
    token = fields.pop("token", f"practitioner-token-{PractitionerInvitation.objects.count()}")
    fields.setdefault("expires_at", NOW + timedelta(days=3))
    fields.setdefault("profile", PrescriberProfileFactory())
    return PractitionerInvitation.objects.create(
        email="dana.reyes@example.com",
        digest=token_digest(token),
        **fields,
    )


KINDS: dict[str, Callable[..., SingleUseToken]] = {
    "portal invitation": PortalInvitationFactory.create,
    "medical access link": AccessLinkFactory.create,
    "practitioner invitation": _practitioner_invitation,
}

# Each state a token can be in, as the fields that put it there.
STATES: dict[TokenStatus, dict[str, Any]] = {
    TokenStatus.PENDING: {},
    TokenStatus.USED: {"used_at": NOW - timedelta(hours=1)},
    TokenStatus.EXPIRED: {"expires_at": NOW},
    TokenStatus.REVOKED: {"revoked_at": NOW, "revoke_reason": TokenRevokeReason.STAFF},
    TokenStatus.SUPERSEDED: {"revoked_at": NOW, "revoke_reason": TokenRevokeReason.SUPERSEDED},
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", STATES)
def test_every_kind_has_the_same_status_and_is_usable_only_when_pending(
    kind: str, status: TokenStatus
) -> None:
    token = KINDS[kind](**STATES[status])
    assert token.status_on(NOW) == status
    usable = type(token)._default_manager.usable(NOW)
    assert usable.filter(pk=token.pk).exists() == (status == TokenStatus.PENDING)


def test_a_used_token_reads_in_each_kinds_words() -> None:
    used = {"used_at": NOW}
    assert PortalInvitationFactory.create(**used).status_label == "Accepted"
    assert AccessLinkFactory.create(**used).status_label == "Linked"
    assert _practitioner_invitation(**used).status_label == "Accepted"
    assert PortalInvitationFactory.create().status_label == "Pending"


def test_a_locked_link_is_not_usable_but_staff_may_still_revoke_it(clinic_staff: User) -> None:
    link = AccessLinkFactory.create(locked_at=NOW)
    assert link.status_on(NOW) == TokenStatus.LOCKED
    assert not AccessLink.objects.usable(NOW).filter(pk=link.pk).exists()
    assert not AccessLink.objects.claim(pk=link.pk, by=clinic_staff, now=NOW)
    assert AccessLink.objects.revoke(pk=link.pk, by=clinic_staff, reason=TokenRevokeReason.STAFF)
    link.refresh_from_db()
    assert (link.status, link.revoked_by) == (TokenStatus.REVOKED, clinic_staff)


def test_a_token_expires_at_the_instant_of_its_expiry() -> None:
    invitation = PortalInvitationFactory.create(expires_at=NOW + timedelta(seconds=1))
    usable = PortalInvitation.objects.filter(pk=invitation.pk).usable
    assert usable(NOW).exists()
    assert not usable(NOW + timedelta(seconds=1)).exists()


def test_of_two_claims_only_the_first_wins(outsider: User, clinic_staff: User) -> None:
    invitation = PortalInvitationFactory.create()
    assert PortalInvitation.objects.claim(pk=invitation.pk, by=outsider, now=NOW)
    assert not PortalInvitation.objects.claim(pk=invitation.pk, by=clinic_staff, now=NOW)
    invitation.refresh_from_db()
    assert (invitation.used_at, invitation.used_by) == (NOW, outsider)
    assert invitation.status == TokenStatus.USED


@pytest.mark.parametrize("status", [s for s in STATES if s != TokenStatus.PENDING])
def test_a_token_that_is_not_pending_cannot_be_claimed(status: TokenStatus, outsider: User) -> None:
    link = AccessLinkFactory.create(**STATES[status])
    assert not AccessLink.objects.claim(pk=link.pk, by=outsider, now=NOW)
    link.refresh_from_db()
    assert link.used_by is None


def test_superseding_revokes_only_the_pending_older_tokens(
    patient: Patient, clinic_staff: User
) -> None:
    older = AccessLinkFactory.create(patient=patient)
    used = AccessLinkFactory.create(patient=patient, used_at=NOW)
    expired = AccessLinkFactory.create(patient=patient, expires_at=NOW)
    locked = AccessLinkFactory.create(patient=patient, locked_at=NOW)
    someone_elses = AccessLinkFactory.create()
    newer = AccessLinkFactory.create(patient=patient)

    superseded = AccessLink.objects.filter(patient=patient).supersede(
        newer=newer, by=clinic_staff, now=NOW
    )

    assert superseded == [older.pk]
    older.refresh_from_db()
    assert older.status == TokenStatus.SUPERSEDED
    assert (older.superseded_by, older.revoked_by, older.revoked_at) == (newer, clinic_staff, NOW)
    statuses = {
        link.pk: link.status_on(NOW)
        for link in AccessLink.objects.filter(pk__in=[used.pk, expired.pk, locked.pk])
    }
    assert statuses == {
        used.pk: TokenStatus.USED,
        expired.pk: TokenStatus.EXPIRED,
        locked.pk: TokenStatus.LOCKED,
    }
    assert AccessLink.objects.get(pk=newer.pk).status == TokenStatus.PENDING
    assert AccessLink.objects.get(pk=someone_elses.pk).status == TokenStatus.PENDING


def test_revoking_the_pending_ones_gives_their_ids_and_reason(patient: Patient) -> None:
    pending = [PortalInvitationFactory.create(patient=patient) for _ in range(2)]
    PortalInvitationFactory.create(patient=patient, used_at=NOW)

    revoked = PortalInvitation.objects.filter(patient=patient).revoke_pending(
        by=None, reason=TokenRevokeReason.BLOCKED, now=NOW
    )

    assert sorted(revoked) == sorted(invitation.pk for invitation in pending)
    reasons = set(
        PortalInvitation.objects.filter(pk__in=revoked).values_list("revoke_reason", flat=True)
    )
    assert reasons == {TokenRevokeReason.BLOCKED}
    assert not PortalInvitation.objects.filter(patient=patient).usable(NOW).exists()
    assert (
        PortalInvitation.objects.filter(patient=patient).revoke_pending(
            by=None, reason=TokenRevokeReason.BLOCKED, now=NOW
        )
        == []
    )


def test_a_token_is_found_only_by_its_raw_value_never_by_its_digest_or_nothing() -> None:
    invitation = PortalInvitationFactory.create(token="the-raw-token")
    assert PortalInvitation.objects.with_token("the-raw-token").get() == invitation
    assert not PortalInvitation.objects.with_token(invitation.digest).exists()
    assert not PortalInvitation.objects.with_token("").exists()
    assert not PortalInvitation.objects.with_token("the-raw-token ").exists()


def test_a_newer_practitioner_invitation_supersedes_the_older_one() -> None:
    pharmacy_staff = UserFactory(email="pharmacist@example.com", is_staff=True)
    profile = PrescriberProfileFactory(npi="")
    first = practitioner_invitation_send(profile=profile, email="dana@example.com", actor=None)
    second = practitioner_invitation_send(
        profile=profile, email="dana@example.com", actor=pharmacy_staff
    )
    first.refresh_from_db()
    assert first.status == TokenStatus.SUPERSEDED
    assert (first.superseded_by, first.revoked_by) == (second, pharmacy_staff)


# --- The one sign-in rule of invitations ---------------------------------------------------


def test_opening_an_invitation_signs_no_one_in(client: Client) -> None:
    PortalInvitationFactory.create(token="portal-tok")
    profile = PrescriberProfileFactory(npi="")
    _practitioner_invitation(token="practitioner-tok", profile=profile)
    portal = client.get(reverse("access_control:invitation_accept", args=["portal-tok"]))
    practitioner = client.get(reverse("practitioner:invitation_accept", args=["practitioner-tok"]))
    assert (portal.status_code, practitioner.status_code) == (200, 200)
    assert "_auth_user_id" not in client.session


def test_an_invitation_never_signs_in_an_account_that_already_exists(
    client: Client, patient: Patient
) -> None:
    User.objects.create_user(email=patient.email, password="Someone-Elses-Pass-1")
    PortalInvitationFactory.create(patient=patient, token="tok")
    url = reverse("access_control:invitation_accept", args=["tok"])
    response = client.post(
        url, {"password1": "Quiet-Harbour-7391", "password2": "Quiet-Harbour-7391"}
    )
    assert response.status_code == 200
    assert b"sign in" in response.content.lower()
    assert "_auth_user_id" not in client.session
