"""Demo data for portal access: an account with its record, a pending invitation, accounts
made by staff (a test profile, a front-desk tablet for intake forms), and a blocked record."""

from __future__ import annotations

from access_control.models import GrantScope, PortalGrant
from access_control.selectors import invitations_pending, patient_is_blocked, sign_in_name_taken
from access_control.services import (
    account_create_manually,
    available_practitioners_set,
    invitation_accept_new_account,
    invitation_send,
    patient_block,
)
from accounts.models import User
from clinics.demo import DEMO_PASSWORD, seed_clinics
from clinics.models import Patient, Practitioner


def seed() -> list[str]:
    demo = seed_clinics()
    northside_desk = User.objects.get(email="frontdesk@northside.example")
    lakeside_desk = User.objects.get(email="frontdesk@lakeside.example")
    patients = {
        patient.full_name: patient
        for patient in Patient.objects.filter(clinic__in=[demo.northside, demo.lakeside])
    }

    laura = patients["Laura Bennett"]
    if not PortalGrant.objects.filter(patient=laura, revoked_at__isnull=True).exists():
        sent = invitation_send(patient=laura, actor=northside_desk)
        invitation_accept_new_account(token=sent.token, password=DEMO_PASSWORD)

    walter = patients["Walter Grimes"]
    if not invitations_pending(patient=walter).exists():
        available_practitioners_set(
            patient=walter,
            practitioners=Practitioner.objects.filter(last_name="Patel"),
            actor=northside_desk,
        )
        invitation_send(patient=walter, actor=northside_desk)

    for username, full_name, scope in [
        ("test.patient", "Test Patient", GrantScope.FULL),
        ("noah.intake", "Noah Bennett", GrantScope.FORMS_ONLY),
    ]:
        if not sign_in_name_taken(name=username):
            account_create_manually(
                patient=patients[full_name],
                username=username,
                password=DEMO_PASSWORD,
                scope=scope,
                actor=northside_desk,
            )

    tom = patients["Tom Nguyen"]
    if not patient_is_blocked(patient=tom):
        patient_block(patient=tom, actor=lakeside_desk)

    return [
        f"Patient portal sign-ins (password: {DEMO_PASSWORD})",
        "  Laura Bennett, her own record     laura.bennett@example.com",
        "  Test profile, made by staff       test.patient  (must choose a new password)",
        "  Front-desk tablet, forms only     noah.intake   (a kiosk: Noah's forms, nothing else)",
        "  Portal: {site}/portal/",
        "  Walter Grimes has a pending invitation: its email, link included, is printed above.",
        "  Tom Nguyen (Lakeside) is blocked from the portal.",
        "  Portal Access tab: staff admin > Patients > a patient > Portal Access.",
    ]
