"""Password sign-in that costs the same whether the account exists or not."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User, normalize_email_address


def sign_in_candidate(*, login: str) -> User | None:
    """The one account a sign-in name points at: by email first, then by username."""
    name = normalize_email_address(login)
    if not name:
        return None
    matches = list(User.objects.filter(Q(email=name) | Q(username=name))[:2])
    for user in matches:
        if user.email == name:
            return user
    return matches[0] if matches else None


class SignInBackend(AuthenticationBackend):
    """Checks a password with exactly one hash on every path.

    allauth passes the sign-in name as both `email` and `username`, and Django's ModelBackend
    tries it too: a known account cost three hashes and an unknown one two, so the answer time
    told whether an address is registered. Here an unknown name hashes the password once for
    nothing, a known one checks it once, and a refusal stops the other backends from hashing
    again (PermissionDenied ends Django's authenticate()).
    """

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        password = credentials.get("password")
        login = credentials.get("email") or credentials.get("username")
        if not password or not login:
            return None
        user = sign_in_candidate(login=str(login))
        if user is None:
            self._mitigate_timing_attack(password)
            raise PermissionDenied
        # allauth's check also keeps an inactive account with the right password aside, so the
        # sign-in page can say the account is inactive instead of "wrong password".
        authenticated = self._check_password(user, password)
        if authenticated is None:
            raise PermissionDenied
        return user
