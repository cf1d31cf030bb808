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
