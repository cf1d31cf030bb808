"""Account events are audited however they happen: a superuser setting a password or granting
rights in the user admin, a shell, a sign-in, a failed sign-in. No password ever reaches the log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.events import AccountEvent
from accounts.models import User
from audit.models import AuditEvent
from audit.receivers import login_fingerprint
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-New-Secret-77"


def _events(action: str, user: User) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type="accounts.User", object_id=str(user.pk)
        ).order_by("id")
    )


def _no_secret_in_log(*secrets: str) -> None:
    logged = json.dumps([event.details for event in AuditEvent.objects.all()])
    for secret in secrets:
        assert secret not in logged


def test_a_superuser_setting_a_password_in_the_user_admin_is_audited(
    client: Client, superuser: User
) -> None:
    account = UserFactory(email="ann@example.com")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[account.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 302
    [event] = _events(AccountEvent.PASSWORD_SET, account)
    assert event.actor == superuser
    assert event.details == {"by": "another user"}
    assert event.ip_address == "198.51.100.20"
    _no_secret_in_log(NEW_PASSWORD)


def test_granting_staff_superuser_and_groups_in_the_user_admin_is_audited(
    client: Client, superuser: User
) -> None:
    account = UserFactory(email="ann@example.com")
    group = Group.objects.get(name="Clinic admin")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_change", args=[account.pk]),
        {
            "email": account.email,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [str(group.pk)],
            "date_joined_0": "2024-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    [rights] = _events(AccountEvent.RIGHTS_CHANGED, account)
    assert rights.actor == superuser
    assert rights.details == {"is_staff": [False, True], "is_superuser": [False, True]}
    [groups] = _events(AccountEvent.GROUPS_CHANGED, account)
    assert groups.details == {"added": ["Clinic admin"]}
    assert groups.actor == superuser


def test_revoking_rights_outside_a_request_is_audited_without_an_actor(superuser: User) -> None:
    superuser.is_superuser = False
    superuser.is_active = False
    superuser.save()
    created, event = _events(AccountEvent.RIGHTS_CHANGED, superuser)
    assert created.details == {"is_staff": [False, True], "is_superuser": [False, True]}
    assert event.actor is None
    assert event.details == {"is_superuser": [True, False], "is_active": [True, False]}


def test_creating_a_superuser_is_audited_as_a_grant() -> None:
    created = User.objects.create_superuser(email="new.root@example.com", password=NEW_PASSWORD)
    [event] = _events(AccountEvent.RIGHTS_CHANGED, created)
    assert event.details == {"is_staff": [False, True], "is_superuser": [False, True]}
    _no_secret_in_log(NEW_PASSWORD)


def test_a_save_that_changes_no_rights_records_nothing() -> None:
    account = UserFactory(email="ann@example.com")
    account.first_name = "Annie"
    account.save()
    assert not AuditEvent.objects.filter(object_id=str(account.pk)).exists()


def test_group_and_permission_changes_from_either_side_are_audited() -> None:
    account = UserFactory(email="ann@example.com")
    group = Group.objects.get(name="Clinic staff")
    account.groups.add(group)
    group.user_set.remove(account)
    account.groups.add(group)
    account.groups.clear()
    permission = Permission.objects.get(codename="change_patient")
    account.user_permissions.add(permission)
    details = [event.details for event in _events(AccountEvent.GROUPS_CHANGED, account)]
    assert details == [
        {"added": ["Clinic staff"]},
        {"removed": ["Clinic staff"]},
        {"added": ["Clinic staff"]},
        {"removed": ["Clinic staff"]},
    ]
    [granted] = _events(AccountEvent.PERMISSIONS_CHANGED, account)
    assert granted.details == {"added": [str(permission)]}


def test_a_sign_in_is_audited_with_the_address(client: Client) -> None:
    account = UserFactory(email="ann@example.com")
    response = client.post(
        reverse("account_login"),
        {"login": "ann@example.com", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.30",
    )
    assert response.status_code == 302
    [event] = _events(AccountEvent.SIGNED_IN, account)
    assert event.actor == account
    assert event.ip_address == "203.0.113.30"


def test_a_failed_sign_in_names_the_account_but_never_the_password(client: Client) -> None:
    account = UserFactory(email="ann@example.com")
    response = client.post(
        reverse("account_login"),
        {"login": "Ann@Example.com", "password": "wrong-guess-123"},
        REMOTE_ADDR="203.0.113.31",
    )
    assert response.status_code == 200
    [event] = _events(AccountEvent.SIGN_IN_FAILED, account)
    assert event.actor is None
    assert event.details == {"account_known": True}
    assert event.ip_address == "203.0.113.31"
    _no_secret_in_log("wrong-guess-123")
    assert not _events(AccountEvent.SIGNED_IN, account)


def test_a_failed_sign_in_for_no_account_keeps_only_a_keyed_hash_of_the_name(
    client: Client,
) -> None:
    client.post(
        reverse("account_login"),
        {"login": "Correct-Horse-in-the-wrong-box", "password": "whatever-123"},
        REMOTE_ADDR="203.0.113.32",
    )
    event = AuditEvent.objects.get(action=AccountEvent.SIGN_IN_FAILED)
    assert event.object_id == ""
    assert event.details == {
        "account_known": False,
        "login_fingerprint": login_fingerprint("correct-horse-in-the-wrong-box"),
    }
    _no_secret_in_log("Correct-Horse", "correct-horse", "whatever-123")


def test_the_owner_changing_their_password_is_audited_as_by_the_owner(client: Client) -> None:
    account = UserFactory(email="ann@example.com")
    client.force_login(account)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [event] = _events(AccountEvent.PASSWORD_SET, account)
    assert event.details == {"by": "owner"}
    _no_secret_in_log(NEW_PASSWORD, PASSWORD)


def test_a_rehash_on_sign_in_is_not_a_password_change(client: Client, settings: Any) -> None:
    account = UserFactory(email="ann@example.com")  # hashed with MD5 by the test settings
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    response = client.post(reverse("account_login"), {"login": account.email, "password": PASSWORD})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.password.startswith("scrypt$")  # it was re-hashed
    assert not _events(AccountEvent.PASSWORD_SET, account)


def test_removing_a_password_is_audited(superuser: User) -> None:
    account = UserFactory(email="ann@example.com")
    account.set_unusable_password()
    account.save()
    [event] = _events(AccountEvent.PASSWORD_REMOVED, account)
    assert event.details == {"by": "system"}
