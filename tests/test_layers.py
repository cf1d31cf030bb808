"""The layers of DESIGN.md: imports and URL names point down the list, never up."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.pages import Page, page_url

LAYERS = {
    "accounts": 1,
    "outbox": 1,
    "audit": 1,
    "clinics": 2,
    "access_control": 3,
    "care": 4,
    "family_links": 4,
    "prescribers": 4,
    "portal": 5,
}
ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
_NAMED_URL = re.compile(
    r"""(?:\breverse|\breverse_lazy|\bredirect|\bresolve_url)\(\s*["']([\w:.-]+)["']"""
    r"""|\{%\s*url\s+["']([\w:.-]+)["']"""
)
_TEMPLATE_NAME = re.compile(r"""["']([\w/.-]+\.(?:html|txt))["']""")
_INCLUDE = re.compile(r"""\{%\s*include\s+["']([\w/.-]+)["']""")


def _python_files(app: str) -> Iterator[Path]:
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _templates_of(app: str) -> set[Path]:
    """The templates an app renders: its own folder, those its code names, and their includes."""
    found = set((TEMPLATES / app).rglob("*.*"))
    for path in _python_files(app):
        found |= {TEMPLATES / name for name in _TEMPLATE_NAME.findall(path.read_text())}
    pending = [path for path in found if path.is_file()]
    while pending:
        for name in _INCLUDE.findall(pending.pop().read_text()):
            included = TEMPLATES / name
            if included not in found and included.is_file():
                found.add(included)
                pending.append(included)
    return {path for path in found if path.is_file()}


def _owner_app(module: str) -> str | None:
    top = module.split(".", 1)[0]
    return top if top in LAYERS else None


def _url_owners(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> dict[str, str]:
    """Every URL name (with its namespaces) and the app whose view answers it."""
    owners: dict[str, str] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            owners.update(_url_owners(pattern.url_patterns, inner))
        elif pattern.name:
            app = _owner_app(getattr(pattern.callback, "__module__", ""))
            if app is not None:
                owners[f"{prefix}{pattern.name}"] = app
    return owners


def upward_url_names(*, app: str, text: str, owners: dict[str, str]) -> list[str]:
    """The URL names in this text that belong to an app above `app`."""
    names = [python or template for python, template in _NAMED_URL.findall(text)]
    return [
        f"{name} ({owners[name]})"
        for name in names
        if name in owners and LAYERS[owners[name]] > LAYERS[app]
    ]


def upward_imports(*, app: str, source: str) -> list[str]:
    """The modules this source imports (anywhere in it) from an app above `app`."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
    return [
        module
        for module in modules
        if (owner := _owner_app(module)) is not None and LAYERS[owner] > LAYERS[app]
    ]


@pytest.mark.parametrize(
    "app", [app for app, layer in LAYERS.items() if layer < max(LAYERS.values())]
)
def test_no_app_names_a_url_of_an_app_above_it(app: str) -> None:
    owners = _url_owners()
    found = {
        str(path.relative_to(ROOT)): upward
        for path in [*_python_files(app), *_templates_of(app)]
        if (upward := upward_url_names(app=app, text=path.read_text(), owners=owners))
    }
    assert found == {}


@pytest.mark.parametrize("app", list(LAYERS))
def test_no_app_imports_an_app_above_it(app: str) -> None:
    found = {
        str(path.relative_to(ROOT)): upward
        for path in _python_files(app)
        if (upward := upward_imports(app=app, source=path.read_text()))
    }
    assert found == {}


def test_the_url_scan_catches_an_upward_name_in_code_and_in_a_template() -> None:
    owners = {"portal:home": "portal", "account_login": "accounts"}
    code = 'redirect("portal:home")\nreverse("account_login")'
    template = "<a href=\"{% url 'portal:home' %}\">home</a>"
    assert upward_url_names(app="access_control", text=code, owners=owners) == [
        "portal:home (portal)"
    ]
    assert upward_url_names(app="accounts", text=template, owners=owners) == [
        "portal:home (portal)"
    ]
    assert upward_url_names(app="portal", text=code, owners=owners) == []


def test_the_url_map_knows_which_app_answers_each_name() -> None:
    owners = _url_owners()
    assert owners["portal:home"] == "portal"
    assert owners["practitioner:home"] == "prescribers"
    assert owners["access_control:invitation_accept"] == "access_control"


def test_the_import_scan_catches_an_upward_import_even_inside_a_function() -> None:
    source = "from clinics.models import Patient\ndef f():\n    from portal import views\n"
    assert upward_imports(app="access_control", source=source) == ["portal"]
    assert upward_imports(app="portal", source=source) == []


_PAGE_KWARGS = {Page.PORTAL_PROFILE: {"patient_id": 1}, Page.PORTAL_FORM: {"assignment_id": 1}}


@pytest.mark.parametrize("page", list(Page))
def test_every_page_a_lower_app_asks_for_is_registered_by_its_owner(page: Page) -> None:
    assert page_url(page, **_PAGE_KWARGS.get(page, {})).startswith("/")
