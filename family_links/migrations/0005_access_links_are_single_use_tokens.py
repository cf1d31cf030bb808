"""Medical Access Links take the shared single-use token fields (accounts.tokens.SingleUseToken).

Renamed, not re-created, so every link keeps its digest and who redeemed it.
"""

from __future__ import annotations

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REVOKE_REASONS = [
    ("staff", "Revoked by staff"),
    ("superseded", "Superseded by a newer one"),
    ("email_changed", "The patient's email changed"),
    ("blocked", "The patient was blocked"),
]


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("family_links", "0004_emergency_contact_phone_e164"),
    ]

    operations = [
        migrations.RenameField("accesslink", "token_digest", "digest"),
        migrations.RenameField("accesslink", "redeemed_at", "used_at"),
        migrations.RenameField("accesslink", "redeemed_by", "used_by"),
        migrations.AlterField(
            model_name="accesslink",
            name="digest",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="accesslink",
            name="used_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The account that used it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="accesslink",
            name="revoke_reason",
            field=models.CharField(blank=True, choices=REVOKE_REASONS, max_length=20),
        ),
    ]
