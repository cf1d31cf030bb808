"""The world the authorization sweep runs in: ten personas and everything each of them owns.

Two clinics; on clinic A a family (an account holder with her own record and her child's, a
linked family member who reaches only the child, and the front desk's forms-only tablet for the
child) and a neighbouring family; on clinic B a third family. Each clinic has a practitioner with
a portal account, a prescriber profile, pharmacy patients and prescriptions, and its own staff;
the pharmacy has its staff and an unlinked profile.

Every record the sweep aims at says which personas may reach it through a URL (`reach`), and
carries a marker, a unique word in a field the pages show, with the personas whose pages may
show it (`sees`). Everything else is foreign to a persona. Which rows a persona may change is a
`WriteScope` (see ownership.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from access_control.models import GrantScope, PortalInvitation, Relationship
from accounts.models import User
from accounts.tokens import token_digest
from audit.models import AuditEvent
from care.demo import pdf_with_text
from clinics.models import Clinic, Patient, PractitionerClinic
from family_links.models import AccessLink, DemographicChange
from outbox.models import Email
from prescribers.models import PractitionerInvitation, PrescriberProfile
from prescribers.services.api_tokens import api_token_create
from tests.access_control.factories import PortalGrantFactory, PortalInvitationFactory
from tests.care.factories import (
    AppointmentFactory,
    DocumentFactory,
    FormAssignmentFactory,
    FormFieldFactory,
    FormTemplateFactory,
    PlanItemFactory,
    TreatmentPlanFactory,
)
from tests.factories import ClinicFactory, PatientFactory, UserFactory, staff_member
from tests.family_links.factories import AccessLinkFactory
from tests.prescribers.factories import (
    EPrescriptionFactory,
    PharmacyPatientFactory,
    PrescriberProfileFactory,
    pharmacy_staff_member,
    practitioner_account,
)
from tests.security.ownership import EVERY, WriteScope

PERSONAS = (
    "anonymous",
    "holder",
    "member",
    "outsider",
    "tablet",
    "practitioner",
    "other_practitioner",
    "clinic_staff",
    "other_clinic_staff",
    "pharmacy_staff",
)
STAFF = frozenset({"clinic_staff", "other_clinic_staff", "pharmacy_staff"})


@dataclass(frozen=True)
class Owned:
    model_label: str
    pk: int
    reach: frozenset[str]
    marker: str | None
    sees: frozenset[str]


@dataclass
class Persona:
    name: str
    user: User | None
    api_token: str | None = None


@dataclass
class World:
    personas: dict[str, Persona]
    owned: list[Owned]
    scopes: dict[str, WriteScope]
    tokens: list[str]

    def foreign_pks(self, persona: str, model: type[Model]) -> list[int]:
        """The model's rows this persona may not reach, closest first (own family, own clinic).

        A model the world did not seed is for superusers only: every row is foreign, and a
        model without rows gets an id that does not exist.
        """
        label = model._meta.label
        seeded = [owned for owned in self.owned if owned.model_label == label]
        if seeded:
            return [owned.pk for owned in seeded if persona not in owned.reach]
        existing = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:2])
        return existing or [987654]

    def foreign_markers(self, persona: str) -> dict[str, str]:
        """Marker → what it marks, for every marker this persona's pages must never show."""
        return {
            owned.marker: f"{owned.model_label} #{owned.pk}"
            for owned in self.owned
            if owned.marker and persona not in owned.sees
        }


class _Seeder:
    def __init__(self) -> None:
        self.owned: list[Owned] = []
        self._numbers = itertools.count(1)

    def marker(self, kind: str) -> str:
        # Fixed width and a closing letter: no marker is a prefix of another.
        return f"Sx{next(self._numbers):03d}{kind}q"

    def own(
        self,
        obj: Model,
        *,
        reach: Iterable[str],
        marker: str | None = None,
        sees: Iterable[str] = (),
    ) -> None:
        reach = frozenset(reach)
        self.owned.append(
            Owned(
                model_label=obj._meta.label,
                pk=int(obj.pk),
                reach=reach,
                marker=marker,
                sees=reach | frozenset(sees),
            )
        )


