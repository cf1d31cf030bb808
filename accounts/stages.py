"""Sign-in stages that replace allauth's where the house differs."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage


class SelfSignupEmailVerificationStage(EmailVerificationStage):
    """Holds back only accounts a person made on the sign-up page and has not confirmed yet.

    Verification is "mandatory" so that sign-up never reveals a registered address (a known
    address gets a mail, a new one a confirmation link, and both see "check your email"). Only
    the sign-up page records an unconfirmed address; accounts made from an invitation (the link
    went to that address) or by staff have none and sign in as before.
    """

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if (
            user is not None
            and not EmailAddress.objects.filter(user_id=user.pk, verified=False).exists()
        ):
            return None, True
        return super().handle()
