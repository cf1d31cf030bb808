"""prescribers.policy is the one place for the practitioner portal's and the API's rules."""

from __future__ import annotations

import ast
import inspect

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import User
from clinics.models import PractitionerClinic
from prescribers import selectors
from prescribers.policy import (
    CLINIC_ARCHIVED,
    NOT_A_PRACTITIONER,
    NOT_YOUR_CLINIC,
    api_token_holder_refusal,
    practitioner_clinic_refusal,
    practitioner_for,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_no_selector_decides_who_sees_what() -> None:
    """Selectors take what the policy allowed; none takes the account to decide for it."""
    tree = ast.parse(inspect.getsource(selectors))
    deciding = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(arg.arg == "user" for arg in node.args.kwonlyargs + node.args.args)
    ]
    assert deciding == []


def test_a_practitioner_prescribes_from_their_own_active_clinic(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    assert practitioner_clinic_refusal(user=joe, practitioner_clinic=joe_at_happy) is None


def test_another_practitioner_may_not_prescribe_from_joes_clinic(
    other_practitioner: User, joe_at_happy: PractitionerClinic
) -> None:
    refusal = practitioner_clinic_refusal(user=other_practitioner, practitioner_clinic=joe_at_happy)
    assert refusal == NOT_YOUR_CLINIC


def test_a_deactivated_or_anonymous_account_may_not_prescribe(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    joe.is_active = False
    for user in (joe, AnonymousUser()):
        refusal = practitioner_clinic_refusal(user=user, practitioner_clinic=joe_at_happy)
        assert refusal == NOT_YOUR_CLINIC


def test_an_archived_clinic_is_refused_with_what_to_do(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    joe_at_happy.archived_at = timezone.now()
    assert practitioner_clinic_refusal(user=joe, practitioner_clinic=joe_at_happy) == (
        CLINIC_ARCHIVED
    )


def test_only_a_practitioner_holds_api_tokens(joe: User) -> None:
    outsider = UserFactory.create()
    assert api_token_holder_refusal(user=joe) is None
    assert practitioner_for(user=outsider) is None
    assert api_token_holder_refusal(user=outsider) == NOT_A_PRACTITIONER
