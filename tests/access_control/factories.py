from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_control.models import (
    GrantScope,
    GrantSource,
    PortalGrant,
    PortalInvitation,
    Relationship,
)
from accounts.tokens import token_digest
from tests.factories import PatientFactory, UserFactory


class PortalGrantFactory(DjangoModelFactory[PortalGrant]):
    class Meta:
        model = PortalGrant

    account = factory.SubFactory(UserFactory)
    patient = factory.SubFactory(PatientFactory)
    relationship = Relationship.SELF
    scope = GrantScope.FULL
    source = GrantSource.INVITATION


class PortalInvitationFactory(DjangoModelFactory[PortalInvitation]):
    """A pending invitation; pass `token=` to know the raw token a test opens it with."""

    class Meta:
        model = PortalInvitation

    class Params:
        token = factory.Sequence(lambda n: f"test-invitation-token-{n}")

    patient = factory.SubFactory(PatientFactory)
    email = factory.LazyAttribute(lambda o: o.patient.email)
    digest = factory.LazyAttribute(lambda o: token_digest(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
