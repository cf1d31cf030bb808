"""For modules of transactional tests (real commits: threads, the browser's live server).

A transactional test ends by emptying the database, which also removes the staff groups the data
migrations made. Django's `serialized_rollback` cannot put them back for browser tests: once
Playwright runs, the test thread sees fresh connection objects without the serialized copy. So
the groups are copied once, by natural key, and put back where these modules need them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.core import serializers
from pytest_django import DjangoDbBlocker


@pytest.fixture(scope="session")
def staff_groups_snapshot(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> str:
    """The staff groups and their permissions as the migrations made them."""
    with django_db_blocker.unblock():
        return serializers.serialize(
            "json",
            Group.objects.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )


def staff_groups_restore(snapshot: str) -> None:
    # A flush after a serialized-rollback test leaves no permissions either: make them first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for deserialized in serializers.deserialize("json", snapshot):
        deserialized.save()


@pytest.fixture
def staff_groups(staff_groups_snapshot: str, transactional_db: None) -> None:
    """The staff groups exist at the start of the test, whatever emptied the database before."""
    staff_groups_restore(staff_groups_snapshot)


@pytest.fixture(scope="module")
def staff_groups_kept(
    staff_groups_snapshot: str, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Puts the staff groups back once the module is done, for the tests that come after."""
    yield
    with django_db_blocker.unblock():
        staff_groups_restore(staff_groups_snapshot)
