"""Production settings: refuse to start without (or with weak) secret keys, read keys from
*_FILE, secure cookies and HSTS, and `legion check --deploy` clean."""

import os
import secrets
import subprocess
import sys

import pytest

pytestmark = pytest.mark.filterwarnings("ignore")

SECRETS = ("SECRET_KEY", "LEGION_FIELD_KEYS", "LEGION_BLIND_INDEX_KEY", "LEGION_AUDIT_KEY")


def production_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LEGION_FIELD_KEYS": "k1:" + secrets.token_urlsafe(32),
        "LEGION_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "LEGION_AUDIT_KEY": secrets.token_urlsafe(32),
    }


def legion(tmp_path, *args, **env_changes):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SECRETS
        and not key.endswith("_FILE")
        # Set by the browser tests for their live server; never in a deployment.
        and key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        LEGION_ENV="production",
        LEGION_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="legion.example",
        SITE_URL="https://legion.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'legion.sqlite3'}",
    )
    env.update({k: v for k, v in env_changes.items() if v is not None})
    for name in [k for k, v in env_changes.items() if v is None]:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "legion", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("missing", SECRETS)
def test_production_refuses_to_start_without_each_secret(tmp_path, missing):
    keys = production_secrets()
    keys.pop(missing)
    result = legion(tmp_path, "check", **keys)
    assert result.returncode != 0
    assert f"{missing} (or {missing}_FILE) must be set in production" in result.stderr
    assert not (tmp_path / "dev-secrets.json").exists()  # nothing generated in production


@pytest.mark.parametrize(
    "name,value",
    [
        ("LEGION_FIELD_KEYS", "k1:too-short"),
        ("LEGION_FIELD_KEYS", "no-key-id"),
        ("LEGION_BLIND_INDEX_KEY", "short"),
        ("LEGION_AUDIT_KEY", "short"),
        ("SECRET_KEY", "django-insecure-" + "x" * 50),
    ],
)
def test_production_refuses_malformed_or_weak_keys(tmp_path, name, value):
    result = legion(tmp_path, "check", **{**production_secrets(), name: value})
    assert result.returncode != 0
    assert name in result.stderr


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set in production"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name the site's hosts"),
        ({"DATABASE_URL": None}, "DATABASE_URL must be set in production"),
        ({"SITE_URL": None}, "SITE_URL must be set to the site's https:// address"),
        ({"SITE_URL": "http://legion.example"}, "SITE_URL must be set to the site's https://"),
        ({"DEBUG": "true"}, "DEBUG must be false in production"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"LEGION_SMTP_PORT": "smtp"}, "LEGION_SMTP_PORT must be an integer, not 'smtp'"),
        (
            {"LEGION_MAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "LEGION_MAIL_BACKEND must deliver mail in production",
        ),
        (
            {"LEGION_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
            "LEGION_TASK_BACKEND must queue tasks for a worker in production",
        ),
        ({"LEGION_SMTP_PASSWORD_FILE": "/nonexistent/smtp"}, "LEGION_SMTP_PASSWORD_FILE names"),
    ],
)
def test_production_refuses_a_missing_or_unsafe_setting_naming_it(tmp_path, changes, message):
    result = legion(tmp_path, "check", **{**production_secrets(), **changes})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_reads_secrets_from_files(tmp_path):
    files = {}
    for name, value in production_secrets().items():
        path = tmp_path / name.lower()
        path.write_text(value + "\n")
        files[f"{name}_FILE"] = str(path)
    result = legion(tmp_path, "check", **files)
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = legion(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_secrets()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_hsts_is_on(tmp_path):
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.DEBUG, [str(v) for v in s.SECURE_CSP['script-src'] + s.SECURE_CSP['style-src']])"
    )
    result = legion(tmp_path, "shell", "-c", script, **production_secrets())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "True True True True True True False [\"'self'\", \"'self'\"]"
    )


def test_no_secret_key_material_is_tracked_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    ).stdout.split()
    assert not [path for path in tracked if path.startswith("var/") or "secret" in path.lower()]
