"""Generated proof that every kind of secret token opens exactly when it should.

One hypothesis state machine per token kind drives the real services through random sequences
of issuing, revoking, blocking, waiting and redeeming, beside a model of what the issue
promises: a token redeems exactly when it is the latest one, unexpired, unused, unrevoked and
its record is not blocked, plus what the code legitimately asks on top (the right account for a
portal invitation, the date of birth for a Medical Access Link or Code, an active and unlinked
prescriber profile for a practitioner invitation). Every step compares the service's outcome
with the model's, and so do the read-only look-ups behind the link pages, opened at random
moments (opening a link never uses it up).

Services are called directly, not over HTTP, to keep a step cheap. Each example runs in a
savepoint rolled back at its teardown, on a fixed clock of its own (time-machine, as every test
of the project) that only moves forward. CI runs 1,000 examples per machine;
locally 100 (run with CI=true for the full count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    multiple,
    rule,
    run_state_machine_as_test,
)

from access_control.models import GrantScope, PortalGrant, PortalInvitation, Relationship
from access_control.selectors import invitation_usable
from access_control.services import (
    InvitationNeedsSignIn,
    InvitationNotValid,
    InvitationWrongAccount,
    PortalAccessError,
    invitation_accept,
    invitation_accept_new_account,
    invitation_revoke,
    invitation_send,
    patient_block,
    patient_unblock,
)
from accounts.models import User
from accounts.tokens import NewToken, token_generate
from clinics.models import Clinic, Patient
from clinics.services import clinic_settings_save, patient_save
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink, ClinicLinkSettings
from family_links.selectors import access_link_usable, access_link_usable_by_code
from family_links.services.base import AccessLinkError, AccessLinkNotValid, DateOfBirthMismatch
from family_links.services.links import (
    access_link_generate,
    access_link_revoke,
    access_link_send,
)
from family_links.services.redeem import access_code_redeem, access_link_redeem
from prescribers.errors import PrescriberError
from prescribers.models import PrescriberProfile
from prescribers.selectors import practitioner_invitation_usable
from prescribers.services.invitations import (
    practitioner_invitation_accept,
    practitioner_invitation_send,
)
from prescribers.services.profiles import (
    prescriber_archive,
    prescriber_disconnect,
    prescriber_restore,
)
from tests.conftest import IN_CI, Clock
from tests.factories import UserFactory
from tests.prescribers.factories import PrescriberProfileFactory

MACHINE_SETTINGS = hypothesis_settings(
    max_examples=1000 if IN_CI else 100,
    stateful_step_count=15,
    # A step is a few database round trips; its duration says nothing about correctness.
    deadline=None,
    # Nothing written to the working tree; a failure prints its reproduction blob instead.
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

NEW_PASSWORD = "Quiet-Harbour-7391"


def _outcome(call: Callable[[], object], refusals: tuple[type[Exception], ...]) -> str:
    """ "ok", or the name of the refusal raised (with the tries left after a wrong birth date).

    Anything that is not a refusal propagates: a crash fails the example with its traceback.
    """
    try:
        call()
    except refusals as error:
        if isinstance(error, DateOfBirthMismatch):
            return f"DateOfBirthMismatch({error.attempts_left})"
        return type(error).__name__
    return "ok"


class _ClockedMachine(RuleBasedStateMachine):
    """Runs in a savepoint rolled back at teardown, on a clock that the rules move forward."""

    def __init__(self) -> None:
        super().__init__()
        self.now = timezone.now()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self._clock = Clock(start=self.now)

    def teardown(self) -> None:
        self._clock.stop()
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _travel_to(self, moment: datetime) -> None:
        """Time never runs backwards: a moment already past leaves the clock where it is."""
        self.now = max(self.now, moment)
        self._clock.move_to(self.now)

    @rule(hours=st.integers(min_value=1, max_value=80))
    def time_passes(self, hours: int) -> None:
        self._travel_to(self.now + timedelta(hours=hours))


# The instant of expiry itself and a second either side: `expires_at > now` is the rule.
_AROUND_EXPIRY = st.sampled_from([-1, 0, 1])

# The patient's email on file, as staff change it back and forth.
PATIENT_ADDRESSES = ("laura.bennett@example.com", "laura.b@mail.example")


def _email_change(patient: Patient, address: str, actor: User) -> None:
    patient.email = address
    patient_save(patient=patient, actor=actor, changed_fields=["email"])


# --- Portal invitations (access_control) ---------------------------------------------------


@dataclass
class _Invitation:
    raw: str
    pk: int
    email: str
    expires_at: datetime
    used: bool = False
    revoked: bool = False  # by staff, or by blocking the record
    superseded: bool = False


@dataclass(frozen=True)
class _PatientWorld:
    clinic_pk: int
    patient_pk: int
    staff_pk: int
    outsider_pk: int
    family_pk: int


class PortalInvitationMachine(_ClockedMachine):
    """Staff send, resend, revoke, change the email on file; the record is blocked and
    unblocked; the invitation is accepted by its addressee (signed in, or creating the account)
    or by another account."""

    issued = Bundle("invitations")
    addresses_with_account = Bundle("addresses_with_account")

    def __init__(self, world: _PatientWorld) -> None:
        super().__init__()
        self.patient = Patient.objects.select_related("clinic").get(pk=world.patient_pk)
        self.staff = User.objects.get(pk=world.staff_pk)
        self.outsider = User.objects.get(pk=world.outsider_pk)
        self.accounts: dict[str, User] = {}  # by address, once someone has one
        self.invitations: list[_Invitation] = []
        self.blocked = False

    def _pending(self, invitation: _Invitation) -> bool:
        return not (
            invitation.used
            or invitation.revoked
            or invitation.superseded
            or invitation.expires_at <= self.now
        )

    def _redeemable(self, index: int) -> bool:
        invitation = self.invitations[index]
        return (
            index == len(self.invitations) - 1
            and not invitation.used
            and not invitation.revoked
            and self.now < invitation.expires_at
            and not self.blocked
        )

    @rule(target=issued)
    def staff_send_an_invitation(self) -> Any:
        if self.blocked:
            refused = _outcome(
                lambda: invitation_send(patient=self.patient, actor=self.staff),
                (PortalAccessError,),
            )
            assert refused == "PortalAccessError"
            return multiple()
        sent = invitation_send(patient=self.patient, actor=self.staff)
        assert sent.invitation.expires_at == self.now + settings.PORTAL_INVITATION_TTL
        for older in self.invitations:
            if self._pending(older):
                older.superseded = True
        assert sent.invitation.email == self.patient.email
        self.invitations.append(
            _Invitation(
                raw=sent.token,
                pk=sent.invitation.pk,
                email=self.patient.email,
                expires_at=sent.invitation.expires_at,
            )
        )
        return len(self.invitations) - 1

    @rule(index=issued)
    def staff_revoke_an_invitation(self, index: int) -> None:
        invitation = self.invitations[index]
        expected = "ok" if self._pending(invitation) else "PortalAccessError"
        actual = _outcome(
            lambda: invitation_revoke(
                invitation=PortalInvitation.objects.get(pk=invitation.pk), actor=self.staff
            ),
            (PortalAccessError,),
        )
        assert actual == expected
        if actual == "ok":
            invitation.revoked = True

    @rule(address=st.sampled_from(PATIENT_ADDRESSES))
    def staff_change_the_email_on_file(self, address: str) -> None:
        _email_change(self.patient, address, self.staff)
        for invitation in self.invitations:
            if self._pending(invitation) and invitation.email != address:
                invitation.revoked = True

    @rule()
    def staff_block_the_record(self) -> None:
        expected = "PortalAccessError" if self.blocked else "ok"
        actual = _outcome(
            lambda: patient_block(patient=self.patient, actor=self.staff), (PortalAccessError,)
        )
        assert actual == expected
        for invitation in self.invitations:
            if self._pending(invitation):
                invitation.revoked = True
        self.blocked = True

    @rule()
    def staff_unblock_the_record(self) -> None:
        expected = "ok" if self.blocked else "PortalAccessError"
        actual = _outcome(
            lambda: patient_unblock(patient=self.patient, actor=self.staff), (PortalAccessError,)
        )
        assert actual == expected
        self.blocked = False

    @rule(index=issued, offset=_AROUND_EXPIRY)
    def time_reaches_an_expiry(self, index: int, offset: int) -> None:
        self._travel_to(self.invitations[index].expires_at + timedelta(seconds=offset))

    @rule(target=addresses_with_account, address=st.sampled_from(PATIENT_ADDRESSES))
    def someone_signs_up_without_the_invitation(self, address: str) -> Any:
        if address in self.accounts:
            return multiple()
        self.accounts[address] = UserFactory(email=address)
        return address

    def _accepted(self, index: int, account: User) -> None:
        self.invitations[index].used = True
        assert PortalGrant.objects.filter(
            account=account, patient=self.patient, revoked_at__isnull=True, scope=GrantScope.FULL
        ).exists()

    @rule(index=issued, address=addresses_with_account)
    def an_account_of_the_patient_accepts_signed_in(self, index: int, address: str) -> None:
        account = self.accounts[address]
        if not self._redeemable(index):
            expected = "InvitationNotValid"
        elif address != self.invitations[index].email:
            expected = "InvitationWrongAccount"
        else:
            expected = "ok"
        actual = _outcome(
            lambda: invitation_accept(
                token=self.invitations[index].raw, account=account, relationship=Relationship.SELF
            ),
            (InvitationNotValid, InvitationWrongAccount),
        )
        assert actual == expected
        if actual == "ok":
            self._accepted(index, account)

    @rule(index=issued)
    def another_account_tries_to_accept(self, index: int) -> None:
        expected = "InvitationWrongAccount" if self._redeemable(index) else "InvitationNotValid"
        actual = _outcome(
            lambda: invitation_accept(
                token=self.invitations[index].raw,
                account=self.outsider,
                relationship=Relationship.PARENT,
            ),
            (InvitationNotValid, InvitationWrongAccount),
        )
        assert actual == expected

    @rule(target=addresses_with_account, index=issued)
    def addressee_accepts_creating_the_account(self, index: int) -> Any:
        address = self.invitations[index].email
        if not self._redeemable(index):
            expected = "InvitationNotValid"
        elif address in self.accounts:
            expected = "InvitationNeedsSignIn"
        else:
            expected = "ok"
        actual = _outcome(
            lambda: invitation_accept_new_account(
                token=self.invitations[index].raw, password=NEW_PASSWORD
            ),
            (InvitationNotValid, InvitationNeedsSignIn),
        )
        assert actual == expected
        if actual != "ok":
            return multiple()
        self.accounts[address] = User.objects.get(email=address)
        self._accepted(index, self.accounts[address])
        return address

    @rule(index=issued)
    def someone_opens_the_invitation_page(self, index: int) -> None:
        opens = invitation_usable(token=self.invitations[index].raw) is not None
        assert opens == self._redeemable(index)


# --- Medical Access Links and Codes (family_links) -----------------------------------------


@dataclass
class _Link:
    token: str
    code: str
    pk: int
    expires_at: datetime
    redeemed: bool = False
    revoked: bool = False  # by staff, or by blocking the record
    superseded: bool = False
    failed_checks: int = 0
    sent_to: str | None = None

    @property
    def locked(self) -> bool:
        return self.failed_checks >= settings.ACCESS_LINK_MAX_FAILED_CHECKS


class AccessLinkMachine(_ClockedMachine):
    """Staff generate, regenerate, send, revoke, block and unblock, change the email on file,
    and choose whether a link asks the date of birth; the family or an outsider redeems the
    link or its code, with the right date of birth, a wrong one, or (a link only) none.

    A link and its code are one row: they are one machine, so that what one does to the other
    (a wrong birth date through the code counts against the link) is part of the model.
    """

    issued = Bundle("links")

    def __init__(self, world: _PatientWorld) -> None:
        super().__init__()
        self.clinic = Clinic.objects.get(pk=world.clinic_pk)
        self.patient = Patient.objects.select_related("clinic").get(pk=world.patient_pk)
        self.staff = User.objects.get(pk=world.staff_pk)
        self.accounts = {
            "family": User.objects.get(pk=world.family_pk),
            "outsider": User.objects.get(pk=world.outsider_pk),
        }
        self.links: list[_Link] = []
        self.blocked = False
        self.link_asks_date_of_birth = True  # the default of a clinic without settings

    def _pending(self, link: _Link) -> bool:
        return not (
            link.redeemed
            or link.revoked
            or link.superseded
            or link.locked
            or link.expires_at <= self.now
        )

    def _redeemable(self, index: int) -> bool:
        """Everything but the date-of-birth check."""
        link = self.links[index]
        return (
            index == len(self.links) - 1
            and not link.redeemed
            and not link.revoked
            and not link.locked
            and self.now < link.expires_at
            and not self.blocked
        )

    def _expected_redemption(self, index: int, *, checks_birth_date: bool, answer: str) -> str:
        if not self._redeemable(index):
            return "AccessLinkNotValid"
        if checks_birth_date and answer != "right":
            link = self.links[index]
            left = max(settings.ACCESS_LINK_MAX_FAILED_CHECKS - (link.failed_checks + 1), 0)
            return f"DateOfBirthMismatch({left})"
        return "ok"

    def _answer(self, answer: str) -> Any:
        return {
            "right": self.patient.date_of_birth,
            "wrong": self.patient.date_of_birth + timedelta(days=1),
            "none": None,
        }[answer]

    def _after_redemption(self, index: int, actual: str, account: User) -> None:
        link = self.links[index]
        if actual == "ok":
            link.redeemed = True
            assert PortalGrant.objects.filter(
                account=account, patient=self.patient, revoked_at__isnull=True
            ).exists()
        elif actual.startswith("DateOfBirthMismatch"):
            link.failed_checks += 1
        stored = AccessLink.objects.get(pk=link.pk)
        assert stored.failed_checks == link.failed_checks
        assert (stored.locked_at is not None) == link.locked

    @rule(target=issued)
    def staff_generate_a_link(self) -> Any:
        if self.blocked:
            refused = _outcome(
                lambda: access_link_generate(patient=self.patient, actor=self.staff),
                (AccessLinkError,),
            )
            assert refused == "AccessLinkError"
            return multiple()
        new = access_link_generate(patient=self.patient, actor=self.staff)
        assert new.link.expires_at == self.now + settings.ACCESS_LINK_TTL
        for older in self.links:
            if self._pending(older):
                older.superseded = True
        self.links.append(
            _Link(token=new.token, code=new.code, pk=new.link.pk, expires_at=new.link.expires_at)
        )
        return len(self.links) - 1

    @rule(index=issued)
    def staff_send_a_link(self, index: int) -> None:
        link = self.links[index]
        sendable = self._pending(link) and not self.blocked
        actual = _outcome(
            lambda: access_link_send(
                link=AccessLink.objects.select_related("patient__clinic").get(pk=link.pk),
                token=link.token,
                actor=self.staff,
            ),
            (AccessLinkError,),
        )
        assert actual == ("ok" if sendable else "AccessLinkError")
        if actual == "ok":
            link.sent_to = self.patient.email

    @rule(address=st.sampled_from(PATIENT_ADDRESSES))
    def staff_change_the_email_on_file(self, address: str) -> None:
        _email_change(self.patient, address, self.staff)
        # A link mailed to the old address stops working; one not mailed yet stays.
        for link in self.links:
            if self._pending(link) and link.sent_to is not None and link.sent_to != address:
                link.revoked = True

    @rule(index=issued)
    def staff_revoke_a_link(self, index: int) -> None:
        link = self.links[index]
        # A locked link may still be revoked: only used, revoked and expired ones may not.
        revocable = not (
            link.redeemed or link.revoked or link.superseded or link.expires_at <= self.now
        )
        actual = _outcome(
            lambda: access_link_revoke(
                link=AccessLink.objects.select_related("patient").get(pk=link.pk),
                actor=self.staff,
            ),
            (AccessLinkError,),
        )
        assert actual == ("ok" if revocable else "AccessLinkError")
        if actual == "ok":
            link.revoked = True

    @rule()
    def staff_block_the_record(self) -> None:
        expected = "PortalAccessError" if self.blocked else "ok"
        actual = _outcome(
            lambda: patient_block(patient=self.patient, actor=self.staff), (PortalAccessError,)
        )
        assert actual == expected
        for link in self.links:
            if self._pending(link):
                link.revoked = True
        self.blocked = True

    @rule()
    def staff_unblock_the_record(self) -> None:
        expected = "ok" if self.blocked else "PortalAccessError"
        actual = _outcome(
            lambda: patient_unblock(patient=self.patient, actor=self.staff), (PortalAccessError,)
        )
        assert actual == expected
        self.blocked = False

    @rule(asks=st.booleans())
    def clinic_chooses_whether_a_link_asks_the_date_of_birth(self, asks: bool) -> None:
        clinic_settings_save(
            model=ClinicLinkSettings,
            clinic=self.clinic,
            changes={"require_date_of_birth": asks},
            action=FamilyLinksEvent.CLINIC_SETTINGS_SAVED,
            actor=self.staff,
        )
        self.link_asks_date_of_birth = asks

    @rule(index=issued, offset=_AROUND_EXPIRY)
    def time_reaches_an_expiry(self, index: int, offset: int) -> None:
        self._travel_to(self.links[index].expires_at + timedelta(seconds=offset))

    @rule(
        index=issued,
        who=st.sampled_from(["family", "outsider"]),
        answer=st.sampled_from(["right", "wrong", "none"]),
    )
    def someone_opens_the_link(self, index: int, who: str, answer: str) -> None:
        account = self.accounts[who]
        expected = self._expected_redemption(
            index, checks_birth_date=self.link_asks_date_of_birth, answer=answer
        )
        actual = _outcome(
            lambda: access_link_redeem(
                token=self.links[index].token,
                account=account,
                relationship=Relationship.PARENT,
                date_of_birth=self._answer(answer),
            ),
            (AccessLinkNotValid, DateOfBirthMismatch),
        )
        assert actual == expected
        self._after_redemption(index, actual, account)

    @rule(
        index=issued,
        who=st.sampled_from(["family", "outsider"]),
        answer=st.sampled_from(["right", "wrong"]),
        typed_loosely=st.booleans(),
    )
    def someone_enters_the_code(
        self, index: int, who: str, answer: str, typed_loosely: bool
    ) -> None:
        account = self.accounts[who]
        code = self.links[index].code
        if typed_loosely:
            code = code.lower().replace("-", " ")
        expected = self._expected_redemption(index, checks_birth_date=True, answer=answer)
        actual = _outcome(
            lambda: access_code_redeem(
                code=code,
                date_of_birth=self._answer(answer),
                account=account,
                relationship=Relationship.PARENT,
            ),
            (AccessLinkNotValid, DateOfBirthMismatch),
        )
        assert actual == expected
        self._after_redemption(index, actual, account)

    @rule(index=issued)
    def someone_opens_the_link_page(self, index: int) -> None:
        link = self.links[index]
        expected = self._redeemable(index)
        assert (access_link_usable(token=link.token) is not None) == expected
        assert (access_link_usable_by_code(code=link.code) is not None) == expected


# --- Practitioner invitations (prescribers) ------------------------------------------------


@dataclass
class _PractitionerInvitation:
    raw: str
    email: str
    expires_at: datetime
    used: bool = False
    revoked: bool = False  # superseded: there is no other way to revoke one


ADDRESSES = ("dana.reyes@example.com", "dana@desert-bloom.example", "d.reyes@example.org")


@dataclass(frozen=True)
class _PharmacyWorld:
    profile_pk: int
    staff_pk: int


class PractitionerInvitationMachine(_ClockedMachine):
    """The pharmacy invites a practitioner from a prescriber profile (to one of a few
    addresses), archives, restores and disconnects the profile; someone signs up with an
    address on their own; the practitioner accepts an invitation."""

    issued = Bundle("practitioner_invitations")

    def __init__(self, world: _PharmacyWorld) -> None:
        super().__init__()
        self.profile = PrescriberProfile.objects.get(pk=world.profile_pk)
        self.staff = User.objects.get(pk=world.staff_pk)
        self.invitations: list[_PractitionerInvitation] = []
        self.active = True
        self.linked = False
        self.addresses_with_account: set[str] = set()

    def _token_valid(self, index: int) -> bool:
        invitation = self.invitations[index]
        return (
            index == len(self.invitations) - 1
            and not invitation.used
            and not invitation.revoked
            and self.now < invitation.expires_at
        )

    @rule(target=issued, address=st.sampled_from(ADDRESSES))
    def pharmacy_invites(self, address: str) -> Any:
        refused = not self.active or self.linked or address in self.addresses_with_account
        # The service returns no token and the mail may not keep it: catch it as it is made.
        made: list[NewToken] = []

        def generate() -> NewToken:
            made.append(token_generate())
            return made[-1]

        with mock.patch("prescribers.services.invitations.token_generate", generate):
            actual = _outcome(
                lambda: practitioner_invitation_send(
                    profile=self.profile, email=address, actor=self.staff
                ),
                (PrescriberError,),
            )
        assert actual == ("PrescriberError" if refused else "ok")
        if refused:
            return multiple()
        stored = self.profile.invitations.get(digest=made[-1].digest)
        assert stored.expires_at == self.now + settings.PRESCRIBER_INVITATION_TTL
        for older in self.invitations:
            if not older.used:
                older.revoked = True
        self.invitations.append(
            _PractitionerInvitation(raw=made[-1].raw, email=address, expires_at=stored.expires_at)
        )
        return len(self.invitations) - 1

    @rule()
    def pharmacy_archives_the_profile(self) -> None:
        actual = _outcome(
            lambda: prescriber_archive(profile=self.profile, actor=self.staff), (PrescriberError,)
        )
        assert actual == ("ok" if self.active else "PrescriberError")
        self.active = False

    @rule()
    def pharmacy_restores_the_profile(self) -> None:
        actual = _outcome(
            lambda: prescriber_restore(profile=self.profile, actor=self.staff), (PrescriberError,)
        )
        assert actual == ("PrescriberError" if self.active else "ok")
        self.active = True

    @rule()
    def pharmacy_disconnects_the_profile(self) -> None:
        actual = _outcome(
            lambda: prescriber_disconnect(profile=self.profile, actor=self.staff),
            (PrescriberError,),
        )
        assert actual == ("ok" if self.linked else "PrescriberError")
        self.linked = False

    @rule(address=st.sampled_from(ADDRESSES))
    def someone_signs_up_with_an_address(self, address: str) -> None:
        if address not in self.addresses_with_account:
            UserFactory(email=address)
            self.addresses_with_account.add(address)

    @rule(index=issued, offset=_AROUND_EXPIRY)
    def time_reaches_an_expiry(self, index: int, offset: int) -> None:
        self._travel_to(self.invitations[index].expires_at + timedelta(seconds=offset))

    @rule(index=issued)
    def practitioner_accepts(self, index: int) -> None:
        invitation = self.invitations[index]
        if not self._token_valid(index):
            expected = "InvitationUnusable"
        elif not self.active or self.linked or invitation.email in self.addresses_with_account:
            expected = "PrescriberError"  # the pharmacy changed things: ask for a new one
        else:
            expected = "ok"
        actual = _outcome(
            lambda: practitioner_invitation_accept(raw_token=invitation.raw, password=NEW_PASSWORD),
            (PrescriberError,),
        )
        assert actual == expected
        if actual != "ok":
            return
        invitation.used = True
        self.linked = True
        self.addresses_with_account.add(invitation.email)
        self.profile.refresh_from_db()
        combination = self.profile.practitioner_clinic
        assert combination is not None
        assert combination.practitioner.user is not None
        assert combination.practitioner.user.email == invitation.email

    @rule(index=issued)
    def someone_opens_the_invitation_page(self, index: int) -> None:
        opens = practitioner_invitation_usable(raw_token=self.invitations[index].raw) is not None
        assert opens == self._token_valid(index)


# --- The tests -------------------------------------------------------------------------------


@pytest.fixture
def patient_world(clinic: Clinic, clinic_staff: User, patient: Patient, outsider: User) -> Any:
    patient.email = PATIENT_ADDRESSES[0]
    patient.save(update_fields=["email"])
    family = UserFactory(email="family.member@example.com")
    return _PatientWorld(
        clinic_pk=clinic.pk,
        patient_pk=patient.pk,
        staff_pk=clinic_staff.pk,
        outsider_pk=outsider.pk,
        family_pk=family.pk,
    )


def test_a_portal_invitation_is_accepted_exactly_when_it_is_the_latest_usable_one(
    patient_world: _PatientWorld,
) -> None:
    run_state_machine_as_test(
        lambda: PortalInvitationMachine(patient_world), settings=MACHINE_SETTINGS
    )


def test_a_medical_access_link_or_code_redeems_exactly_when_it_is_the_latest_usable_one(
    patient_world: _PatientWorld,
) -> None:
    run_state_machine_as_test(lambda: AccessLinkMachine(patient_world), settings=MACHINE_SETTINGS)


@pytest.mark.django_db
def test_a_practitioner_invitation_is_accepted_exactly_when_it_is_the_latest_usable_one() -> None:
    # No NPI: with one, the first acceptance gives the NPI an account and the pharmacy may
    # never invite again for it, which would end most examples after one acceptance.
    profile = PrescriberProfileFactory(npi="", clinic_name="Desert Bloom Clinic")
    staff = UserFactory(email="pharmacist@example.com", is_staff=True)
    world = _PharmacyWorld(profile_pk=profile.pk, staff_pk=staff.pk)
    run_state_machine_as_test(
        lambda: PractitionerInvitationMachine(world), settings=MACHINE_SETTINGS
    )
