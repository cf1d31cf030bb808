"""allauth wired to the house: mail goes through the outbox, links are built from SITE_URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.crypto import secret_box
from accounts.http import client_ip
from accounts.roles import user_home_url
from outbox.services import email_queue

if TYPE_CHECKING:
    from accounts.models import User


def sign_in_refusal(user: User) -> str | None:
    """The first message of settings.SIGN_IN_REFUSAL_HOOKS refusing this user, if any.

    Apps above accounts (access_control: a blocked patient) refuse sign-ins through these hooks,
    so accounts never imports them.
    """
    for dotted_path in settings.SIGN_IN_REFUSAL_HOOKS:
        message: str | None = import_string(dotted_path)(user)
        if message:
            return message
    return None


# What allauth puts in a mail's context that works as a key (the reset token inside the reset
# link, the email-confirmation key and link, sign-in and reset codes): stored only sealed.
MAIL_SECRETS = ("key", "activate_url", "code")


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's mail templates call `current_site`: the product, never the request Host."""

    name: str
    domain: str


def site_identity() -> SiteIdentity:
    return SiteIdentity(name=settings.PRODUCT_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def site_url(url_name: str) -> str:
    return f"{settings.SITE_URL}{reverse(url_name)}"


# Links allauth builds from the request (Host header) for some mails, rebuilt from SITE_URL.
_SITE_LINKS = {"signup_url": "account_signup", "password_reset_url": "account_reset_password"}


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        context = {**context, "current_site": site_identity(), "site_url": settings.SITE_URL}
        for name, url_name in _SITE_LINKS.items():
            # The reset-key mail's password_reset_url is the key link, already from SITE_URL.
            if name in context and not context.get("key"):
                context[name] = site_url(url_name)
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
            secrets=[str(context[name]) for name in MAIL_SECRETS if context.get(name)],
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

    def get_client_ip(self, request: HttpRequest) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys failed sign-ins by the request's Host: each accepted host name would get
        # its own allowance of guesses for the same account.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{site_identity().domain}:{login}"

    def get_login_stages(self) -> list[str]:
        allauth_stage = "allauth.account.stages.EmailVerificationStage"
        own_stage = "accounts.stages.SelfSignupEmailVerificationStage"
        return [own_stage if path == allauth_stage else path for path in super().get_login_stages()]

    def reauthenticate(self, user: Any, password: str) -> bool:
        # allauth looks the address up in its own EmailAddress table, which accounts made by
        # staff or from an invitation have no row in; the sign-in name always finds the account.
        credentials = {"username": user.sign_in_name, "password": password}
        reauthenticated = self.authenticate(allauth_context.request, **credentials)
        return reauthenticated is not None and reauthenticated.pk == user.pk

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


_MFA_KEY_PURPOSE = b"carelink-portal mfa secrets v1"


class MfaAdapter(DefaultMFAAdapter):
    """Authenticator apps and security keys name the product and SITE_URL, not the Host header."""

    def _get_site_name(self) -> str:
        return str(settings.PRODUCT_NAME)

    # The TOTP key and recovery-code seed are stored encrypted, never in the clear.
    def encrypt(self, text: str) -> str:
        return secret_box(purpose=_MFA_KEY_PURPOSE).encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return secret_box(purpose=_MFA_KEY_PURPOSE).decrypt(encrypted_text.encode()).decode()

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        return {
            "id": urlsplit(settings.SITE_URL).hostname or "",
            "name": settings.PRODUCT_NAME,
        }
