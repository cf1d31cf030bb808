"""Create an Account Manually: a username and a temporary password chosen by staff."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from access_control.events import AccessControlEvent
from access_control.models import (
    GrantScope,
    GrantSource,
    PortalGrant,
    Relationship,
)
from access_control.selectors import (
    patient_is_blocked,
    sign_in_name_taken,
)
from access_control.services.base import PortalAccessError, patient_lock
from access_control.services.grants import grant_create
from accounts.models import User
from audit.services import audit_record
from clinics.models import Patient

_USERNAME_PATTERN = re.compile(r"^[\w.@+-]+$")


def _username_clean(username: str) -> tuple[str, str | None]:
    """Returns the username and, when it is an email address, that address."""
    username = username.strip().lower()
    if not username:
        raise ValidationError({"username": "Enter a username."})
    if len(username) > 150 or not _USERNAME_PATTERN.match(username):
        raise ValidationError(
            {"username": "Use up to 150 letters, digits and the characters @ . + - _ only."}
        )
    if "@" not in username:
        return username, None
    try:
        validate_email(username)
    except ValidationError as error:
        raise ValidationError(
            {"username": "This looks like an email address but is not a valid one."}
        ) from error
    return username, username


@transaction.atomic
def account_create_manually(
    *,
    patient: Patient,
    username: str,
    password: str,
    scope: GrantScope,
    actor: User,
) -> PortalGrant:
    """Staff create a portal account for the patient with a temporary password.

    An email-address username is also the account's email, so "forgot password" works for it.
    With full access the patient must choose a new password at first sign-in; an intake-forms
    -only account is the front-desk tablet (a kiosk, see access_control.policy), which may not
    change its password, so it keeps the one staff chose.
    """
    patient_lock(patient)
    if patient_is_blocked(patient=patient):
        raise PortalAccessError(
            "Portal access is blocked for this patient. Unblock it before creating an account."
        )
    username, email = _username_clean(username)
    if sign_in_name_taken(name=username):
        raise ValidationError(
            {"username": "This username is already taken. Please choose another."}
        )
    account = User(
        email=email,
        username=username,
        first_name=patient.first_name,
        last_name=patient.last_name,
        must_change_password=scope == GrantScope.FULL,
    )
    try:
        validate_password(password, user=account)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    account.set_password(password)
    account.save()
    grant = grant_create(
        account=account,
        patient=patient,
        relationship=Relationship.SELF,
        source=GrantSource.STAFF,
        actor=actor,
        scope=scope,
    )
    audit_record(
        actor=actor,
        action=AccessControlEvent.ACCOUNT_CREATED_MANUALLY,
        patient=patient,
        target=grant,
        details={"account": account.pk, "username": username, "scope": str(scope)},
    )
    return grant
