"""Probing one persona: the requests it makes, and the checks each answer must pass.

Each request runs in a savepoint rolled back afterwards, so every request meets the same world.
A request passes when it answers without a server error; refuses a foreign record named in its
URL (a redirect, 400, 403, 404, 405: never a 2xx); shows no marker of a record the persona may
not see; and changes no row that belongs to someone else (ownership.py).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client

from care.models import Appointment, Document, FormAssignment
from clinics.models import Clinic, Patient, Practitioner, PractitionerClinic
from prescribers.models import EPrescription, PharmacyPatient, PrescriberProfile
from tests.security.ownership import ANCHOR_MODELS, ANCHORS, UNTRACKED
from tests.security.personas import STAFF, World
from tests.security.url_map import (
    FOREIGN_PER_KWARG,
    STRICT_CLASSES,
    Pattern,
    admin_model_for,
    build_path,
    classify,
    fillings,
    foreign_user_pks,
)

# Responses that refuse without a 2xx; anything else needs a body free of foreign markers.
REFUSALS = frozenset({301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 409, 410, 429})
READABLE_TYPES = ("text/", "application/json", "application/pdf", "application/javascript")


# --- Request bodies ---------------------------------------------------------------------------


def _first(world: World, persona: str, model: type[Model]) -> str:
    pks = world.foreign_pks(persona, model)
    return str(pks[0]) if pks else ""


def hostile_query(world: World, persona: str) -> dict[str, str]:
    """A query string naming foreign records by every name the pages read."""
    patient = _first(world, persona, Patient)
    return {
        "member": patient,
        "patient": _first(world, persona, PharmacyPatient) or patient,
        "profile": patient,
        "practitioner": _first(world, persona, Practitioner),
        "clinic": _first(world, persona, Clinic),
    }


def hostile_form(world: World, persona: str) -> dict[str, str]:
    """A plausible form naming foreign records: what a tampered page would post."""
    patient = _first(world, persona, Patient)
    combination = PractitionerClinic.objects.exclude(
        practitioner__user=world.personas[persona].user
    ).first()
    return {
        "patient": patient,
        "member": patient,
        "profile": patient,
        "document": _first(world, persona, Document),
        "appointment": _first(world, persona, Appointment),
        "assignment": _first(world, persona, FormAssignment),
        "practitioner": _first(world, persona, Practitioner),
        "practitioners": _first(world, persona, Practitioner),
        # The practitioner pages pick a practitioner/clinic combination; the admin, a clinic.
        "clinic": str(combination.pk)
        if persona.endswith("practitioner") and combination
        else _first(world, persona, Clinic),
        "keep": _first(world, persona, PrescriberProfile),
        "portal_account": str(foreign_user_pks(world, persona)[0]),
        "token": world.tokens[1],
        "code": "ABCD-2345",
        "relationship": "parent",
        "date_of_birth": "1990-05-17",
        "email": "mallory@example.com",
        "first_name": "Mallory",
        "last_name": "Mallory",
        "title": "Mallory",
        "name": "Mallory",
        "choice": "yes",
        "reason": "sweep",
        "archived": "yes",
        "action": "submit",
        "scope": "full",
        "username": "mallory",
        "login": "mallory@example.com",
        "password": "Wrong-Horse-41",
        "medication_name": "Mallorine",
        "strength": "1 mg",
        "dosage_form": "tablet",
        "quantity": "1",
        "refills": "0",
        "directions": "Take one.",
        "days_supply": "1",
        "address_line1": "1 Main Street",
        "city": "Springfield",
        "phone": "(555) 010-0000",
        "_selected_action": patient,
        "post": "yes",
    }


def hostile_json(world: World, persona: str) -> dict[str, Any]:
    combination = PractitionerClinic.objects.exclude(
        practitioner__user=world.personas[persona].user
    ).first()
    prescription = EPrescription.objects.filter(
        pk__in=world.foreign_pks(persona, EPrescription)
    ).first()
    return {
        "clinic": combination.pk if combination else 0,
        "external_id": prescription.external_id if prescription else "sweep",
        "patient": {"first_name": "Mallory", "last_name": "M", "date_of_birth": "1990-05-17"},
        "medication": {
            "name": "Mallorine",
            "strength": "1 mg",
            "dosage_form": "tablet",
            "quantity": "1",
            "refills": 0,
            "directions": "Take one.",
            "days_supply": 1,
        },
    }


@dataclass
class Probe:
    method: str
    path: str
    name: str
    kind: str
    foreign: list[str]
    data: Any = None
    query: dict[str, str] | None = None
    json: bool = False

    def label(self) -> str:
        extra = " with a hostile body" if self.data else ""
        extra += " with a hostile query" if self.query else ""
        return f"{self.method} {self.path} ({self.name or 'unnamed'}){extra}"


def _admin_action_probes(
    world: World, persona: str, pattern: Pattern, model: type[Model]
) -> Iterator[Probe]:
    selected = [str(pk) for pk in world.foreign_pks(persona, model)[:FOREIGN_PER_KWARG]]
    model_admin = admin.site._registry[model]
    for _func, action, _description in model_admin._get_base_actions():
        yield Probe(
            "POST",
            build_path(pattern, {}),
            pattern.name,
            "admin",
            [],
            data={"action": action, "_selected_action": selected, "index": "0", "post": "yes"},
        )


def _autocomplete_probes(pattern: Pattern) -> Iterator[Probe]:
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            yield Probe(
                "GET",
                build_path(pattern, {}),
                pattern.name,
                "admin",
                [],
                query={
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                    "term": "",
                },
            )


def probes_for(world: World, persona: str, patterns: list[Pattern]) -> Iterator[Probe]:
    staff = persona in STAFF
    query = hostile_query(world, persona)
    form = hostile_form(world, persona)
    body = hostile_json(world, persona)
    for pattern in patterns:
        kind = classify(pattern)
        assert kind is not None
        paths = fillings(world, persona, pattern)
        if kind == "admin" and not staff:
            # The admin turns away everyone but staff before any view runs: one of each suffices.
            paths = paths[:1]
        for path, foreign in paths:
            common = {"path": path, "name": pattern.name, "kind": kind, "foreign": foreign}
            yield Probe("GET", **common)
            yield Probe("POST", **common)
            if kind == "api":
                yield Probe("POST", **common, data=body, json=True)
            elif kind != "admin" or staff:
                yield Probe("POST", **common, data=form)
            if kind != "admin":
                yield Probe("GET", **common, query=query)
        if staff and pattern.name.endswith("_changelist"):
            model = admin_model_for(pattern)
            assert model is not None
            yield from _admin_action_probes(world, persona, pattern, model)
        if staff and pattern.name == "admin:autocomplete":
            yield from _autocomplete_probes(pattern)


# --- Checking one request -------------------------------------------------------------------

WRITE_SQL = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)


class _Rollback(Exception):
    """Undoes everything a probe changed, so every probe meets the same world."""


class Tables:
    """Row fingerprints of the world before any probe, and what a probe changed."""

    def __init__(self) -> None:
        self.models = {model._meta.db_table: model for model in apps.get_models()}
        self._before: dict[str, dict[Any, tuple[str, list[tuple[str, Any]]]]] = {}
        self.universe = {
            kind: set(apps.get_model(label)._base_manager.values_list("pk", flat=True))
            for kind, label in ANCHOR_MODELS.items()
        }

    def rows(self, model: type[Model]) -> dict[Any, tuple[str, list[tuple[str, Any]]]]:
        anchors = ANCHORS.get(model._meta.label, [])
        columns = [f.attname for f in model._meta.concrete_fields]
        lookups = [lookup for _kind, lookup in anchors]
        rows = {}
        for values in model._base_manager.order_by().values_list("pk", *columns, *lookups):
            row_anchors = [
                (kind, value)
                for (kind, _lookup), value in zip(anchors, values[1 + len(columns) :], strict=True)
            ]
            rows[values[0]] = (repr(values[1 : 1 + len(columns)]), row_anchors)
        return rows

    def baseline(self, model: type[Model]) -> dict[Any, tuple[str, list[tuple[str, Any]]]]:
        label = model._meta.label
        if label not in self._before:
            self._before[label] = self.rows(model)
        return self._before[label]

    def prime(self) -> None:
        for model in self.models.values():
            if model._meta.label not in UNTRACKED and model._meta.managed:
                self.baseline(model)

    def foreign_writes(self, world: World, persona: str, tables: set[str]) -> list[str]:
        scope = world.scopes[persona]
        problems = []
        for table in sorted(tables):
            model = self.models.get(table)
            if model is None or model._meta.label in UNTRACKED:
                continue
            label = model._meta.label
            before, after = self.baseline(model), self.rows(model)
            changed = {
                pk
                for pk in before.keys() | after.keys()
                if before.get(pk, ("", []))[0] != after.get(pk, ("", []))[0]
            }
            for pk in sorted(changed, key=str):
                anchors = before.get(pk, ("", []))[1] + after.get(pk, ("", []))[1]
                if label not in ANCHORS:
                    problems.append(f"changed {label} #{pk}, which no persona owns")
                    continue
                for kind, value in anchors:
                    if value is None or value not in self.universe[kind]:
                        continue
                    if not scope.allows(model_label=label, kind=kind, value=value):
                        problems.append(f"changed {label} #{pk} of {kind} #{value}")
                        break
        return problems


def _body(response: Any) -> str:
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(READABLE_TYPES):
        return ""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="ignore").lower()


def _send(client: Client, probe: Probe, persona: Any) -> Any:
    headers = {}
    if probe.kind == "api" and persona.api_token:
        headers["Authorization"] = f"Bearer {persona.api_token}"
    if probe.method == "GET":
        return client.get(probe.path, probe.query or {}, headers=headers)
    if probe.json:
        return client.post(probe.path, probe.data, content_type="application/json", headers=headers)
    return client.post(probe.path, probe.data or {}, headers=headers)


@dataclass
class Sweep:
    world: World
    tables: Tables
    requests: int = 0
    answered: Counter[str] = field(default_factory=Counter)

    def run(self, persona_name: str, patterns: list[Pattern]) -> list[str]:
        persona = self.world.personas[persona_name]
        client = Client(raise_request_exception=False)
        if persona.user is not None:
            client.force_login(persona.user)
        markers = {m.lower(): what for m, what in self.world.foreign_markers(persona_name).items()}
        finder = re.compile("|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True)))
        problems: list[str] = []
        for probe in probes_for(self.world, persona_name, patterns):
            self.requests += 1
            for problem in self._check(client, persona, probe, markers, finder):
                problems.append(f"{persona_name}: {probe.label()}: {problem}")
        return problems

    def _check(
        self, client: Client, persona: Any, probe: Probe, markers: dict[str, str], finder: Any
    ) -> list[str]:
        cookies = copy.deepcopy(client.cookies)
        written: set[str] = set()

        def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            match = WRITE_SQL.match(sql)
            if match:
                written.add(match.group(1))
            return execute(sql, params, many, context)

        problems: list[str] = []
        try:
            with transaction.atomic(), connection.execute_wrapper(spy):
                response = _send(client, probe, persona)
                status = response.status_code
                self.answered[f"{probe.kind} {status}"] += 1
                if status >= 500:
                    problems.append(f"answered {status}")
                elif status not in REFUSALS:
                    if probe.foreign and probe.kind in STRICT_CLASSES and 200 <= status < 300:
                        problems.append(f"answered {status} for {', '.join(probe.foreign)}")
                    seen = {markers[m] for m in finder.findall(_body(response))}
                    if seen:
                        problems.append(f"showed {', '.join(sorted(seen))}")
                if written:
                    problems += self.tables.foreign_writes(self.world, persona.name, written)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            client.cookies = cookies
        return problems
