from __future__ import annotations

from decimal import Decimal
from typing import Any

import django.core.validators
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def _tokens_expire(apps: Any, schema_editor: Any) -> None:
    # Tokens made before expiry existed get the usual lifetime, counted from their creation.
    ApiToken = apps.get_model("prescribers", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=F("created_at") + settings.API_TOKEN_TTL
    )


class Migration(migrations.Migration):
    dependencies = [
        ("prescribers", "0002_pharmacy_staff_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(_tokens_expire, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddField(
            model_name="eprescription",
            name="submission_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="eprescription",
            name="quantity",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=8,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
            ),
        ),
    ]
