"""The patient portal. Every view asks access_control.policy, on every request."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from access_control.models import GrantScope
from access_control.policy import portal_grants_for
from accounts.roles import signed_in_user
from clinics.selectors import patients_single_clinic


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The records this account can reach, a card each; forms-only records listed apart."""
    grants = list(
        portal_grants_for(user=signed_in_user(request))
        .select_related("patient__clinic")
        .order_by("patient__last_name", "patient__first_name", "patient_id")
    )
    return render(
        request,
        "portal/home.html",
        {
            "record_grants": [g for g in grants if g.scope == GrantScope.FULL],
            "forms_grants": [g for g in grants if g.scope == GrantScope.FORMS_ONLY],
            "portal_clinic": patients_single_clinic(patients=[g.patient for g in grants]),
        },
    )


@login_required
def record(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One record's profile: who the clinic has on file."""
    grant = (
        portal_grants_for(user=signed_in_user(request))
        .filter(patient_id=patient_id, scope=GrantScope.FULL)
        .select_related("patient__clinic")
        .first()
    )
    if grant is None:
        raise Http404("No such record.")
    return render(
        request,
        "portal/record.html",
        {"grant": grant, "patient": grant.patient, "portal_clinic": grant.patient.clinic},
    )
