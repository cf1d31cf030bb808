"""A clinic's choice about Medical Access Links."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from clinics.models import Clinic
from family_links.models import ClinicLinkSettings


@transaction.atomic
def clinic_link_settings_save(
    *, clinic: Clinic, require_date_of_birth: bool, actor: User
) -> ClinicLinkSettings:
    clinic_settings, _ = ClinicLinkSettings.objects.update_or_create(
        clinic=clinic, defaults={"require_date_of_birth": require_date_of_birth}
    )
    audit_record(
        actor=actor,
        action="family_links.clinic_settings_saved",
        target=clinic_settings,
        details={"clinic": clinic.pk, "require_date_of_birth": require_date_of_birth},
    )
    return clinic_settings
