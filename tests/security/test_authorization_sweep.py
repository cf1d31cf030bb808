"""The generated authorization sweep: every URL of the project, for every persona.

Every pattern of the URL conf is walked and must be classified (url_map.py: by name, or by a rule
for the admin's and allauth's families); a new URL nobody classified fails the first test. Each
persona then requests every pattern, GET and POST, with the ids of records that belong to other
personas filled into the URL (and into the query string and the form body). Each request runs
in a savepoint rolled back afterwards, so every request meets the same world. A request passes
when it:

- answers without a server error;
- refuses a foreign record in the URL (a redirect, 400, 403, 404, 405: never a 2xx);
- shows no marker of a record the persona may not see (names, titles, notes: see personas.py);
- changes no row that belongs to someone else (see ownership.py).

All violations of a persona are collected and reported at once.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.urls import resolve

from clinics.models import Clinic
from tests.security.personas import (
    PERSONAS,
    World,
    build_world,
)
from tests.security.sweep import Sweep, Tables
from tests.security.url_map import Pattern, classify, fillings, url_patterns


@pytest.fixture(autouse=True)
def _staff_without_second_factor(settings: Any) -> None:
    """Staff personas sign in with force_login: the sweep is about scoping, not about MFA."""
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _patterns() -> list[Pattern]:
    return [pattern for pattern in url_patterns() if classify(pattern) is not None]


def test_every_url_pattern_is_classified_and_fillable(world: World) -> None:
    unclassified = [p.name or p.route for p in url_patterns() if classify(p) is None]
    assert not unclassified, (
        "URL patterns the authorization sweep does not classify (add them to PAGES in "
        f"tests/security/url_map.py): {unclassified}"
    )
    unbuildable = []
    for pattern in url_patterns():
        for persona in PERSONAS:
            try:
                paths = fillings(world, persona, pattern)
            except LookupError as error:
                unbuildable.append(str(error))
                break
            for path, _foreign in paths[:1]:
                if resolve(path).func != pattern.callback:
                    unbuildable.append(
                        f"{pattern.name or pattern.route}: {path} resolves elsewhere"
                    )
    assert not unbuildable, unbuildable


def _report(persona: str, problems: list[str], requests: int) -> str:
    shown = "\n".join(problems[:150])
    more = f"\n… and {len(problems) - 150} more" if len(problems) > 150 else ""
    return f"{len(problems)} violations for {persona} in {requests} requests:\n{shown}{more}"


# The pages each persona must still reach, so that a sweep refused everywhere (a persona that
# lost its session, a staff member held at an MFA prompt) cannot pass for a safe one.
OWN_PAGES = {
    "anonymous": "public",
    "holder": "own",
    "member": "own",
    "outsider": "own",
    "tablet": "own",
    "practitioner": "own",
    "other_practitioner": "own",
    "clinic_staff": "admin",
    "other_clinic_staff": "admin",
    "pharmacy_staff": "admin",
}


def _sweep(world: World, persona: str, patterns: list[Pattern]) -> tuple[Sweep, list[str]]:
    tables = Tables()
    tables.prime()
    sweep = Sweep(world=world, tables=tables)
    return sweep, sweep.run(persona, patterns)


def _problems(world: World, persona: str, patterns: list[Pattern]) -> list[str]:
    return _sweep(world, persona, patterns)[1]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_reads_or_writes_across_families_or_clinics(world: World, persona: str) -> None:
    sweep, problems = _sweep(world, persona, _patterns())
    assert not problems, _report(persona, problems, sweep.requests)
    reached = sweep.answered[f"{OWN_PAGES[persona]} 200"]
    assert reached >= 3, f"{persona} reached almost none of its own pages: {sweep.answered}"


def _replace_everywhere(monkeypatch: pytest.MonkeyPatch, original: Any, replacement: Any) -> None:
    """Replaces a function in its module and in every module that imported it by name."""
    for module in list(sys.modules.values()):
        for name, value in list(vars(module).items()) if module else []:
            if value is original:
                monkeypatch.setattr(module, name, replacement)


def test_the_sweep_catches_a_portal_policy_that_leaks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep is itself tested: a policy letting anyone into every record must fail it."""
    from access_control import policy
    from access_control.models import PortalGrant

    def every_grant(*, user: Any) -> Any:
        return PortalGrant.objects.filter(revoked_at__isnull=True)

    _replace_everywhere(monkeypatch, policy.portal_grants_for, every_grant)
    portal = [p for p in _patterns() if p.name.startswith("portal:")]
    problems = _problems(world, "outsider", portal)
    assert any("showed care.Document" in problem for problem in problems), problems
    assert any("answered 200 for clinics.Patient" in problem for problem in problems), problems
    assert any("changed care.Appointment" in problem for problem in problems), problems


def test_the_sweep_catches_an_admin_that_shows_every_clinic(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staff scoping broken in the admin's one mixin: other clinics' rows show and change."""
    from clinics import selectors

    def every_clinic(*, user: Any) -> Any:
        return Clinic.objects.all()

    _replace_everywhere(monkeypatch, selectors.clinics_for_staff, every_clinic)
    care = [p for p in _patterns() if p.name.startswith(("admin:care_", "admin:clinics_patient"))]
    problems = _problems(world, "clinic_staff", care)
    assert any("answered 200 for clinics.Patient" in problem for problem in problems), problems
    assert any("showed care.Document" in problem for problem in problems), problems
    assert any("changed care.Appointment" in problem for problem in problems), problems
