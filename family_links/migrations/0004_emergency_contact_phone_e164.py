import logging

import phonenumber_field.modelfields
from django.conf import settings
from django.db import migrations

import clinics.phones

logger = logging.getLogger(__name__)


def numbers_to_e164(apps, schema_editor):
    model = apps.get_model("family_links", "EmergencyContact")
    blanked = clinics.phones.phone_numbers_to_e164(
        model=model, fields=["phone"], region=settings.PHONENUMBER_DEFAULT_REGION
    )
    if blanked:
        logger.warning("EmergencyContact: %d phone numbers were not valid and were blanked.", blanked)


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0004_phone_numbers_e164"),
        ("family_links", "0003_link_revoke_reason_email_changed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="emergencycontact",
            name="phone",
            field=phonenumber_field.modelfields.PhoneNumberField(blank=True, max_length=128, region=None),
        ),
        migrations.RunPython(numbers_to_e164, migrations.RunPython.noop),
    ]
