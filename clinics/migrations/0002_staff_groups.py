from django.db import migrations

from accounts.group_permissions import groups_grant

FRONT_DESK = [
    "clinics.view_clinic",
    "clinics.view_practitioner",
    "clinics.view_practitionerclinic",
    "clinics.view_patient",
    "clinics.add_patient",
    "clinics.change_patient",
    "outbox.view_email",
    "audit.view_auditevent",
]
CLINIC_ADMIN = FRONT_DESK + [
    "clinics.change_clinic",
    "clinics.add_practitioner",
    "clinics.change_practitioner",
    "clinics.add_practitionerclinic",
    "clinics.change_practitionerclinic",
    "clinics.delete_practitionerclinic",
]


def create_groups(apps, schema_editor):
    groups_grant(apps=apps, grants={"Clinic staff": FRONT_DESK, "Clinic admin": CLINIC_ADMIN})


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0001_initial"),
        ("outbox", "0001_initial"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
