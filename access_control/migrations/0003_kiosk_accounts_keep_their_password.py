from django.db import migrations
from django.db.models import Exists, OuterRef

# An intake-forms-only account (the front-desk tablet) may no longer change its password, so
# one still asked to choose a new password would be stuck: it keeps the password staff chose.


def kiosks_keep_their_password(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    PortalGrant = apps.get_model("access_control", "PortalGrant")
    intake = PortalGrant.objects.filter(account=OuterRef("pk"), scope="forms_only")
    full = PortalGrant.objects.filter(account=OuterRef("pk"), scope="full", revoked_at__isnull=True)
    User.objects.filter(must_change_password=True, is_staff=False).filter(
        Exists(intake), ~Exists(full)
    ).update(must_change_password=False)


class Migration(migrations.Migration):
    dependencies = [
        ("access_control", "0002_staff_group_permissions"),
    ]
    operations = [migrations.RunPython(kiosks_keep_their_password, migrations.RunPython.noop)]
