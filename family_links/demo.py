"""Demo data for family links: Laura Bennett's account holds her record and Emma's (linked with
a Medical Access Link), and Noah has a pending link, sent to Laura's address. Safe to run again.
"""

from __future__ import annotations

from access_control.models import PortalGrant, Relationship
from accounts.models import User
from clinics.models import Patient
from family_links.services import (
    access_link_generate,
    access_link_redeem,
    access_links_send_for_family,
)

LAURA = "laura.bennett@example.com"


def seed() -> list[str]:
    """Runs after access_control's demo (settings.DEMO_SEEDERS), which made Laura's account."""
    desk = User.objects.get(email="frontdesk@northside.example")
    laura = User.objects.get(email=LAURA)
    bennetts = {
        patient.first_name: patient
        for patient in Patient.objects.filter(
            clinic__name="Northside Family Clinic", last_name="Bennett"
        )
    }
    emma, noah = bennetts["Emma"], bennetts["Noah"]

    if not PortalGrant.objects.filter(
        account=laura, patient=emma, revoked_at__isnull=True
    ).exists():
        new = access_link_generate(patient=emma, actor=desk)
        access_link_redeem(
            token=new.token,
            account=laura,
            relationship=Relationship.PARENT,
            date_of_birth=emma.date_of_birth,
        )

    lines = [
        "Family links (Medical Access Links)",
        f"  Laura Bennett's account {LAURA} holds her record and Emma's: {{site}}/portal/profiles/",
        "  Staff: Patients > Noah Bennett > Medical Access Code; Laura Bennett > Medical Access "
        "Code > Family at once.",
    ]
    # Only a link's hash is kept, so every run sends Noah a fresh link (superseding the last
    # one) to have a usable link and code to print.
    (sent,) = access_links_send_for_family(patients=[noah], email=LAURA, actor=desk)
    return [
        *lines,
        f"  Noah Bennett has a pending Medical Access Link, sent to {LAURA}:",
        f"    {sent.url}",
        f"    or in the portal, Enter a Medical Access Code: {sent.code} with his date of birth "
        f"{noah.date_of_birth:%m/%d/%Y}",
    ]
