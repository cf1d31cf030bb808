"""allauth wired to the house: mail goes through the outbox, links are built from SITE_URL."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.roles import user_home_url
from outbox.services import email_queue


def sign_in_refusal(user: Any) -> str | None:
    """The first message of settings.SIGN_IN_REFUSAL_HOOKS refusing this user, if any.

    Apps above accounts (access_control: a blocked patient) refuse sign-ins through these hooks,
    so accounts never imports them.
    """
    for dotted_path in settings.SIGN_IN_REFUSAL_HOOKS:
        message: str | None = import_string(dotted_path)(user)
        if message:
            return message
    return None


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        html_body = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = str(content)
        email_queue(
            to=email,
            subject=message.subject,
            body_text=str(message.body),
            body_html=html_body,
            purpose=f"account:{template_prefix.rsplit('/', 1)[-1]}",
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        uid, _, token = key.partition("-")
        path = path.replace("UID", uid).replace("KEY", token)
        return f"{settings.SITE_URL}{path}"

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        path = reverse("account_confirm_email", args=[emailconfirmation.key])
        return f"{settings.SITE_URL}{path}"

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return user_home_url(request.user)

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        refusal = sign_in_refusal(user)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(reverse("account_login"))
        return super().pre_login(request, user, **kwargs)

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return user_home_url(request.user)

    def populate_username(self, request: HttpRequest, user: Any) -> None:
        # Self-registered accounts sign in by email; a username is only given by staff.
        return None
