"""Settings come from the environment only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7$Kq!p2ZmV9rT4wL8nB3cY6hJ1dF5gS0aQeRuIoPzXv-4r8Tn2Wc6Hy1Jm5Kd9Lp3Qs7",
    "ALLOWED_HOSTS": "portal.example.com",
    "SITE_URL": "https://portal.example.com",
}


def _run(args: list[str], extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _setting(name: str, extra_env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'portal_project.settings'); django.setup(); from django.conf import settings; "
        f"print(repr({name}))"
    )
    result = _run(["-c", code], extra_env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_reports_nothing_on_check_deploy_with_production_variables() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key() -> None:
    result = _run(["manage.py", "check"], {**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_defaults_to_sqlite_inline_tasks_and_console_mail() -> None:
    assert "sqlite3" in _setting("settings.DATABASES['default']['ENGINE']", {})
    assert _setting("settings.CELERY_TASK_ALWAYS_EAGER", {}) == "True"
    assert "console" in _setting("settings.EMAIL_BACKEND", {})


def test_it_switches_to_postgresql_with_persistent_checked_connections() -> None:
    env = {"DATABASE_URL": "postgres://u:p@db.internal:5432/portal"}
    assert "postgresql" in _setting("settings.DATABASES['default']['ENGINE']", env)
    assert int(_setting("settings.DATABASES['default']['CONN_MAX_AGE']", env)) > 0
    assert _setting("settings.DATABASES['default']['CONN_HEALTH_CHECKS']", env) == "True"


def test_it_switches_to_a_real_broker_and_redis_cache_with_redis_url() -> None:
    env = {"REDIS_URL": "redis://cache.internal:6379/0"}
    assert _setting("settings.CELERY_TASK_ALWAYS_EAGER", env) == "False"
    assert _setting("settings.CELERY_BROKER_URL", env) == "'redis://cache.internal:6379/0'"
    assert "RedisCache" in _setting("settings.CACHES['default']['BACKEND']", env)


def test_it_sends_by_smtp_when_a_mail_host_is_set() -> None:
    assert "smtp" in _setting("settings.EMAIL_BACKEND", {"EMAIL_HOST": "smtp.example.com"})


def test_it_refuses_to_start_with_a_bad_number_and_names_the_variable() -> None:
    result = _run(["manage.py", "check"], {"OUTBOX_RETRY_FOR_HOURS": "abc"})
    assert result.returncode != 0
    assert 'Environment variable "OUTBOX_RETRY_FOR_HOURS" invalid: Not a valid number.' in (
        result.stderr
    )
    result = _run(["manage.py", "check"], {"PORTAL_SESSION_IDLE_MINUTES": "thirty"})
    assert 'Environment variable "PORTAL_SESSION_IDLE_MINUTES" invalid: Not a valid integer.' in (
        result.stderr
    )


def test_it_refuses_to_start_with_a_bad_switch_and_names_the_variable() -> None:
    result = _run(["manage.py", "check"], {"STAFF_MFA_REQUIRED": "maybe"})
    assert result.returncode != 0
    assert 'Environment variable "STAFF_MFA_REQUIRED" invalid: Not a valid boolean.' in (
        result.stderr
    )


def test_a_blank_switch_or_list_means_its_default() -> None:
    env = {"DEBUG": "", "ALLOWED_HOSTS": "", "STAFF_MFA_REQUIRED": " "}
    assert _setting("(settings.DEBUG, settings.STAFF_MFA_REQUIRED)", env) == "(True, False)"
    assert _setting("settings.ALLOWED_HOSTS", env) == str(
        ["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
    assert _setting("settings.CSRF_TRUSTED_ORIGINS", {"CSRF_TRUSTED_ORIGINS": " a, b,, "}) == str(
        ["a", "b"]
    )


def test_the_defaults_with_an_empty_environment_are_unchanged() -> None:
    names = [
        "DEBUG",
        "SITE_URL",
        "OUTBOX_RETRY_BASE_SECONDS",
        "OUTBOX_RETRY_MAX_DELAY_SECONDS",
        "OUTBOX_RETRY_FOR_HOURS",
        "OUTBOX_STUCK_AFTER.total_seconds()",
        "OUTBOX_SENDING_TIMEOUT_SECONDS",
        "TRUSTED_PROXY_COUNT",
        "STAFF_MFA_REQUIRED",
        "PORTAL_INVITATION_TTL.days",
        "PORTAL_SESSION_IDLE_TIMEOUT.total_seconds()",
        "SESSION_COOKIE_AGE",
        "ACCESS_LINK_TTL.days",
        "ACCESS_LINK_REMINDER_LEAD.total_seconds()",
        "ACCESS_CODE_ATTEMPTS_PER_ACCOUNT",
        "ACCESS_CODE_ATTEMPTS_PER_IP",
        "ACCESS_CODE_ATTEMPT_WINDOW.total_seconds()",
        "API_TOKEN_TTL.days",
        "API_THROTTLE_RATE",
        "API_MAX_BODY_BYTES",
        "DOCUMENT_MAX_BYTES",
        "ACCOUNT_RATE_LIMITS['login_failed']",
        "PHONENUMBER_DEFAULT_REGION",
    ]
    values = _setting("[" + ", ".join(f"settings.{name}" for name in names) + "]", {})
    assert values == repr(
        [
            True,
            "http://127.0.0.1:8000",
            30,
            600,
            48.0,
            300.0,
            180,
            0,
            False,
            3,
            1800.0,
            43200,
            5,
            86400.0,
            10,
            30,
            3600.0,
            90,
            "120/min",
            65536,
            10485760,
            "10/m/ip,5/5m/key",
            "US",
        ]
    )


def test_production_switches_default_on_and_mail_settings_parse() -> None:
    env = {**PRODUCTION, "EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "465"}
    names = (
        "(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD, "
        "settings.SECURE_PROXY_SSL_HEADER, settings.STAFF_MFA_REQUIRED, settings.EMAIL_PORT, "
        "settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT, settings.ALLOWED_HOSTS)"
    )
    assert _setting(names, env) == repr(
        (
            True,
            31536000,
            True,
            True,
            ("HTTP_X_FORWARDED_PROTO", "https"),
            True,
            465,
            False,
            20,
            ["portal.example.com"],
        )
    )
