"""The practitioner portal (/practitioner/): clinics, new prescriptions, history, API tokens.

Every page asks prescribers.policy afresh who the practitioner is and what they may see.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.roles import signed_in_user
from clinics.models import Practitioner
from clinics.services import (
    practitioner_clinic_archive,
    practitioner_clinic_create,
    practitioner_clinic_update,
)
from prescribers.errors import PrescriberError
from prescribers.forms import ApiTokenForm, ClinicForm, PrescriptionForm, error_to_form
from prescribers.models import PrescriptionSource
from prescribers.policy import (
    api_tokens_for,
    eprescriptions_for,
    practitioner_clinic_for,
    practitioner_clinics_for,
    practitioner_for,
    prescription_patients_for,
)
from prescribers.selectors import prescription_history
from prescribers.services.api_tokens import api_token_create, api_token_revoke
from prescribers.services.eprescriptions import eprescription_submit

P = ParamSpec("P")
HISTORY_PAGE_SIZE = 50


def practitioner_view(
    view: Callable[Concatenate[HttpRequest, Practitioner, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Signed-in practitioners only; anyone else is sent to sign in or told this is not for them."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        practitioner = practitioner_for(user=request.user)
        if practitioner is None:
            return render(request, "practitioner/not_practitioner.html", status=403)
        return view(request, practitioner, *args, **kwargs)

    return wrapper


@practitioner_view
def home(request: HttpRequest, practitioner: Practitioner) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "practitioner": practitioner,
        "clinics": practitioner_clinics_for(user=user),
        "patient_count": prescription_patients_for(user=user).count(),
        "recent": eprescriptions_for(user=user)
        .select_related("patient", "practitioner_clinic__clinic")
        .order_by("-created_at", "-id")[:5],
    }
    return render(request, "practitioner/home.html", context)


@practitioner_view
def clinic_list(request: HttpRequest, practitioner: Practitioner) -> HttpResponse:
    combinations = practitioner_clinics_for(user=signed_in_user(request), include_archived=True)
    return render(
        request,
        "practitioner/clinics.html",
        {
            "active": [c for c in combinations if c.archived_at is None],
            "archived": [c for c in combinations if c.archived_at is not None],
        },
    )


@practitioner_view
def clinic_create(request: HttpRequest, practitioner: Practitioner) -> HttpResponse:
    form = ClinicForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        combination = practitioner_clinic_create(
            practitioner=practitioner, details=form.cleaned_data, actor=signed_in_user(request)
        )
        messages.success(request, f"{combination.clinic.name} is now one of your clinics.")
        return HttpResponseRedirect(reverse("practitioner:clinics"))
    return render(request, "practitioner/clinic_form.html", {"form": form, "creating": True})


@practitioner_view
def clinic_edit(request: HttpRequest, practitioner: Practitioner, clinic_id: int) -> HttpResponse:
    user = signed_in_user(request)
    combination = practitioner_clinic_for(user=user, clinic_id=clinic_id, include_archived=True)
    if combination is None:
        raise Http404("No such clinic among yours.")
    form = (
        ClinicForm(request.POST) if request.method == "POST" else ClinicForm.for_clinic(combination)
    )
    if request.method == "POST" and form.is_valid():
        try:
            practitioner_clinic_update(
                practitioner_clinic=combination, details=form.cleaned_data, actor=user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The clinic's details are saved.")
            return HttpResponseRedirect(reverse("practitioner:clinics"))
    return render(
        request,
        "practitioner/clinic_form.html",
        {"form": form, "creating": False, "combination": combination},
    )


@require_POST
@practitioner_view
def clinic_archive(
    request: HttpRequest, practitioner: Practitioner, clinic_id: int
) -> HttpResponse:
    user = signed_in_user(request)
    combination = practitioner_clinic_for(user=user, clinic_id=clinic_id, include_archived=True)
    if combination is None:
        raise Http404("No such clinic among yours.")
    archive = request.POST.get("archived") == "yes"
    practitioner_clinic_archive(practitioner_clinic=combination, archived=archive, actor=user)
    messages.success(
        request,
        f"{combination.clinic.name} is archived: you can no longer prescribe from it."
        if archive
        else f"{combination.clinic.name} is active again.",
    )
    return HttpResponseRedirect(reverse("practitioner:clinics"))


@practitioner_view
def prescription_new(request: HttpRequest, practitioner: Practitioner) -> HttpResponse:
    user = signed_in_user(request)
    initial = {"patient": request.GET.get("patient")} if request.GET.get("patient") else {}
    form = PrescriptionForm(
        request.POST if request.method == "POST" else None, user=user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission = eprescription_submit(
                user=user,
                practitioner_clinic=form.cleaned_data["clinic"],
                patient=form.patient_input(),
                medication=form.medication(),
                notes=form.cleaned_data["notes"],
                source=PrescriptionSource.PORTAL,
            )
        except PrescriberError as error:
            error_to_form(form, error)
        else:
            prescription = submission.prescription
            messages.success(
                request,
                f"Sent to the pharmacy: {prescription.medication_name} {prescription.strength} "
                f"for {prescription.patient.full_name}.",
            )
            history_url = reverse("practitioner:history")
            return HttpResponseRedirect(f"{history_url}#patient-{prescription.patient_id}")
    has_clinics = form.fields["clinic"].queryset.exists()  # type: ignore[attr-defined]
    return render(
        request, "practitioner/prescription_form.html", {"form": form, "has_clinics": has_clinics}
    )


@practitioner_view
def history(request: HttpRequest, practitioner: Practitioner) -> HttpResponse:
    user = signed_in_user(request)
    patients = prescription_history(
        patients=prescription_patients_for(user=user), prescriptions=eprescriptions_for(user=user)
    ).order_by("last_name", "first_name", "pk")
    page = Paginator(patients, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "practitioner/history.html", {"page": page})


# The page shows a new token once: no cache (browser or proxy) may keep it.
@never_cache
@practitioner_view
def api_tokens(request: HttpRequest, practitioner: Practitioner) -> HttpResponse:
    user = signed_in_user(request)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = api_token_create(user=user, name=form.cleaned_data["name"])
        except PrescriberError as error:
            error_to_form(form, error)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": api_tokens_for(user=user),
        "clinics": practitioner_clinics_for(user=user),
        "api_url": settings.SITE_URL + reverse("api-eprescriptions"),
        "ttl_days": settings.API_TOKEN_TTL.days,
    }
    return render(request, "practitioner/api_tokens.html", context)


@require_POST
@practitioner_view
def api_token_revoke_view(
    request: HttpRequest, practitioner: Practitioner, token_id: int
) -> HttpResponse:
    user = signed_in_user(request)
    token = api_tokens_for(user=user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token among yours.")
    api_token_revoke(token=token, actor=user)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return HttpResponseRedirect(reverse("practitioner:api_tokens"))
