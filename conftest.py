"""Shared fixtures: the permission matrix of one mission (London) and an outsider
mission (Ottawa), and a case that is ready for each step of the workflow."""

import pytest
from django.utils import translation

from legion.advisories.models import Advisory, AdvisoryText
from legion.missions.actors import Actor
from legion.testing import factories as f


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test its own shared cache (rate-limit counters must not leak between tests).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Real hashing costs about a second per staff user; tests do not test its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages name static files as they are in the source tree: tests do not run
    # collectstatic (legion/server/tests checks the hashed, compressed names).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    # A request leaves its language active in the thread; the next test starts in English,
    # as a new request or command would.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def london(db):
    return f.MissionFactory(code="lon", name="Embassy of Ukraine in London", city="London")


@pytest.fixture
def ottawa(db):
    return f.MissionFactory(
        code="ott", name="Embassy of Ukraine in Ottawa", city="Ottawa", country="CA"
    )


def _staff(username, role, mission=None):
    membership = f.MembershipFactory(user__username=username, role=role, mission=mission)
    return membership.user


@pytest.fixture
def officer(london):
    return _staff("officer", "consular_officer", london)


@pytest.fixture
def attache(london):
    return _staff("attache", "defence_attache", london)


@pytest.fixture
def consul(london):
    return _staff("consul", "consul", london)


@pytest.fixture
def outsider(ottawa):
    """A consular officer of another mission."""
    return _staff("outsider", "consular_officer", ottawa)


@pytest.fixture
def security(db):
    return _staff("security", "hq_security")


@pytest.fixture
def analyst(db):
    return _staff("analyst", "hq_analyst")


@pytest.fixture
def admin_user(db):
    return _staff("admin", "administrator")


@pytest.fixture
def risk_notice(db):
    notice = Advisory.objects.create(
        nationality="", stance="warned", source="Russian Defence Ministry", reviewed_on="2022-03-09"
    )
    AdvisoryText.objects.create(
        advisory=notice, language="en", title="No prisoner-of-war status", body="Risk."
    )
    return notice


@pytest.fixture
def case(london, risk_notice):
    """A submitted-ready draft at London: eligible paratrooper with documents uploaded."""
    from legion.advisories.services import case_acknowledge_advisories

    c = f.CaseFactory(mission=london)
    f.ServiceRecordFactory(case=c)
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=c, kind=kind)
    f.AdvisoryFactory(nationality="GB")
    case_acknowledge_advisories(case=c)
    return c


@pytest.fixture
def client():
    """A test client whose force_login(user) signs in past the second factor too."""
    from legion.testing.auth import StaffClient

    return StaffClient()


@pytest.fixture
def anonymous_client():
    """A plain client, for the sign-in steps themselves."""
    from django.test import Client

    return Client()


def as_actor(user):
    return Actor.staff(user)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on the live server; closes after the test."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()
