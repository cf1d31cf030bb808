"""allauth's forms with the product's words, so the one field template can draw them."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """One sign-in form for patients (email) and staff-made accounts (username)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Email or username"
        login.widget.attrs["placeholder"] = login.label
