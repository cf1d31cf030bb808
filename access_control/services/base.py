"""What every portal-access service shares."""

from __future__ import annotations

from clinics.models import Patient


class PortalAccessError(Exception):
    """A portal-access change that was refused; the message says why, for the person."""


def patient_lock(patient: Patient) -> None:
    """Serialises access changes to one patient record (a row lock on PostgreSQL)."""
    Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk").get()
