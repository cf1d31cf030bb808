"""The access policy: may this account see or act on this patient record, and how?

Every portal view, download, API endpoint and booking asks here, on every request; nothing is
remembered in the session, so a block or a revoked grant takes effect on the very next request.
Deny by default: anonymous users and anything not explicitly granted get nothing.

- A grant is active until revoked; a blocked record is hidden from every account.
- An account whose own ("self") record is blocked may not use the portal at all.
- A "forms only" grant reaches that patient's forms and nothing else.

Kiosk accounts (the intake tablet at the front desk). Staff make one with "Create an Account
Manually" and the scope "Intake forms only"; whoever stands at the desk uses it, so:

- An account is a kiosk when it was given a forms-only grant and holds no active full grant.
  Revoking its forms grant leaves it a kiosk (it does not become an account that may add
  records). An account holding both kinds (a caregiver given forms-only access to one more
  record) is not a kiosk: its full grants were given to its holder, not to a desk.
- A kiosk reaches its patients' forms, the sign-out and nothing else (`portal_kiosk_may_open`):
  no profiles, demographics, documents, Medical Access Codes or Links, password, email or
  sign-in method changes. The menu shows Forms only.
- No account adds a record, or widens a forms-only grant to full, with a Medical Access Code
  or Link when `portal_link_refusal` says no: staff, kiosks, and any account for a record it
  holds forms-only. The redeeming services ask it too, not only the pages.
- The one way a forms-only grant becomes full is a portal invitation the clinic sent for that
  record to the account's own email address (`portal_invitation_refusal`): the clinic opens
  the full portal to the holder of that address, and the account stops being a kiosk. A kiosk
  accepts no invitation for any other record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from access_control.models import (
    GrantScope,
    PatientPortalSettings,
    PortalGrant,
    Relationship,
)
from access_control.selectors import clinic_bookable_practitioners, clinic_default_practitioners
from accounts.models import User
from accounts.pages import Page, page_url_name
from accounts.roles import is_signed_in
from clinics.models import Clinic, Patient, Practitioner

if TYPE_CHECKING:
    from accounts.roles import AnyUser

STAFF_HOLD_NO_RECORDS = "Staff accounts do not hold portal records."


def portal_account_is_staff(*, user: AnyUser) -> bool:
    """Staff hold no portal records: a staff account is never given a grant, is never a kiosk,
    and is refused (with its own page) wherever a record would be added to it."""
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def _blocked_self_grants(*, user: User) -> QuerySet[PortalGrant]:
    return PortalGrant.objects.filter(
        account=user,
        relationship=Relationship.SELF,
        revoked_at__isnull=True,
        patient__portal_settings__blocked=True,
    )


def portal_grants_for(*, user: AnyUser) -> QuerySet[PortalGrant]:
    """The account's active grants to records that are not blocked, of any scope.

    Empty for anonymous users and for an account whose own record is blocked. One query.
    """
    if not is_signed_in(user):
        return PortalGrant.objects.none()
    return (
        PortalGrant.objects.filter(account=user, revoked_at__isnull=True)
        .exclude(patient__portal_settings__blocked=True)
        .filter(~Exists(_blocked_self_grants(user=user)))
    )


def portal_patients_for(*, user: AnyUser) -> QuerySet[Patient]:
    """The records this account may open in the portal: documents, appointments, profile."""
    grants = portal_grants_for(user=user).filter(scope=GrantScope.FULL)
    return Patient.objects.filter(pk__in=grants.values("patient_id"))


def portal_form_patients_for(*, user: AnyUser) -> QuerySet[Patient]:
    """The records whose forms this account may fill in: full and forms-only grants."""
    return Patient.objects.filter(pk__in=portal_grants_for(user=user).values("patient_id"))


def _blocked_message(clinic: Clinic) -> str:
    return f"Your portal access is not available. Please contact {clinic.contact_line}."


def portal_access_refusal(user: AnyUser) -> str | None:
    """The neutral message for an account whose own record is blocked; None when it may enter.

    Also the sign-in hook named in settings.SIGN_IN_REFUSAL_HOOKS.
    """
    if not is_signed_in(user):
        return None
    grant = _blocked_self_grants(user=user).select_related("patient__clinic").first()
    if grant is None:
        return None
    return _blocked_message(grant.patient.clinic)


def _intake_grants(*, user: User) -> QuerySet[PortalGrant]:
    """Every forms-only grant the account was given, revoked or not."""
    return PortalGrant.objects.filter(account=user, scope=GrantScope.FORMS_ONLY)


def _full_grants(*, user: User) -> QuerySet[PortalGrant]:
    return PortalGrant.objects.filter(account=user, scope=GrantScope.FULL, revoked_at__isnull=True)


@dataclass(frozen=True)
class PortalStanding:
    """What every request of a signed-in account needs to know, read in one query."""

    refusal: str | None  # set when the account's own record is blocked: it is signed out
    kiosk: bool


def portal_standing(*, user: AnyUser) -> PortalStanding:
    """The account's standing for this request: one query (two when it is refused)."""
    if not is_signed_in(user):
        return PortalStanding(refusal=None, kiosk=False)
    row = (
        User.objects.filter(pk=user.pk)
        .values(
            intake=Exists(_intake_grants(user=user)),
            full=Exists(_full_grants(user=user)),
            blocked_clinic_id=Subquery(
                _blocked_self_grants(user=user).values("patient__clinic_id")[:1]
            ),
        )
        .first()
    )
    if row is None:
        return PortalStanding(refusal=None, kiosk=False)
    refusal = None
    if row["blocked_clinic_id"] is not None:
        refusal = _blocked_message(Clinic.objects.get(pk=row["blocked_clinic_id"]))
    kiosk = not portal_account_is_staff(user=user) and bool(row["intake"]) and not row["full"]
    return PortalStanding(refusal=refusal, kiosk=kiosk)


