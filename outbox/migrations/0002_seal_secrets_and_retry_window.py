import django.utils.timezone
from django.db import migrations, models

# Purposes whose mail carried a live link or code in its text before secrets were sealed.
PURPOSES_WITH_SECRETS = [
    "portal_invitation",
    "family_links:access_link",
    "prescribers:practitioner_invitation",
    "account:password_reset_key",
    "account:password_reset_code",
    "account:email_confirmation",
    "account:email_confirmation_signup",
    "account:login_code",
]
REMOVED = "[This email carried a link or code. Its text was removed so that no live link stays stored.]"


def start_windows_and_drop_stored_links(apps, schema_editor):
    Email = apps.get_model("outbox", "Email")
    Email.objects.update(queued_at=models.F("created_at"))
    # Rows written before sealing hold their links in the clear; those already final never
    # need their text again, and the rest are sent as they are.
    Email.objects.filter(
        purpose__in=PURPOSES_WITH_SECRETS, status__in=["sent", "failed", "cancelled"]
    ).update(body_text=REMOVED, body_html="")


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="email",
            name="sealed_secrets",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text=(
                    "The links and codes hidden from the bodies, encrypted; emptied once the row"
                    " is final."
                ),
            ),
        ),
        migrations.AddField(
            model_name="email",
            name="carries_secrets",
            field=models.BooleanField(
                default=False, help_text="Whether the bodies hide a link or code until sending."
            ),
        ),
        migrations.AddField(
            model_name="email",
            name="cancel_reason",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="email",
            name="queued_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text=(
                    "When sending began (or staff resent it); retries stop a while after this."
                ),
            ),
        ),
        migrations.RunPython(start_windows_and_drop_stored_links, migrations.RunPython.noop),
    ]