def _patient(seed: _Seeder, *, clinic: Clinic, reach: set[str], sees: set[str]) -> Patient:
    marker = seed.marker("pat")
    patient = PatientFactory(
        clinic=clinic, first_name=marker, last_name=f"{marker}Fam", email=f"{marker}@example.com"
    )
    seed.own(patient, reach=reach, marker=marker, sees=sees)
    return patient


def _records_of(
    seed: _Seeder,
    patient: Patient,
    *,
    practitioner: Any,
    reach: set[str],
    staff: str,
    form_reach: set[str],
) -> None:
    """A document, an appointment, a plan, a form, an invitation, a link, a mail, an audit row."""
    title = seed.marker("doc")
    document = DocumentFactory(
        patient=patient, title=title, file__data=pdf_with_text([title]), shared_in_portal=True
    )
    seed.own(document, reach=reach, marker=title)
    appointment = AppointmentFactory(patient=patient, practitioner=practitioner)
    seed.own(appointment, reach=reach)
    plan_title = seed.marker("plan")
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner, title=plan_title)
    seed.own(plan, reach=reach, marker=plan_title)
    step = seed.marker("step")
    seed.own(PlanItemFactory(plan=plan, title=step), reach=reach, marker=step)
    form_title = seed.marker("form")
    template = FormTemplateFactory(clinic=patient.clinic, title=form_title)
    seed.own(template, reach={staff}, marker=form_title, sees=form_reach)
    question = seed.marker("field")
    seed.own(
        FormFieldFactory(template=template, label=question),
        reach={staff},
        marker=question,
        sees=form_reach,
    )
    seed.own(FormAssignmentFactory(patient=patient, template=template), reach=form_reach)
    invitation_email = f"{seed.marker('inv')}@example.com"
    invitation = PortalInvitationFactory(patient=patient, email=invitation_email)
    seed.own(invitation, reach={staff}, marker=invitation_email.split("@")[0])
    link = AccessLinkFactory(patient=patient, sent_to=f"{seed.marker('lnk')}@example.com")
    seed.own(link, reach={staff}, marker=link.sent_to.split("@")[0])
    subject = seed.marker("mail")
    mail = Email.objects.create(
        to=patient.email,
        subject=subject,
        body_text=subject,
        purpose="sweep",
        patient=patient,
        next_attempt_at=timezone.now(),
    )
    seed.own(mail, reach={staff}, marker=subject)
    note = seed.marker("audit")
    event = AuditEvent.objects.create(action="sweep.seeded", patient=patient, details={"n": note})
    seed.own(event, reach={staff})
    change = seed.marker("chg")
    seed.own(
        DemographicChange.objects.create(
            patient=patient, field="phone", old_value="", new_value=change
        ),
        reach={staff},
        marker=change,
    )


