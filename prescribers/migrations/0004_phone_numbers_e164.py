import logging

import phonenumber_field.modelfields
from django.conf import settings
from django.db import migrations

import clinics.phones

logger = logging.getLogger(__name__)

FIELDS = {"PrescriberProfile": ["clinic_phone", "clinic_fax"], "PharmacyPatient": ["phone"]}


def numbers_to_e164(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("prescribers", model_name)
        blanked = clinics.phones.phone_numbers_to_e164(
            model=model, fields=fields, region=settings.PHONENUMBER_DEFAULT_REGION
        )
        if blanked:
            logger.warning("%s: %d phone numbers were not valid and were blanked.", model_name, blanked)


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0004_phone_numbers_e164"),
        ("prescribers", "0003_api_tokens_expire_and_resends_are_compared"),
    ]

    operations = [
        migrations.AlterField(
            model_name="prescriberprofile",
            name="clinic_phone",
            field=phonenumber_field.modelfields.PhoneNumberField(
                blank=True, max_length=128, region=None, verbose_name="clinic phone"
            ),
        ),
        migrations.AlterField(
            model_name="prescriberprofile",
            name="clinic_fax",
            field=phonenumber_field.modelfields.PhoneNumberField(
                blank=True, max_length=128, region=None, verbose_name="clinic fax"
            ),
        ),
        migrations.AlterField(
            model_name="pharmacypatient",
            name="phone",
            field=phonenumber_field.modelfields.PhoneNumberField(blank=True, max_length=128, region=None),
        ),
        migrations.RunPython(numbers_to_e164, migrations.RunPython.noop),
    ]
