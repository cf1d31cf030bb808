"""Appointments of every linked record, booking (member, practitioner, day, slot, confirm) and
cancelling. Booking offers only the record's Available Practitioners and their free slots; the
booking service asks the access policy again and refuses anything else."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access_control.policy import available_practitioners_for, portal_patients_for
from accounts.models import User
from accounts.roles import signed_in_user
from audit.services import audit_record_views
from care.errors import CareError
from care.models import Appointment
from care.selectors import portal_appointment, portal_appointments
from care.services.appointments import appointment_book_in_portal, appointment_cancel_in_portal
from care.slots import booking_days, clinic_time_zone, free_slots
from clinics.models import Patient, Practitioner
from portal.content.common import (
    MemberChoice,
    chosen_member,
    forms_only_redirect,
    member_choice,
    members_of,
)
from portal.events import PortalEvent


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    choice = member_choice(request, portal_patients_for(user=user))
    if (elsewhere := forms_only_redirect(user, choice.members)) is not None:
        return elsewhere
    lists = portal_appointments(patients=choice.shown, now=timezone.now())
    audit_record_views(
        actor=user,
        action=PortalEvent.APPOINTMENTS_VIEWED,
        patients=choice.shown,
        model=Appointment,
        items=[row.appointment for row in lists.upcoming] + lists.past,
    )
    return render(
        request,
        "portal/care/appointments.html",
        {**choice.context(), "upcoming": lists.upcoming, "past": lists.past},
    )


@login_required
@require_POST
def appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = signed_in_user(request)
    appointment = portal_appointment(
        patients=portal_patients_for(user=user), appointment_id=appointment_id
    )
    if appointment is None:
        raise Http404("No such appointment.")
    try:
        appointment_cancel_in_portal(account=user, appointment=appointment)
    except CareError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The appointment was cancelled.")
    return redirect("portal:care:appointments")


def _book_url(**params: Any) -> str:
    return f"{reverse('portal:care:book')}?{urlencode(params)}"


class BookingForm(forms.Form):
    patient = forms.IntegerField()
    practitioner = forms.IntegerField()
    starts_at = forms.DateTimeField()


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        return _book_confirm(request, user)
    members = members_of(portal_patients_for(user=user))
    if (elsewhere := forms_only_redirect(user, members)) is not None:
        return elsewhere
    patient = chosen_member(request, members, "patient")
    if patient is None and len(members) == 1:
        patient = members[0]
    context: dict[str, Any] = {
        "members": [(m, _book_url(patient=m.pk)) for m in members],
        "patient": patient,
        "portal_clinic": MemberChoice(members=members, member=None).clinic,
    }
    if patient is not None:
        context.update(_practitioner_step(request, patient))
    return render(request, "portal/care/book.html", context)


def _practitioner_step(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    practitioners = list(available_practitioners_for(patient=patient))
    wanted = request.GET.get("practitioner", "")
    practitioner = next((p for p in practitioners if str(p.pk) == wanted), None)
    if wanted and practitioner is None:
        raise Http404("This practitioner is not available for booking.")
    context: dict[str, Any] = {
        "clinic_zone": clinic_time_zone(patient.clinic),
        "practitioners": [
            (p, _book_url(patient=patient.pk, practitioner=p.pk)) for p in practitioners
        ],
        "practitioner": practitioner,
    }
    if practitioner is not None:
        context.update(_slot_step(request, patient, practitioner))
    return context


def _slot_step(
    request: HttpRequest, patient: Patient, practitioner: Practitioner
) -> dict[str, Any]:
    now = timezone.now()
    by_day = free_slots(
        practitioner=practitioner,
        clinic=patient.clinic,
        days=booking_days(clinic=patient.clinic, now=now),
        now=now,
    )
    base = {"patient": patient.pk, "practitioner": practitioner.pk}
    day = _parse_day(request.GET.get("day", ""))
    if day is not None and day not in by_day:
        messages.info(request, "There is no free time that day any more; please choose another.")
        day = None
    slot = None
    wanted_slot = request.GET.get("slot", "")
    if day is not None and wanted_slot:
        slot = next((s for s in by_day[day] if s.starts_at.isoformat() == wanted_slot), None)
        if slot is None:
            messages.info(request, "That time is no longer free; please choose another.")
    return {
        "days": [
            (d, len(slots), _book_url(**base, day=d.isoformat())) for d, slots in by_day.items()
        ],
        "day": day,
        "slots": [
            (s, _book_url(**base, day=day.isoformat(), slot=s.starts_at.isoformat()))
            for s in by_day.get(day, [])
        ]
        if day is not None
        else [],
        "slot": slot,
    }


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _book_confirm(request: HttpRequest, user: User) -> HttpResponse:
    form = BookingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose a time from the list.")
        return redirect("portal:care:book")
    data = form.cleaned_data
    patient = (
        portal_patients_for(user=user).filter(pk=data["patient"]).select_related("clinic").first()
    )
    practitioner = Practitioner.objects.filter(pk=data["practitioner"]).first()
    if patient is None or practitioner is None:
        raise Http404("No such record or practitioner.")
    starts_at: datetime = data["starts_at"]
    try:
        appointment = appointment_book_in_portal(
            account=user, patient=patient, practitioner=practitioner, starts_at=starts_at
        )
    except CareError as error:
        messages.error(request, str(error))
        return redirect(_book_url(patient=patient.pk))
    local = appointment.starts_at.astimezone(clinic_time_zone(patient.clinic))
    emailed = " A confirmation email is on its way." if (user.email or patient.email) else ""
    messages.success(
        request,
        f"Booked: {patient.display_name} with {practitioner.display_name} on "
        f"{local:%A, %B} {local.day} at {local.strftime('%I:%M %p').lstrip('0')} "
        f"{local.tzname()}.{emailed}",
    )
    return redirect("portal:care:appointments")
