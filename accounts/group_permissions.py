"""Used by data migrations to give the staff groups their permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions


def groups_grant(*, apps: Any, grants: dict[str, list[str]]) -> None:
    """Creates each group if needed and gives it the named "app_label.codename" permissions."""
    # Permissions are normally created after migrations; a data migration must make them first.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, codes in grants.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
