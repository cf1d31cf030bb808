"""In production the session and CSRF cookies carry the __Host- prefix: browsers then accept
them only when Secure, for path "/" and without a Domain, so no subdomain can plant one."""

from __future__ import annotations

import json

from tests.test_settings import PRODUCTION, _run

_PROBE = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_project.settings")
import django
django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory

def page(request):
    get_token(request)  # what any page with a form does
    return HttpResponse()

request = RequestFactory().get("/", secure=True, HTTP_HOST="portal.example.com")
response = CsrfViewMiddleware(page)(request)
csrf = response.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "session_name": settings.SESSION_COOKIE_NAME,
    "session": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_PATH,
                settings.SESSION_COOKIE_DOMAIN],
    "csrf_name": settings.CSRF_COOKIE_NAME,
    "csrf_cookie": csrf.output(header=""),
}))
"""


def test_production_cookies_have_the_host_prefix_secure_root_path_and_no_domain() -> None:
    result = _run(["-c", _PROBE], PRODUCTION)

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["session_name"] == "__Host-sessionid"
    assert found["session"] == [True, "/", None]
    assert found["csrf_name"] == "__Host-csrftoken"
    cookie = found["csrf_cookie"]
    assert cookie.strip().startswith("__Host-csrftoken=")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie


def test_local_runs_keep_the_plain_cookie_names() -> None:
    result = _run(
        [
            "-c",
            "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal_project.settings');"
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)",
        ],
        {"DEBUG": "true"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sessionid", "csrftoken"]