def portal_is_kiosk(*, user: AnyUser | None) -> bool:
    """Whether this is an intake-tablet account: given forms-only access, no full access."""
    if not is_signed_in(user) or portal_account_is_staff(user=user):
        return False
    return _intake_grants(user=user).exists() and not _full_grants(user=user).exists()


# The pages a kiosk may open; every other page refuses it (deny by default). The portal's own
# pages are asked for by purpose (accounts.pages), so this app names no URL of the portal's.
_KIOSK_URL_NAMES = frozenset(
    {"home", "access_control:invitation_accept", "account_login", "account_logout"}
)
_KIOSK_PORTAL_PAGES = (Page.PORTAL_HOME, Page.PORTAL_FORMS, Page.PORTAL_FORM)


def portal_kiosk_may_open(*, url_name: str) -> bool:
    """Whether a kiosk may open the page of this URL name (its forms and signing out)."""
    return url_name in _KIOSK_URL_NAMES or any(
        url_name == page_url_name(page) for page in _KIOSK_PORTAL_PAGES
    )


KIOSK_LINK_REFUSAL = (
    "This account is for filling in intake forms at the clinic only, so it cannot add records. "
    "To use a Medical Access Code or Link, sign out and sign in with your own portal account."
)


def portal_link_refusal(*, user: AnyUser, patient: Patient | None = None) -> str | None:
    """Why this account may not add a record with a Medical Access Code or Link (the record,
    when known); None when it may."""
    if not is_signed_in(user):
        return "Please sign in to add a record to your portal account."
    if portal_account_is_staff(user=user):
        return STAFF_HOLD_NO_RECORDS
    if portal_is_kiosk(user=user):
        return KIOSK_LINK_REFUSAL
    if (
        patient is not None
        and _intake_grants(user=user).filter(patient=patient, revoked_at__isnull=True).exists()
    ):
        return (
            f"This account may fill in {patient.short_name}'s intake forms only; a Medical "
            f"Access Code or Link does not widen that. Please ask {patient.clinic.name} to "
            "invite you to the full portal."
        )
    return None


def portal_invitation_refusal(*, user: User, patient: Patient) -> str | None:
    """Why this signed-in account may not accept a portal invitation for the record; None
    when it may. Staff hold no records; a kiosk accepts only an invitation for a record it
    holds forms-only."""
    if portal_account_is_staff(user=user):
        return STAFF_HOLD_NO_RECORDS
    if not portal_is_kiosk(user=user):
        return None
    if _intake_grants(user=user).filter(patient=patient, revoked_at__isnull=True).exists():
        return None
    return (
        "This account is for filling in intake forms at the clinic only, so it cannot add "
        "records. Sign out and accept the invitation with your own portal account."
    )


def available_practitioners_for(*, patient: Patient) -> QuerySet[Practitioner]:
    """The practitioners this patient may be offered and may book in the portal.

    Those staff chose (or the clinic's default for a record without portal settings), that
    still work at the patient's clinic and are still bookable online.
    """
    bookable = clinic_bookable_practitioners(clinic_id=patient.clinic_id)
    portal_settings = PatientPortalSettings.objects.filter(patient_id=patient.pk).first()
    if portal_settings is None:
        return clinic_default_practitioners(clinic_id=patient.clinic_id)
    chosen = PatientPortalSettings.available_practitioners.through.objects.filter(
        patientportalsettings_id=portal_settings.pk
    )
    return bookable.filter(Exists(chosen.filter(practitioner_id=OuterRef("pk"))))


def portal_may_book(*, user: AnyUser, patient: Patient, practitioner: Practitioner) -> bool:
    """Whether this account may book an appointment for this record with this practitioner."""
    return (
        portal_patients_for(user=user).filter(pk=patient.pk).exists()
        and available_practitioners_for(patient=patient).filter(pk=practitioner.pk).exists()
    )
