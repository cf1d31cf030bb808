"""Role helpers: what kind of person a user is, and where they land after sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.urls import reverse

if TYPE_CHECKING:
    from accounts.models import User


def user_home_url(user: Any) -> str:
    if getattr(user, "is_staff", False):
        return reverse("admin:index")
    return reverse("home")


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
