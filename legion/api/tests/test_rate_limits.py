"""Rate limits per token and per client address, counted in the cache all processes share."""

import subprocess
import sys

import pytest
from django.test import Client

from legion.api.tokens import api_token_create
from legion.ratelimit import Limit, rate_limit_hit

pytestmark = pytest.mark.django_db


def token_for(user) -> str:
    return api_token_create(username=user.username, name="limits", scope="read_write")[1]


def test_a_token_over_its_limit_gets_429_with_retry_after(settings, officer):
    settings.LEGION_API_RATE_PER_TOKEN = "3/60"
    client = Client(headers={"Authorization": f"Bearer {token_for(officer)}"})
    assert [client.get("/api/v1/missions").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/missions")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_another_token_from_the_same_address_keeps_its_own_allowance(settings, officer, consul):
    settings.LEGION_API_RATE_PER_TOKEN = "2/60"
    first = Client(headers={"Authorization": f"Bearer {token_for(officer)}"})
    second = Client(headers={"Authorization": f"Bearer {token_for(consul)}"})
    for _ in range(2):
        first.get("/api/v1/missions")
    assert first.get("/api/v1/missions").status_code == 429
    assert second.get("/api/v1/missions").status_code == 200


def test_an_address_guessing_tokens_is_limited_without_a_valid_token(settings):
    settings.LEGION_API_RATE_PER_ADDRESS = "5/60"
    answers = [
        Client(headers={"Authorization": f"Bearer lgn_guess{i}"}).get("/api/v1/cases").status_code
        for i in range(7)
    ]
    assert answers == [401] * 5 + [429] * 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.9").get("/api/v1/cases")
    assert other.status_code == 401


def test_the_window_ends_and_the_count_starts_again(settings):
    limit = Limit(name="t", count=2, seconds=10)
    assert rate_limit_hit(limit=limit, key="k", now=100.0) is None
    assert rate_limit_hit(limit=limit, key="k", now=101.0) is None
    assert rate_limit_hit(limit=limit, key="k", now=102.0) == 8
    assert rate_limit_hit(limit=limit, key="k", now=110.0) is None


def test_counters_are_shared_between_processes(settings, tmp_path):
    """Two other processes count against the same limit as this one: nothing lives in
    process memory."""
    limit = Limit(name="shared", count=3, seconds=600)
    location = settings.CACHES["default"]["LOCATION"]
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='legion.settings'; django.setup();"
        "from django.conf import settings;"
        f"settings.CACHES['default']['LOCATION']={location!r};"
        "from legion.ratelimit import Limit, rate_limit_hit;"
        "print(rate_limit_hit(limit=Limit(name='shared', count=3, seconds=600), key='who'))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert outputs == ["None", "None"]
    assert rate_limit_hit(limit=limit, key="who") is None  # the third request
    assert rate_limit_hit(limit=limit, key="who") is not None  # the fourth


def test_a_malformed_limit_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("LEGION_API_RATE_PER_TOKEN", "lots")
    result = subprocess.run(
        [sys.executable, "-c", "import legion.settings"], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "LEGION_API_RATE_PER_TOKEN must be COUNT/SECONDS" in result.stderr
