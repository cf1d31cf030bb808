import logging

import phonenumber_field.modelfields
from django.conf import settings
from django.db import migrations, models

import clinics.phones

logger = logging.getLogger(__name__)


def numbers_to_e164(apps, schema_editor):
    region = settings.PHONENUMBER_DEFAULT_REGION
    for model_name in ("Clinic", "Patient"):
        model = apps.get_model("clinics", model_name)
        blanked = clinics.phones.phone_numbers_to_e164(model=model, fields=["phone"], region=region)
        if blanked:
            logger.warning("%s: %d phone numbers were not valid and were blanked.", model_name, blanked)


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0003_practitionerclinic_archived_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="phone_region",
            field=models.CharField(
                default=clinics.phones.phone_region_default,
                help_text="Two letters (US, GB, …): numbers typed without a country code are from here.",
                max_length=2,
                validators=[clinics.phones.validate_phone_region],
                verbose_name="phone numbers' country",
            ),
        ),
        migrations.AlterField(
            model_name="clinic",
            name="phone",
            field=phonenumber_field.modelfields.PhoneNumberField(blank=True, max_length=128, region=None),
        ),
        migrations.AlterField(
            model_name="patient",
            name="phone",
            field=phonenumber_field.modelfields.PhoneNumberField(blank=True, max_length=128, region=None),
        ),
        migrations.RunPython(numbers_to_e164, migrations.RunPython.noop),
    ]
