"""Which rows a request may change: each row's ties to people, and each persona's scope.

A row changed by a request is tied to patients, clinics, accounts, practitioners, prescriber
profiles or pharmacy patients through ANCHORS; the request's persona may change it only when
its WriteScope holds every one of those ties.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a row changed by a request is tied to people: (anchor kind, lookup from the row).
# A row of a model not listed (and not in UNTRACKED) belongs to no persona: any change is a
# violation. Append-only logs and session bookkeeping are not tracked.
ANCHORS: dict[str, list[tuple[str, str]]] = {
    "accounts.User": [("user", "pk")],
    "account.EmailAddress": [("user", "user_id")],
    "mfa.Authenticator": [("user", "user_id")],
    "clinics.Clinic": [("clinic", "pk")],
    "clinics.ClinicMembership": [("clinic", "clinic_id")],
    "clinics.Practitioner": [("practitioner", "pk")],
    "clinics.PractitionerClinic": [("practitioner", "practitioner_id"), ("clinic", "clinic_id")],
    "clinics.Patient": [("patient", "pk")],
    "access_control.PortalGrant": [("patient", "patient_id")],
    "access_control.ClinicPortalSettings": [("clinic", "clinic_id")],
    "access_control.PatientPortalSettings": [("patient", "patient_id")],
    "access_control.PortalInvitation": [("patient", "patient_id")],
    "family_links.AccessLink": [("patient", "patient_id")],
    "family_links.ClinicLinkSettings": [("clinic", "clinic_id")],
    "family_links.EmergencyContact": [("patient", "patient_id")],
    "family_links.DemographicChange": [("patient", "patient_id")],
    "care.ClinicCareSettings": [("clinic", "clinic_id")],
    "care.Availability": [("clinic", "clinic_id"), ("practitioner", "practitioner_id")],
    "care.TimeOff": [("practitioner", "practitioner_id")],
    "care.Appointment": [("patient", "patient_id"), ("clinic", "clinic_id")],
    "care.Document": [("patient", "patient_id")],
    "care.FormTemplate": [("clinic", "clinic_id")],
    "care.FormField": [("clinic", "template__clinic_id")],
    "care.FormAssignment": [("patient", "patient_id")],
    "care.FormAnswer": [("patient", "assignment__patient_id")],
    "care.TreatmentPlan": [("patient", "patient_id")],
    "care.PlanItem": [("patient", "plan__patient_id")],
    "outbox.Email": [("patient", "patient_id")],
    "prescribers.PrescriberProfile": [("profile", "pk")],
    "prescribers.PrescriberLicence": [("profile", "profile_id")],
    "prescribers.PharmacyPatient": [("pharmacy_patient", "pk")],
    "prescribers.ProfilePatient": [("profile", "profile_id"), ("pharmacy_patient", "patient_id")],
    "prescribers.EPrescription": [("profile", "profile_id"), ("pharmacy_patient", "patient_id")],
    "prescribers.PractitionerInvitation": [("profile", "profile_id")],
    "prescribers.ApiToken": [("user", "user_id")],
}
UNTRACKED = frozenset(
    {
        "sessions.Session",
        "admin.LogEntry",
        "audit.AuditEvent",
        "contenttypes.ContentType",
        "auth.Permission",
        "account.EmailConfirmation",
        "usersessions.UserSession",
    }
)
# The model each anchor kind names: an id not among its rows before the request is a row the
# request itself made, which belongs to no one else.
ANCHOR_MODELS = {
    "user": "accounts.User",
    "clinic": "clinics.Clinic",
    "practitioner": "clinics.Practitioner",
    "patient": "clinics.Patient",
    "profile": "prescribers.PrescriberProfile",
    "pharmacy_patient": "prescribers.PharmacyPatient",
}
EVERY = frozenset({-1})  # a scope holding every id of its kind


@dataclass(frozen=True)
class WriteScope:
    """The rows a persona may change, by anchor kind. `patient_tables` narrows patient rows."""

    ids: dict[str, frozenset[int]]
    patient_tables: frozenset[str] | None = None

    def allows(self, *, model_label: str, kind: str, value: int) -> bool:
        allowed = self.ids.get(kind, frozenset())
        narrowed = kind == "patient" and self.patient_tables is not None
        if narrowed and model_label not in (self.patient_tables or ()):
            return False
        return allowed is EVERY or value in allowed
