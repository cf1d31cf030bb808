"""Demo data for clinical content: weekly hours, appointments, shared documents, a treatment
plan and an intake form assigned to the Bennett family. Safe to run again."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from care.models import (
    Appointment,
    Availability,
    Document,
    DocumentCategory,
    FieldKind,
    FormAssignment,
    FormTemplate,
    PlanStatus,
    TreatmentPlan,
    Weekday,
)
from care.services.appointments import appointment_book
from care.services.documents import document_upload
from care.services.forms import FormFieldData, form_assign, form_template_save
from care.services.plans import PlanItemData, plan_save
from care.services.scheduling import availability_save
from care.slots import clinic_time_zone
from clinics.demo import seed_clinics
from clinics.models import Clinic, Patient, Practitioner

INTAKE_TITLE = "New patient intake"


def pdf_with_text(lines: list[str]) -> bytes:
    """A one-page PDF showing these lines (enough for a demo document; no library needed)."""
    text = "\n".join(
        f"BT /F1 12 Tf 72 {720 - 20 * index} Td ({line.replace('(', '[').replace(')', ']')}) Tj ET"
        for index, line in enumerate(lines)
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _hours(*, practitioner: Practitioner, clinic: Clinic, days: list[Weekday], actor: User) -> None:
    if Availability.objects.filter(practitioner=practitioner, clinic=clinic).exists():
        return
    for day in days:
        for start, end in [(time(9), time(12)), (time(13), time(17))]:
            availability_save(
                availability=Availability(
                    practitioner=practitioner,
                    clinic=clinic,
                    weekday=day,
                    start_time=start,
                    end_time=end,
                    slot_minutes=30,
                ),
                actor=actor,
            )


def _next_weekday_at(clinic: Clinic, *, days_ahead: int, at: time) -> datetime:
    """A weekday at least `days_ahead` days from today, at that clinic time."""
    day = timezone.now().astimezone(clinic_time_zone(clinic)).date() + timedelta(days=days_ahead)
    while day.weekday() >= Weekday.SATURDAY:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=clinic_time_zone(clinic))


def _appointment(
    *, patient: Patient, practitioner: Practitioner, starts_at: datetime, actor: User
) -> None:
    appointment_book(
        patient=patient,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        actor=actor,
    )


def _document(
    *,
    patient: Patient,
    title: str,
    category: DocumentCategory,
    file: ContentFile[bytes],
    actor: User,
) -> None:
    if not Document.objects.filter(patient=patient, title=title).exists():
        document_upload(
            patient=patient,
            title=title,
            category=category,
            file=file,
            shared_in_portal=True,
            actor=actor,
        )


def _intake_template(*, clinic: Clinic, actor: User) -> FormTemplate:
    template = FormTemplate.objects.filter(clinic=clinic, title=INTAKE_TITLE).first()
    if template is not None:
        return template
    return form_template_save(
        template=FormTemplate(
            clinic=clinic,
            title=INTAKE_TITLE,
            description="Please tell us about the patient before the first visit.",
        ),
        fields=[
            FormFieldData(FieldKind.SHORT_TEXT, "Preferred name", required=False),
            FormFieldData(FieldKind.DATE, "Date of last check-up"),
            FormFieldData(FieldKind.NUMBER, "Weight (lb)", help_text="Roughly is fine."),
            FormFieldData(
                FieldKind.SINGLE_CHOICE,
                "How would you rate your overall health?",
                required=True,
                choices="Excellent\nGood\nFair\nPoor",
            ),
            FormFieldData(
                FieldKind.MULTIPLE_CHOICE,
                "Any of these conditions?",
                choices="Asthma\nAllergies\nDiabetes\nHeart condition\nNone of these",
            ),
            FormFieldData(FieldKind.YES_NO, "Do you take any medication?", required=True),
            FormFieldData(
                FieldKind.LONG_TEXT,
                "Medication and allergies",
                help_text="Names and doses, and anything you are allergic to.",
            ),
            FormFieldData(
                FieldKind.CONSENT,
                "I consent to treatment at this clinic and confirm the answers are correct.",
                required=True,
            ),
        ],
        actor=actor,
    )


def seed() -> list[str]:
    demo = seed_clinics()
    northside = demo.northside
    desk = User.objects.get(email="frontdesk@northside.example")
    manager = User.objects.get(email="manager@northside.example")
    patel = Practitioner.objects.get(last_name="Patel")
    reyes = Practitioner.objects.get(last_name="Reyes")
    okafor = Practitioner.objects.get(last_name="Okafor")
    weekdays = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY]
    _hours(practitioner=patel, clinic=northside, days=weekdays, actor=manager)
    _hours(practitioner=reyes, clinic=northside, days=[*weekdays, Weekday.FRIDAY], actor=manager)
    _hours(practitioner=okafor, clinic=northside, days=[Weekday.FRIDAY], actor=manager)
    _hours(practitioner=okafor, clinic=demo.lakeside, days=weekdays, actor=demo.superuser)

    bennetts = {
        patient.first_name: patient
        for patient in Patient.objects.filter(clinic=northside, last_name="Bennett")
    }
    laura, emma, noah = bennetts["Laura"], bennetts["Emma"], bennetts["Noah"]

    if not Appointment.objects.filter(patient__in=bennetts.values()).exists():
        _appointment(
            patient=laura,
            practitioner=patel,
            starts_at=_next_weekday_at(northside, days_ahead=-21, at=time(10)),
            actor=desk,
        )
        _appointment(
            patient=laura,
            practitioner=patel,
            starts_at=_next_weekday_at(northside, days_ahead=3, at=time(10)),
            actor=desk,
        )
        _appointment(
            patient=emma,
            practitioner=reyes,
            starts_at=_next_weekday_at(northside, days_ahead=5, at=time(15, 30)),
            actor=desk,
        )

    _document(
        patient=laura,
        title="Visit summary",
        category=DocumentCategory.VISIT_SUMMARY,
        file=ContentFile(
            pdf_with_text(
                [
                    "Northside Family Clinic - Visit summary",
                    "Patient: Laura Bennett",
                    "Seen by Maya Patel, MD. Blood pressure normal; follow up in a year.",
                ]
            ),
            name="visit-summary.pdf",
        ),
        actor=desk,
    )
    _document(
        patient=emma,
        title="Immunization record",
        category=DocumentCategory.OTHER,
        file=ContentFile(
            b"Immunization record - Emma Bennett\n"
            b"MMR: 2016-09-03, 2019-09-10\nDTaP: 2015-11-03, 2016-01-05, 2016-03-04\n",
            name="immunizations.txt",
        ),
        actor=desk,
    )

    if not TreatmentPlan.objects.filter(patient=emma).exists():
        plan_save(
            plan=TreatmentPlan(
                patient=emma,
                practitioner=reyes,
                title="Asthma action plan",
                goals="Fewer night-time symptoms; full participation in school sports.",
                starts_on=date.today(),
                ends_on=date.today() + timedelta(days=180),
                status=PlanStatus.ACTIVE,
                shared_in_portal=True,
            ),
            items=[
                PlanItemData("Controller inhaler", "Two puffs morning and evening, every day."),
                PlanItemData("Reliever inhaler", "Before sport, and when wheezy."),
                PlanItemData("Review visit", "Book a review with Jordan Reyes in three months."),
            ],
            actor=desk,
        )

    intake = _intake_template(clinic=northside, actor=desk)
    if not FormAssignment.objects.filter(template=intake).exists():
        form_assign(
            template=intake,
            patients=[laura, emma, noah],
            due_date=date.today() + timedelta(days=7),
            actor=desk,
        )

    return [
        "Clinical content (care)",
        "  Weekly hours: Patel and Reyes at Northside; Okafor at Lakeside and on Fridays at "
        "Northside (staff admin > Care > Weekly availability).",
        "  Laura Bennett's portal: Appointments (Book an appointment), Documents, Treatment "
        "plans, Forms: {site}/portal/appointments/",
        f"  “{INTAKE_TITLE}” is assigned to Laura, Emma and Noah Bennett; the front-desk "
        "tablet account noah.intake fills in Noah's.",
        "  Staff see it all on a patient's Care tab: staff admin > Patients > a patient > Care.",
    ]