def build_world() -> World:
    seed = _Seeder()
    clinic_a = ClinicFactory(name="Northside Family Clinic")
    clinic_b = ClinicFactory(name="Lakeside Health Centre")

    prac_user = practitioner_account(clinics=[clinic_a], email="doctor.a@example.com")
    other_prac_user = practitioner_account(clinics=[clinic_b], email="doctor.b@example.com")
    prac, other_prac = prac_user.practitioner, other_prac_user.practitioner
    seed.own(prac, reach={"practitioner", "clinic_staff"})
    seed.own(other_prac, reach={"other_practitioner", "other_clinic_staff"})
    seed.own(clinic_a, reach={"practitioner", "clinic_staff"})
    seed.own(clinic_b, reach={"other_practitioner", "other_clinic_staff"})

    holder = UserFactory(email="holder@example.com")
    member = UserFactory(email="member@example.com")
    tablet = UserFactory(email=None, username="frontdesk-tablet")
    outsider = UserFactory(email="outsider@example.com")
    clinic_staff = staff_member(clinic=clinic_a, email="staff.a@example.com")
    other_clinic_staff = staff_member(clinic=clinic_b, email="staff.b@example.com")
    pharmacy_staff = pharmacy_staff_member(email="pharmacy@example.com")

    # Clinic A, family A: the holder reaches both records, the member and the tablet the child.
    parent_a = _patient(seed, clinic=clinic_a, reach={"holder", "clinic_staff"}, sees=set())
    child_a = _patient(
        seed, clinic=clinic_a, reach={"holder", "member", "clinic_staff"}, sees={"tablet"}
    )
    PortalGrantFactory(account=holder, patient=parent_a)
    PortalGrantFactory(account=holder, patient=child_a, relationship=Relationship.PARENT)
    PortalGrantFactory(account=member, patient=child_a, relationship=Relationship.CAREGIVER)
    PortalGrantFactory(account=tablet, patient=child_a, scope=GrantScope.FORMS_ONLY)
    # Clinic A, the neighbours; clinic B, a third family. No persona reaches them but staff.
    neighbour = UserFactory(email=f"{seed.marker('acct')}@example.com")
    parent_b = _patient(seed, clinic=clinic_a, reach={"clinic_staff"}, sees=set())
    PortalGrantFactory(account=neighbour, patient=parent_b)
    far_holder = UserFactory(email=f"{seed.marker('acct')}@example.com")
    parent_c = _patient(seed, clinic=clinic_b, reach={"other_clinic_staff"}, sees=set())
    child_c = _patient(seed, clinic=clinic_b, reach={"other_clinic_staff"}, sees=set())
    PortalGrantFactory(account=far_holder, patient=parent_c)
    PortalGrantFactory(account=far_holder, patient=child_c, relationship=Relationship.PARENT)

    for patient, reach, practitioner, staff, forms in (
        (parent_a, {"holder", "clinic_staff"}, prac, "clinic_staff", set()),
        (child_a, {"holder", "member", "clinic_staff"}, prac, "clinic_staff", {"tablet"}),
        (parent_b, {"clinic_staff"}, prac, "clinic_staff", set()),
        (parent_c, {"other_clinic_staff"}, other_prac, "other_clinic_staff", set()),
        (child_c, {"other_clinic_staff"}, other_prac, "other_clinic_staff", set()),
    ):
        _records_of(
            seed,
            patient,
            practitioner=practitioner,
            reach=reach,
            staff=staff,
            form_reach=reach | forms,
        )

    # The pharmacy side: each practitioner's linked profile, patients and prescriptions, and
    # an unlinked profile only the pharmacy sees.
    profiles: list[PrescriberProfile] = []
    pharmacy_patients: dict[str, set[int]] = {"practitioner": set(), "other_practitioner": set()}
    for owner, combination in (
        ("practitioner", PractitionerClinic.objects.get(practitioner=prac, clinic=clinic_a)),
        (
            "other_practitioner",
            PractitionerClinic.objects.get(practitioner=other_prac, clinic=clinic_b),
        ),
        (None, None),
    ):
        reach = {"pharmacy_staff", owner} if owner else {"pharmacy_staff"}
        name = seed.marker("prof")
        profile = PrescriberProfileFactory(
            last_name=name,
            practitioner_clinic=combination,
            linked_at=timezone.now() if combination else None,
        )
        profiles.append(profile)
        seed.own(profile, reach=reach, marker=name)
        patient_name = seed.marker("rxpat")
        pharmacy_patient = PharmacyPatientFactory(first_name=patient_name, last_name=patient_name)
        seed.own(pharmacy_patient, reach=reach, marker=patient_name)
        if owner:
            pharmacy_patients[owner].add(pharmacy_patient.pk)
        notes = seed.marker("rx")
        prescription = EPrescriptionFactory(
            profile=profile,
            patient=pharmacy_patient,
            practitioner_clinic=combination,
            notes=notes,
            medication_name=notes,
            external_id=f"ext-{notes}",
        )
        seed.own(prescription, reach=reach, marker=notes)
        invitation_email = seed.marker("pinv")
        seed.own(
            PractitionerInvitation.objects.create(
                profile=profile,
                email=f"{invitation_email}@example.com",
                digest=token_digest(f"practitioner-invitation-{invitation_email}"),
                expires_at=timezone.now() + timedelta(days=3),
            ),
            reach={"pharmacy_staff"},
            marker=invitation_email,
        )

    raw_tokens: dict[str, str] = {}
    for owner, user in (("practitioner", prac_user), ("other_practitioner", other_prac_user)):
        name = seed.marker("tok")
        created = api_token_create(user=user, name=name)
        seed.own(created.token, reach={owner}, marker=name)
        raw_tokens[owner] = created.raw_token

    # System rows: for superusers only.
    every = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    task_name = seed.marker("task")
    seed.own(
        PeriodicTask.objects.create(name=task_name, task="sweep.noop", interval=every),
        reach=set(),
        marker=task_name,
    )

    users = {
        "anonymous": None,
        "holder": holder,
        "member": member,
        "outsider": outsider,
        "tablet": tablet,
        "practitioner": prac_user,
        "other_practitioner": other_prac_user,
        "clinic_staff": clinic_staff,
        "other_clinic_staff": other_clinic_staff,
        "pharmacy_staff": pharmacy_staff,
    }
    for name, user in users.items():
        if user is not None:
            seed.own(user, reach={name})
    for extra in (neighbour, far_holder):
        seed.own(extra, reach=set())
    _seed_authenticators(seed, users)

    clinic_a_patients = frozenset(
        Patient.objects.filter(clinic=clinic_a).values_list("pk", flat=True)
    )
    clinic_b_patients = frozenset(
        Patient.objects.filter(clinic=clinic_b).values_list("pk", flat=True)
    )

    def own_user(name: str) -> frozenset[int]:
        user = users[name]
        return frozenset({user.pk}) if user is not None else frozenset()

    scopes = {
        "anonymous": WriteScope(ids={}),
        "holder": WriteScope(
            ids={"user": own_user("holder"), "patient": frozenset({parent_a.pk, child_a.pk})}
        ),
        "member": WriteScope(ids={"user": own_user("member"), "patient": frozenset({child_a.pk})}),
        "outsider": WriteScope(ids={"user": own_user("outsider")}),
        "tablet": WriteScope(
            ids={"user": own_user("tablet"), "patient": frozenset({child_a.pk})},
            patient_tables=frozenset({"care.FormAssignment", "care.FormAnswer"}),
        ),
        "practitioner": WriteScope(
            ids={
                "user": own_user("practitioner"),
                "practitioner": frozenset({prac.pk}),
                "profile": frozenset({profiles[0].pk}),
                "pharmacy_patient": frozenset(pharmacy_patients["practitioner"]),
            }
        ),
        "other_practitioner": WriteScope(
            ids={
                "user": own_user("other_practitioner"),
                "practitioner": frozenset({other_prac.pk}),
                "profile": frozenset({profiles[1].pk}),
                "pharmacy_patient": frozenset(pharmacy_patients["other_practitioner"]),
            }
        ),
        "clinic_staff": WriteScope(
            ids={
                "user": own_user("clinic_staff"),
                "clinic": frozenset({clinic_a.pk}),
                "practitioner": frozenset({prac.pk}),
                "patient": clinic_a_patients,
            }
        ),
        "other_clinic_staff": WriteScope(
            ids={
                "user": own_user("other_clinic_staff"),
                "clinic": frozenset({clinic_b.pk}),
                "practitioner": frozenset({other_prac.pk}),
                "patient": clinic_b_patients,
            }
        ),
        "pharmacy_staff": WriteScope(
            ids={"user": own_user("pharmacy_staff"), "profile": EVERY, "pharmacy_patient": EVERY}
        ),
    }
    personas = {
        name: Persona(name=name, user=user, api_token=raw_tokens.get(name))
        for name, user in users.items()
    }
    # Tokens nobody was sent: nonsense, and the digests the database keeps (never a key).
    digests = [
        PortalInvitation.objects.values_list("digest", flat=True).first(),
        AccessLink.objects.values_list("digest", flat=True).first(),
        PractitionerInvitation.objects.values_list("digest", flat=True).first(),
    ]
    return World(
        personas=personas,
        owned=seed.owned,
        scopes=scopes,
        tokens=["no-such-token-0123456789abcdef", *(str(digest) for digest in digests)],
    )


def _seed_authenticators(seed: _Seeder, users: dict[str, User | None]) -> None:
    """Recovery codes for each staff account, when allauth's MFA is installed."""
    if not apps.is_installed("allauth.mfa"):
        return
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    for name in sorted(STAFF):
        user = users[name]
        if user is not None:
            seed.own(RecoveryCodes.activate(user).instance, reach={name})
