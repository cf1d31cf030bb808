"""The project's URL patterns, how each is classified, and how to fill one with foreign ids.

Every pattern must be classified: by name in PAGES, or by rule for the admin's and allauth's
families. A new URL that is not fails test_every_url_pattern_is_classified_and_fillable.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.http import int_to_base36

from care.models import Appointment, Document, FormAssignment
from clinics.models import Clinic, Patient
from prescribers.models import ApiToken, EPrescription
from tests.security.personas import (
    World,
)

# --- Classification -------------------------------------------------------------------------
# public   anyone may load it; it names no record
# own      the signed-in persona's own pages (lists and forms of their own records)
# object   its URL names a record: a foreign one must be refused
# token    its URL carries a secret from an email; nonsense and stored digests open nothing
# api      the bearer-token API; a record in its URL is an object too
# admin    the staff admin (by rule); an object id in its URL is an object too
# allauth  allauth's own-account pages (by rule)
PAGES: dict[str, str] = {
    "home": "public",
    "api-schema": "public",
    "api-docs": "public",
    "access_control:invitation_accept": "token",
    "family_links:redeem": "token",
    "practitioner:invitation_accept": "token",
    "portal:home": "own",
    "portal:record": "object",
    "portal:profiles:index": "own",
    "portal:profiles:switch": "own",
    "portal:profiles:add_code": "own",
    "portal:profiles:profile": "object",
    "portal:profiles:edit": "object",
    "portal:profiles:email": "object",
    "portal:profiles:remove": "object",
    "portal:care:documents": "own",
    "portal:care:document_download": "object",
    "portal:care:appointments": "own",
    "portal:care:book": "own",
    "portal:care:appointment_cancel": "object",
    "portal:care:plans": "own",
    "portal:care:forms": "own",
    "portal:care:form": "object",
    "practitioner:home": "own",
    "practitioner:clinics": "own",
    "practitioner:clinic_create": "own",
    "practitioner:clinic_edit": "object",
    "practitioner:clinic_archive": "object",
    "practitioner:prescription_new": "own",
    "practitioner:history": "own",
    "practitioner:api_tokens": "own",
    "practitioner:api_token_revoke": "object",
    "api-eprescriptions": "api",
    "api-eprescription-detail": "api",
}
ALLAUTH_PREFIXES = ("account_", "mfa_", "usersessions_", "socialaccount_", "headless_")
STRICT_CLASSES = frozenset({"object", "api", "admin"})

# URL kwargs naming a record of this model.
OBJECT_KWARGS: dict[str, type[Model]] = {
    "patient_id": Patient,
    "document_id": Document,
    "appointment_id": Appointment,
    "assignment_id": FormAssignment,
    "clinic_id": Clinic,
    "token_id": ApiToken,
    "prescription_id": EPrescription,
}
# How many foreign records fill each URL kwarg: the closest first (same family, same clinic,
# then the other clinic). Admin pages share one scoping mixin, so one record per page suffices.
FOREIGN_PER_KWARG = 3
FOREIGN_PER_ADMIN_KWARG = 1


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    pieces: tuple[Any, ...]
    kwargs: tuple[str, ...]
    callback: Callable[..., Any]


def url_patterns() -> Iterator[Pattern]:
    def walk(
        resolver: URLResolver, pieces: tuple[Any, ...], namespaces: tuple[str, ...]
    ) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            chain = (*pieces, entry.pattern)
            if isinstance(entry, URLResolver):
                spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
                yield from walk(entry, chain, spaces)
            elif isinstance(entry, URLPattern):
                route = "".join(str(piece) for piece in chain)
                kwargs = tuple(
                    name for piece in chain for name in _kwarg_names(piece) if name is not None
                )
                yield Pattern(
                    name=":".join((*namespaces, entry.name or "")),
                    route=route,
                    pieces=chain,
                    kwargs=kwargs,
                    callback=entry.callback,
                )

    yield from walk(get_resolver(), (), ())


def _kwarg_names(piece: Any) -> list[str]:
    if isinstance(piece, RoutePattern):
        return re.findall(r"<(?:\w+:)?(\w+)>", str(piece))
    if isinstance(piece, RegexPattern):
        return list(piece.regex.groupindex)
    return []


def admin_model_for(pattern: Pattern) -> type[Model] | None:
    """The model an admin URL belongs to, from its name or, for the unnamed redirect, its route."""
    for model in admin.site._registry:
        opts = model._meta
        if pattern.name.startswith(f"admin:{opts.app_label}_{opts.model_name}_"):
            return model
        if pattern.route.startswith(f"admin/{opts.app_label}/{opts.model_name}/"):
            return model
    return None


def classify(pattern: Pattern) -> str | None:
    if pattern.name in PAGES:
        return PAGES[pattern.name]
    if pattern.name.startswith("admin:") and (
        pattern.name != "admin:" or admin_model_for(pattern) or pattern.kwargs == ("url",)
    ):
        return "admin"
    if ":" not in pattern.name and pattern.name.startswith(ALLAUTH_PREFIXES):
        return "allauth"
    return None


# --- Filling URLs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    value: str
    foreign: str | None  # what foreign record the value names, if any


def _portal_access_actions() -> list[str]:
    from access_control.tabs import PORTAL_ACCESS_ACTIONS

    return list(PORTAL_ACCESS_ACTIONS)


def _profile_action_slugs() -> list[str]:
    from prescribers.admin.actions import ACTIONS_BY_SLUG

    return list(ACTIONS_BY_SLUG)


def _targets(world: World, persona: str, pattern: Pattern, kwarg: str) -> list[Target]:
    limit = FOREIGN_PER_ADMIN_KWARG if pattern.name.startswith("admin:") else FOREIGN_PER_KWARG

    def foreign(model: type[Model]) -> list[Target]:
        pks = world.foreign_pks(persona, model)[:limit]
        return [Target(str(pk), f"{model._meta.label} #{pk}") for pk in pks]

    if kwarg in OBJECT_KWARGS:
        return foreign(OBJECT_KWARGS[kwarg])
    if kwarg == "object_id" and pattern.name == "admin:view_on_site":
        return foreign(Patient)
    if kwarg in ("object_id", "id") and pattern.name.startswith("admin:"):
        model = admin_model_for(pattern)
        assert model is not None, pattern
        return foreign(model)
    if kwarg == "pk" and pattern.name.startswith("mfa_"):
        return foreign(apps.get_model("mfa", "Authenticator"))
    simple: dict[str, Callable[[], list[str]]] = {
        "token": lambda: world.tokens,
        "content_type_id": lambda: [str(ContentType.objects.get_for_model(Patient).pk)],
        "app_label": lambda: sorted({m._meta.app_label for m in admin.site._registry}),
        "url": lambda: ["no/such/page/"],
        "key": lambda: ["no-such-key"],
        "uidb36": lambda: [int_to_base36(int(pk)) for pk in foreign_user_pks(world, persona)],
    }
    if kwarg in simple:
        return [Target(value, None) for value in simple[kwarg]()]
    # Sub-pages of one admin page, by name: a new one must say which values it takes.
    named: dict[tuple[str, str], Callable[[], list[str]]] = {
        ("admin:clinics_patient_portal_access_action", "action"): _portal_access_actions,
        ("admin:prescribers_prescriberprofile_action", "slug"): _profile_action_slugs,
    }
    if (pattern.name, kwarg) in named:
        return [Target(value, None) for value in named[pattern.name, kwarg]()]
    raise LookupError(f"{pattern.name or pattern.route}: no rule fills the URL kwarg {kwarg!r}")


def foreign_user_pks(world: World, persona: str) -> list[int]:
    return world.foreign_pks(persona, apps.get_model(django_settings.AUTH_USER_MODEL))[:1]


def build_path(pattern: Pattern, values: dict[str, str]) -> str:
    parts = []
    for piece in pattern.pieces:
        text = str(piece)
        if isinstance(piece, RoutePattern):
            text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], text)
        else:
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], text)
            text = text.removeprefix("^").removesuffix("$").replace("\\", "")
        parts.append(text)
    return "/" + "".join(parts)


def fillings(world: World, persona: str, pattern: Pattern) -> list[tuple[str, list[str]]]:
    """Each concrete path for the pattern, with the foreign records it names."""
    if not pattern.kwargs:
        return [(build_path(pattern, {}), [])]
    choices = [_targets(world, persona, pattern, kwarg) for kwarg in pattern.kwargs]
    paths = []
    for combo in itertools.product(*choices):
        values = {kwarg: target.value for kwarg, target in zip(pattern.kwargs, combo, strict=True)}
        foreign = [target.foreign for target in combo if target.foreign]
        paths.append((build_path(pattern, values), foreign))
    return paths
