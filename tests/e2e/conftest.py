"""Browser tests: Playwright drives Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

# Playwright runs an event loop in the test thread; the ORM calls the tests make are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# The README's screenshots change only when asked (REFRESH_SCREENSHOTS=1); otherwise every run
# writes to an ignored folder, so a test run leaves the work tree clean.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("REFRESH_SCREENSHOTS") == "1"
    else ROOT / "test-results" / "screenshots"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _chromium_present() -> None:
    if not Path(CHROMIUM).exists():
        reason = "needs Chromium from Debian's packages (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"CI must run browser tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _no_security_policy_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """A page that breaks the Content-Security-Policy (inline code, a foreign host) or sends a
    Permissions-Policy the browser cannot read fails the test that opened it."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and any(
            marker in message.text for marker in ("Content Security Policy", "Permissions-Policy")
        ):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield
    assert not errors, "\n".join(errors)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def sign_in(page: Any, base_url: str, login: str, password: str) -> None:
    """Signs in through the real allauth page, the way a person would."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign In").click()


def screenshot(page: Any, name: str) -> None:
    """Saves a screenshot (for the README with REFRESH_SCREENSHOTS=1)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
