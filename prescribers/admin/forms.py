"""Forms of the pharmacy side of the staff admin."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from accounts.models import User
from clinics.models import Practitioner, PractitionerClinic
from prescribers.errors import LinkConflict, PrescriberError
from prescribers.forms import error_to_form
from prescribers.models import PrescriberProfile
from prescribers.selectors import (
    portal_account_clinics,
    prescriber_likely_duplicates,
    prescriber_link_plan,
    prescriber_merge_candidates,
)
from prescribers.services.profiles import LinkRequest

_MODEL_FIELDS = frozenset(field.name for field in PrescriberProfile._meta.concrete_fields)


def account_label(practitioner: Practitioner) -> str:
    parts = [practitioner.display_name, practitioner.user.email if practitioner.user else ""]
    if practitioner.npi:
        parts.append(f"NPI {practitioner.npi}")
    return " · ".join(part for part in parts if part)


def clinic_label(combination: PractitionerClinic) -> str:
    clinic = combination.clinic
    label = f"{clinic.name} — {clinic.address_one_line}" if clinic.address_one_line else clinic.name
    return f"{label} (archived by the practitioner)" if combination.archived_at else label


class PrescriberProfileForm(forms.ModelForm):
    """The profile's details plus its portal account link (account, then one of its clinics)."""

    portal_account = forms.ModelChoiceField(
        queryset=User.objects.filter(practitioner__isnull=False, is_active=True),
        required=False,
        label="Portal account",
        help_text="Only ever the portal account made for this prescriber.",
    )
    link_clinic = forms.ModelChoiceField(
        queryset=PractitionerClinic.objects.filter(practitioner__user__isnull=False),
        required=False,
        label="Clinic",
        help_text="Only the selected account's clinics: choose the one at this profile's location.",
    )
    move_link = forms.BooleanField(required=False, label="Move the link to this profile")
    confirm_npi_mismatch = forms.BooleanField(
        required=False, label="Link despite the different NPI"
    )
    link_reason = forms.CharField(
        required=False, max_length=500, label="Reason (optional, kept in the audit log)"
    )

    class Meta:
        model = PrescriberProfile
        fields = (
            "first_name",
            "last_name",
            "credential_suffix",
            "npi",
            "dea_number",
            "description",
            "clinic_name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "clinic_phone",
            "clinic_fax",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflicting_profile: PrescriberProfile | None = None
        current = self.instance.practitioner_clinic if self.instance.pk else None
        if current is not None:
            self.initial.setdefault("portal_account", current.practitioner.user_id)
            self.initial.setdefault("link_clinic", current.pk)
        account = self._account_shown()
        # Only the chosen account is rendered; the page's search offers the others.
        self.fields["portal_account"].widget.choices = [
            ("", "— search for the account above —")
        ] + ([(account.pk, account_label(account.practitioner))] if account is not None else [])
        self.fields["link_clinic"].widget.choices = [("", "— choose the clinic —")] + [
            (combination.pk, clinic_label(combination))
            for combination in portal_account_clinics(account=account)
        ]

    def _account_shown(self) -> User | None:
        value = (
            self.data.get(self.add_prefix("portal_account"))
            if self.is_bound
            else self.initial.get("portal_account")
        )
        if not str(value or "").isdigit():
            return None
        return (
            User.objects.filter(pk=int(str(value)), practitioner__isnull=False)
            .select_related("practitioner")
            .first()
        )

    def clean_dea_number(self) -> str:
        return str(self.cleaned_data.get("dea_number", "")).strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        account = cleaned.get("portal_account")
        combination = cleaned.get("link_clinic")
        if account is None and combination is not None:
            self.add_error("portal_account", "Select the portal account first.")
        elif account is not None and combination is None:
            self.add_error("link_clinic", "Select one of the account's clinics.")
        elif (
            account is not None
            and combination is not None
            and combination.pk != self.instance.practitioner_clinic_id
        ):
            self._check_link(account=account, combination=combination, cleaned=cleaned)
        return cleaned

    def _check_link(
        self, *, account: User, combination: PractitionerClinic, cleaned: dict[str, Any]
    ) -> None:
        if "npi" in cleaned:
            self.instance.npi = cleaned["npi"]
        try:
            prescriber_link_plan(
                profile=self.instance,
                account=account,
                practitioner_clinic=combination,
                move_link=bool(cleaned.get("move_link")),
                npi_mismatch_confirmed=bool(cleaned.get("confirm_npi_mismatch")),
            )
        except LinkConflict as conflict:
            self.conflicting_profile = conflict.other
            error_to_form(self, conflict)
        except PrescriberError as error:
            error_to_form(self, error)

    def changed_profile_fields(self) -> list[str]:
        return [name for name in self.changed_data if name in _MODEL_FIELDS]

    def link_request(self) -> LinkRequest | None:
        """The link change asked for: a new account and clinic, a cleared one, or none."""
        account = self.cleaned_data.get("portal_account")
        combination = self.cleaned_data.get("link_clinic")
        current = self.instance.practitioner_clinic_id
        if combination is not None and combination.pk != current:
            return LinkRequest(
                account=account,
                practitioner_clinic=combination,
                move_link=bool(self.cleaned_data.get("move_link")),
                npi_mismatch_confirmed=bool(self.cleaned_data.get("confirm_npi_mismatch")),
            )
        if combination is None and account is None and current is not None:
            return LinkRequest(account=None, practitioner_clinic=None)
        return None


class ProfileActionForm(forms.Form):
    """The form of one action page of a profile (disconnect, archive, merge, invite...)."""

    def __init__(self, *args: Any, profile: PrescriberProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile


class ReasonForm(ProfileActionForm):
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason (optional)",
        help_text="Kept in the audit log with your name.",
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )


class ReconnectForm(ReasonForm):
    move_link = forms.BooleanField(
        required=False,
        label="Move the link to this profile",
        help_text="Only if the combination has since been linked to another profile.",
    )
    confirm_npi_mismatch = forms.BooleanField(
        required=False, label="Link despite the different NPI"
    )


class MergeForm(ReasonForm):
    keep = forms.ModelChoiceField(
        queryset=PrescriberProfile.objects.none(),
        label="Profile to keep",
        help_text="This profile's prescriptions and patients move there.",
    )

    def __init__(self, *args: Any, profile: PrescriberProfile, **kwargs: Any) -> None:
        super().__init__(*args, profile=profile, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["keep"])
        field.queryset = prescriber_merge_candidates(profile=profile)
        duplicates = prescriber_likely_duplicates(profile=profile)
        duplicate_ids = {duplicate.pk for duplicate in duplicates}
        others = [p for p in field.queryset if p.pk not in duplicate_ids]
        field.choices = [
            ("", "— choose the profile to keep —"),
            ("Likely duplicates", [(p.pk, f"{p} (#{p.pk})") for p in duplicates]),
            ("Other active profiles", [(p.pk, f"{p} (#{p.pk})") for p in others]),
        ]


class InviteForm(ProfileActionForm):
    email = forms.EmailField(
        label="Practitioner's email", widget=forms.EmailInput(attrs={"class": "vTextField"})
    )

    def __init__(self, *args: Any, profile: PrescriberProfile, **kwargs: Any) -> None:
        super().__init__(*args, profile=profile, **kwargs)
        days = settings.PRESCRIBER_INVITATION_TTL.days
        self.fields["email"].help_text = (
            f"The link in the email is good for {days} days and works once. Accepting it makes "
            "the practitioner's portal account, with this profile's clinic in it, already linked "
            "to this profile."
        )
