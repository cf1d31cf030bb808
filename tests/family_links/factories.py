from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tokens import token_digest
from family_links.codes import code_digest, code_generate
from family_links.models import AccessLink
from tests.factories import PatientFactory


class AccessLinkFactory(DjangoModelFactory[AccessLink]):
    """A pending link; pass `token=` and `code=` to know what a test opens it with."""

    class Meta:
        model = AccessLink

    class Params:
        token = factory.Sequence(lambda n: f"test-access-link-token-{n}")
        code = factory.LazyFunction(code_generate)

    patient = factory.SubFactory(PatientFactory)
    digest = factory.LazyAttribute(lambda o: token_digest(o.token))
    code_digest = factory.LazyAttribute(lambda o: code_digest(o.code))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
