"""Reads for clinic records, including what a member of staff may see in the staff admin."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from clinics.models import Clinic, Patient, Practitioner, StaffRole

if TYPE_CHECKING:
    from accounts.roles import AnyUser

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%m-%d-%Y")


def clinics_for_staff(*, user: AnyUser) -> QuerySet[Clinic]:
    if user.is_superuser:
        return Clinic.objects.all()
    if not user.is_authenticated or not user.is_staff:
        return Clinic.objects.none()
    return Clinic.objects.filter(memberships__user=user)


def patients_single_clinic(*, patients: Iterable[Patient]) -> Clinic | None:
    """The clinic of these records when they all belong to the same one, else None (none, or
    several clinics)."""
    by_id = {patient.clinic_id: patient for patient in patients}
    return next(iter(by_id.values())).clinic if len(by_id) == 1 else None


def patients_for_staff(*, user: AnyUser) -> QuerySet[Patient]:
    if user.is_superuser:
        return Patient.objects.all()
    return Patient.objects.filter(clinic__in=clinics_for_staff(user=user))


def practitioners_for_staff(*, user: AnyUser) -> QuerySet[Practitioner]:
    if user.is_superuser:
        return Practitioner.objects.all()
    return Practitioner.objects.filter(
        pk__in=Practitioner.objects.filter(
            clinic_links__clinic__in=clinics_for_staff(user=user)
        ).values("pk")
    )


def staff_may_manage_patient(*, user: AnyUser, patient: Patient) -> bool:
    """The staff rule every tab of the patient page asks: staff of the patient's clinic (or a
    superuser) who may change patient records. Viewing alone opens the General tab only."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    if not user.has_perm("clinics.change_patient"):
        return False
    return clinics_for_staff(user=user).filter(pk=patient.clinic_id).exists()


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search(*, queryset: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """Finds patients by name ("Ann", "Ann Lee", "Lee, Ann"), email, or date of birth."""
    query = query.strip()
    if not query:
        return queryset
    birth_date = _parse_date(query)
    if birth_date is not None:
        return queryset.filter(date_of_birth=birth_date)
    if "@" in query:
        return queryset.filter(email__icontains=query)
    condition = Q()
    for word in query.replace(",", " ").split():
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return queryset.filter(condition)


def practitioner_clinics_beyond_reach(*, user: AnyUser, practitioner: Practitioner) -> list[Clinic]:
    """The clinics of `practitioner` where `user` may not change the practitioner's shared details.

    A practitioner's name, NPI, email and online booking are the same at every clinic where they
    work, so changing them needs an admin of every one of those clinics (or a superuser).
    """
    if user.is_superuser:
        return []
    administered = (
        Clinic.objects.filter(
            memberships__user=user, memberships__role=StaffRole.CLINIC_ADMIN
        ).values("pk")
        if user.is_authenticated and user.is_staff and user.has_perm("clinics.change_practitioner")
        else Clinic.objects.none().values("pk")
    )
    return list(
        Clinic.objects.filter(practitioner_links__practitioner=practitioner)
        .exclude(pk__in=administered)
        .distinct()
        .order_by("name")
    )
