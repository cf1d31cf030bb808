from django.db import migrations

from accounts.group_permissions import groups_grant

# Portal access itself is changed from the patient page (clinics.change_patient); these let
# staff read the clinic's portal defaults and the clinic admin change them.
FRONT_DESK = ["access_control.view_clinicportalsettings"]
CLINIC_ADMIN = FRONT_DESK + [
    "access_control.add_clinicportalsettings",
    "access_control.change_clinicportalsettings",
]


def grant_permissions(apps, schema_editor):
    groups_grant(apps=apps, grants={"Clinic staff": FRONT_DESK, "Clinic admin": CLINIC_ADMIN})


class Migration(migrations.Migration):
    dependencies = [
        ("access_control", "0001_initial"),
        ("clinics", "0002_staff_groups"),
    ]
    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
