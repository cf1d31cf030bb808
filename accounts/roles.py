"""Role helpers: what kind of person a user is, and where they land after sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, cast

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.pages import Page, page_url

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    # Whoever a request carries, signed in or not: what the access policies are asked about.
    AnyUser: TypeAlias = User | AnonymousUser


def user_home_url(user: AnyUser) -> str:
    if getattr(user, "is_staff", False):
        return reverse("admin:index")
    if is_practitioner(user):
        return page_url(Page.PRACTITIONER_HOME)
    return page_url(Page.PORTAL_HOME)


def is_signed_in(user: AnyUser | None) -> TypeGuard[User]:
    """Whether this is a signed-in account (narrows the type for the checks that follow)."""
    return bool(getattr(user, "is_authenticated", False))


def is_practitioner(user: AnyUser) -> bool:
    """A practitioner's portal account: its home is the practitioner portal."""
    return bool(getattr(user, "is_authenticated", False)) and hasattr(user, "practitioner")


CLINIC_STAFF_GROUP = "Clinic staff"
CLINIC_ADMIN_GROUP = "Clinic admin"


def group_for_staff_role(role: str) -> str:
    return CLINIC_ADMIN_GROUP if role == "clinic_admin" else CLINIC_STAFF_GROUP


def signed_in_user(request: Any) -> User:
    """The request's user, for views that only signed-in users reach."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return cast("User", user)


# Pharmacy staff keep prescriber profiles and work the prescription queue (group made by the
# prescribers app's data migration).
PHARMACY_STAFF_GROUP = "Pharmacy staff"
