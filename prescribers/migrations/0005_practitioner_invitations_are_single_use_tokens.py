"""Practitioner invitations take the shared single-use token fields
(accounts.tokens.SingleUseToken).

Renamed, not re-created, so every invitation keeps its digest and the account it made. Until
now the only way an invitation was revoked was a newer one for the same profile: those are
marked superseded, by the next invitation of that profile.
"""

from __future__ import annotations

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REVOKE_REASONS = [
    ("staff", "Revoked by staff"),
    ("superseded", "Superseded by a newer one"),
    ("email_changed", "The patient's email changed"),
    ("blocked", "The patient was blocked"),
]


def mark_superseded(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Each revoked invitation was replaced by the next one sent for its profile."""
    invitation_model = apps.get_model("prescribers", "PractitionerInvitation")
    revoked = invitation_model.objects.filter(revoked_at__isnull=False)
    for invitation in revoked.iterator():
        newer = (
            invitation_model.objects.filter(profile_id=invitation.profile_id)
            .filter(
                models.Q(created_at__gt=invitation.created_at)
                | models.Q(created_at=invitation.created_at, pk__gt=invitation.pk)
            )
            .order_by("created_at", "pk")
            .first()
        )
        invitation.revoke_reason = "superseded"
        invitation.superseded_by = newer
        invitation.save(update_fields=["revoke_reason", "superseded_by"])


def unmark_superseded(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The fields are dropped on the way back; nothing to undo."""


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("prescribers", "0004_phone_numbers_e164"),
    ]

    operations = [
        migrations.RenameField("practitionerinvitation", "token_hash", "digest"),
        migrations.RenameField("practitionerinvitation", "account", "used_by"),
        migrations.AlterField(
            model_name="practitionerinvitation",
            name="digest",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="practitionerinvitation",
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
        migrations.AddField(
            model_name="practitionerinvitation",
            name="revoke_reason",
            field=models.CharField(blank=True, choices=REVOKE_REASONS, max_length=20),
        ),
        migrations.AddField(
            model_name="practitionerinvitation",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="practitionerinvitation",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="prescribers.practitionerinvitation",
            ),
        ),
        migrations.AlterField(
            model_name="practitionerinvitation",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(mark_superseded, unmark_superseded),
    ]
