"""Shared pieces of the care admins: services do the saving, errors become messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, Form, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from care.errors import CareError
from clinics.models import Clinic
from clinics.selectors import clinics_for_staff


class ServiceErrorsAdminMixin:
    """A refusal raised by a service while saving (e.g. someone booked that time a moment ago)
    becomes a message on the same page instead of a server error; nothing is saved."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
        except (CareError, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())


class RowsSavedByServiceAdminMixin:
    """For an admin whose inline rows are saved, with the parent, by one service call in
    `save_related` (so the service sees the whole change and writes one audit event)."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        """Saved with its rows in save_related."""

    def construct_change_message(
        self,
        request: HttpRequest,
        form: Form,
        formsets: Iterable[BaseFormSet[Any]],
        add: bool = False,
    ) -> list[dict[str, dict[str, list[str]]]]:
        return construct_change_message(form, [], add)


def inline_rows(formset: BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The rows of an inline formset to keep, ordered by their "position" (then as typed), each
    with "pk": the existing row's id, or None for a new row."""
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append((data.get("position") or 0, index, {**data, "pk": form.instance.pk}))
    return [row for _, _, row in sorted(rows, key=lambda item: (item[0], item[1]))]


def staff_time_zone(request: HttpRequest, clinic: Clinic | None = None) -> tzinfo:
    """The clinic's time zone, or the one all the staff member's clinics share (else UTC)."""
    if clinic is not None:
        return ZoneInfo(clinic.time_zone)
    zones = set(clinics_for_staff(user=request.user).values_list("time_zone", flat=True))
    return ZoneInfo(zones.pop()) if len(zones) == 1 else UTC
