from django.db import migrations

from accounts.group_permissions import groups_grant

PHARMACY_STAFF = [
    "prescribers.view_prescriberprofile",
    "prescribers.add_prescriberprofile",
    "prescribers.change_prescriberprofile",
    "prescribers.view_prescriberlicence",
    "prescribers.add_prescriberlicence",
    "prescribers.change_prescriberlicence",
    "prescribers.delete_prescriberlicence",
    "prescribers.view_eprescription",
    "prescribers.change_eprescription",
    "prescribers.view_pharmacypatient",
    "prescribers.view_practitionerinvitation",
]


def create_group(apps, schema_editor):
    groups_grant(apps=apps, grants={"Pharmacy staff": PHARMACY_STAFF})


class Migration(migrations.Migration):
    dependencies = [
        ("prescribers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
