"""Account events recorded whichever way they happen: the staff admin's user pages, a service,
allauth, or a shell. Connected in AuditConfig.ready().

- a password set or removed (not the silent re-hash on sign-in: the password is the same);
- staff, superuser and active flags granted or revoked, at creation or later;
- groups and direct permissions added or removed;
- sign-ins, and failed sign-ins (the account when one matches, else a keyed hash of what was
  typed, so repeated guesses can be grouped without keeping what may be a mistyped password).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_init, post_save

from accounts.events import AccountEvent
from audit.context import current_actor
from audit.services import audit_record

if TYPE_CHECKING:
    from accounts.models import User

RIGHTS_FIELDS = ("is_staff", "is_superuser", "is_active")
_SNAPSHOT = "_audit_snapshot"
_LOGIN_KEYS = ("email", "username", "login")


def _request_actor() -> User | None:
    actor = current_actor.get()
    return actor if getattr(actor, "is_authenticated", False) else None


def _snapshot(instance: Any) -> dict[str, Any]:
    # From __dict__ only: a deferred field must not cost a query for every user loaded.
    fields = ("password", *RIGHTS_FIELDS)
    return {field: instance.__dict__[field] for field in fields if field in instance.__dict__}


def _remember(sender: Any, instance: Any, **kwargs: Any) -> None:
    setattr(instance, _SNAPSHOT, _snapshot(instance))


def _password_event(instance: User, actor: User | None) -> None:
    by = "system" if actor is None else "owner" if actor.pk == instance.pk else "another user"
    audit_record(
        actor=actor,
        action=AccountEvent.PASSWORD_SET
        if instance.has_usable_password()
        else AccountEvent.PASSWORD_REMOVED,
        target=instance,
        details={"by": by},
    )


def _record_account_changes(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before: dict[str, Any] = {} if created else getattr(instance, _SNAPSHOT, {})
    after = _snapshot(instance)
    setattr(instance, _SNAPSHOT, after)
    actor = _request_actor()
    rights = {
        field: [before.get(field, False), after[field]]
        for field in RIGHTS_FIELDS
        if field in after
        and (field in before or created)
        and before.get(field, False) != after[field]
        and not (created and field == "is_active")
    }
    if rights:
        audit_record(
            actor=actor, action=AccountEvent.RIGHTS_CHANGED, target=instance, details=rights
        )
    # A new password is set with set_password(), which keeps the raw value until the save; a
    # re-hash on sign-in (same password, stronger hasher) clears it first, and is not an event.
    password_changed = "password" in after and before.get("password") != after["password"]
    typed = getattr(instance, "_password", None) is not None
    if password_changed and (typed or not instance.has_usable_password()):
        if created and actor is None:
            return  # a sign-up or a seeded account: its creation is the event, not its password
        _password_event(instance, actor)


def _record_membership_changes(
    *, action: str, instance: Any, reverse: bool, model: Any, pk_set: set[int] | None, kind: str
) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    user_model = get_user_model()
    if action == "pre_clear":
        # clear() names nothing afterwards: what it is about to remove is read first.
        related = (
            instance.user_set
            if reverse
            else getattr(instance, "groups" if kind == "groups" else "user_permissions")
        )
        pk_set = set(related.values_list("pk", flat=True))
    if not pk_set:
        return
    verb = "added" if action == "post_add" else "removed"
    if reverse:
        users = list(user_model.objects.filter(pk__in=pk_set))
        names = [str(instance)]
    else:
        users = [instance]
        names = sorted(str(item) for item in model.objects.filter(pk__in=pk_set))
    for user in users:
        audit_record(
            actor=_request_actor(),
            action=AccountEvent.GROUPS_CHANGED
            if kind == "groups"
            else AccountEvent.PERMISSIONS_CHANGED,
            target=user,
            details={verb: names},
        )


def _groups_changed(sender: Any, **kwargs: Any) -> None:
    _record_membership_changes(kind="groups", **_membership_kwargs(kwargs))


def _permissions_changed(sender: Any, **kwargs: Any) -> None:
    _record_membership_changes(kind="permissions", **_membership_kwargs(kwargs))


def _membership_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: kwargs[key] for key in ("action", "instance", "reverse", "model", "pk_set")}


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AccountEvent.SIGNED_IN, target=user)


def login_fingerprint(login: str) -> str:
    """A keyed hash of a typed sign-in name: the same name gives the same value, and the name
    itself (perhaps a password typed into the wrong box) cannot be read back."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, login.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    login = next((str(credentials[key]) for key in _LOGIN_KEYS if credentials.get(key)), "")
    account = (
        get_user_model().objects.filter(Q(email__iexact=login) | Q(username__iexact=login)).first()
        if login
        else None
    )
    audit_record(
        actor=None,
        action=AccountEvent.SIGN_IN_FAILED,
        target=account,
        details={"account_known": account is not None}
        if account is not None
        else {"account_known": False, "login_fingerprint": login_fingerprint(login)},
    )


def connect() -> None:
    user_model = get_user_model()
    post_init.connect(_remember, sender=user_model, dispatch_uid="audit-user-snapshot")
    post_save.connect(_record_account_changes, sender=user_model, dispatch_uid="audit-user-save")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="audit-user-groups"
    )
    m2m_changed.connect(
        _permissions_changed,
        sender=user_model.user_permissions.through,
        dispatch_uid="audit-user-permissions",
    )
    user_logged_in.connect(_signed_in, dispatch_uid="audit-signed-in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit-sign-in-failed")
