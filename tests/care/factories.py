from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_control.models import GrantScope, Relationship
from accounts.models import User
from care.demo import pdf_with_text
from care.models import (
    Appointment,
    AppointmentSource,
    Availability,
    Document,
    DocumentCategory,
    FieldKind,
    FormAssignment,
    FormField,
    FormTemplate,
    PlanItem,
    TreatmentPlan,
)
from care.slots import clinic_time_zone
from clinics.models import Clinic, Patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PatientFactory, PractitionerFactory, UserFactory

PDF_BYTES = pdf_with_text(["A test document"])


class AvailabilityFactory(DjangoModelFactory[Availability]):
    class Meta:
        model = Availability

    practitioner = factory.SubFactory(PractitionerFactory)
    clinic = factory.SubFactory("tests.factories.ClinicFactory")
    weekday = 0
    start_time = time(9)
    end_time = time(12)
    slot_minutes = 30


class AppointmentFactory(DjangoModelFactory[Appointment]):
    class Meta:
        model = Appointment

    patient = factory.SubFactory(PatientFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    clinic = factory.LazyAttribute(lambda o: o.patient.clinic)
    starts_at = factory.Sequence(lambda n: timezone.now() + timedelta(days=2, hours=n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))
    source = AppointmentSource.STAFF


class DocumentFactory(DjangoModelFactory[Document]):
    class Meta:
        model = Document

    patient = factory.SubFactory(PatientFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    category = DocumentCategory.LAB_RESULT
    file = factory.django.FileField(filename="result.pdf", data=PDF_BYTES)
    original_name = "result.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    shared_in_portal = True


class TreatmentPlanFactory(DjangoModelFactory[TreatmentPlan]):
    class Meta:
        model = TreatmentPlan

    patient = factory.SubFactory(PatientFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    title = factory.Sequence(lambda n: f"Plan {n}")
    goals = "Feel better."
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    shared_in_portal = True


class PlanItemFactory(DjangoModelFactory[PlanItem]):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(TreatmentPlanFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Step {n}")


class FormTemplateFactory(DjangoModelFactory[FormTemplate]):
    class Meta:
        model = FormTemplate

    clinic = factory.SubFactory("tests.factories.ClinicFactory")
    title = factory.Sequence(lambda n: f"Intake form {n}")


class FormFieldFactory(DjangoModelFactory[FormField]):
    class Meta:
        model = FormField

    template = factory.SubFactory(FormTemplateFactory)
    position = factory.Sequence(lambda n: n)
    kind = FieldKind.SHORT_TEXT
    label = factory.Sequence(lambda n: f"Question {n}")


class FormAssignmentFactory(DjangoModelFactory[FormAssignment]):
    class Meta:
        model = FormAssignment

    patient = factory.SubFactory(PatientFactory)
    template = factory.SubFactory(
        FormTemplateFactory, clinic=factory.SelfAttribute("..patient.clinic")
    )


@dataclass(frozen=True)
class Family:
    account: User
    parent: Patient
    child: Patient


def family_on(clinic: Clinic, *, email: str = "laura@example.com") -> Family:
    """A parent's account holding her own record and, linked, her child's."""
    account = UserFactory.create(email=email, first_name="Laura", last_name="Bennett")
    parent = PatientFactory.create(clinic=clinic, first_name="Laura", last_name="Bennett")
    child = PatientFactory.create(clinic=clinic, first_name="Emma", last_name="Bennett")
    PortalGrantFactory.create(account=account, patient=parent)
    PortalGrantFactory.create(account=account, patient=child, relationship=Relationship.PARENT)
    return Family(account=account, parent=parent, child=child)


def forms_only_account(patient: Patient, *, username: str = "tablet") -> User:
    """An intake-forms-only account the front desk made for the clinic's tablet."""
    account = UserFactory.create(email=None, username=username)
    PortalGrantFactory.create(account=account, patient=patient, scope=GrantScope.FORMS_ONLY)
    return account


def clinic_time(clinic: Clinic, *, days_ahead: int, at: time) -> datetime:
    """A Monday-to-Friday day at least `days_ahead` days from today, at that clinic time."""
    zone = clinic_time_zone(clinic)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=zone)


def weekday_hours(practitioner, clinic: Clinic, *, start: time = time(9), end: time = time(12)):
    """The practitioner's hours at the clinic, Monday to Friday, in 30-minute slots."""
    return [
        AvailabilityFactory.create(
            practitioner=practitioner, clinic=clinic, weekday=day, start_time=start, end_time=end
        )
        for day in range(5)
    ]
