from django.db import migrations

from accounts.group_permissions import groups_grant

# Front desk: generate, send and revoke Medical Access Links on the patient page, read the
# family's changes and the clinic's link settings. Clinic admin: also change those settings.
FRONT_DESK = [
    "family_links.view_accesslink",
    "family_links.add_accesslink",
    "family_links.change_accesslink",
    "family_links.view_demographicchange",
    "family_links.view_emergencycontact",
    "family_links.view_cliniclinksettings",
]
CLINIC_ADMIN = FRONT_DESK + [
    "family_links.add_cliniclinksettings",
    "family_links.change_cliniclinksettings",
]


def grant_permissions(apps, schema_editor):
    groups_grant(apps=apps, grants={"Clinic staff": FRONT_DESK, "Clinic admin": CLINIC_ADMIN})


class Migration(migrations.Migration):
    dependencies = [
        ("family_links", "0001_initial"),
        ("clinics", "0002_staff_groups"),
    ]
    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
