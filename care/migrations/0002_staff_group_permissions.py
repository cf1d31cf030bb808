from django.db import migrations

from accounts.group_permissions import groups_grant

# Front desk: keep documents, appointments and plans, build and assign smart forms, and read
# the booking set-up. Clinic admin: also keep weekly availability, time off and booking rules.
FRONT_DESK = [
    "care.view_document",
    "care.add_document",
    "care.change_document",
    "care.view_appointment",
    "care.add_appointment",
    "care.change_appointment",
    "care.view_treatmentplan",
    "care.add_treatmentplan",
    "care.change_treatmentplan",
    "care.view_planitem",
    "care.add_planitem",
    "care.change_planitem",
    "care.delete_planitem",
    "care.view_formtemplate",
    "care.add_formtemplate",
    "care.change_formtemplate",
    "care.view_formfield",
    "care.add_formfield",
    "care.change_formfield",
    "care.delete_formfield",
    "care.view_formassignment",
    "care.add_formassignment",
    "care.view_availability",
    "care.view_timeoff",
    "care.view_cliniccaresettings",
]
CLINIC_ADMIN = FRONT_DESK + [
    "care.add_availability",
    "care.change_availability",
    "care.delete_availability",
    "care.add_timeoff",
    "care.change_timeoff",
    "care.delete_timeoff",
    "care.add_cliniccaresettings",
    "care.change_cliniccaresettings",
]


def grant_permissions(apps, schema_editor):
    groups_grant(apps=apps, grants={"Clinic staff": FRONT_DESK, "Clinic admin": CLINIC_ADMIN})


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("clinics", "0002_staff_groups"),
    ]
    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
