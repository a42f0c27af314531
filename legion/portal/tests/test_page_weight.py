"""Portal pages stay light in every language, Japanese included (three bytes a character
in UTF-8): each page with its stylesheet and script under 100 KB compressed, everything
from this origin, and no web font: text is set in the system's fonts."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from legion.portal.tests.test_pages import LANGUAGES, PUBLIC, fetch
from legion.testing import factories as f

pytestmark = pytest.mark.django_db

BUDGET = 100_000  # bytes, gzip-compressed
ASSET = re.compile(r'<(?:link[^>]*\bhref|script[^>]*\bsrc|img[^>]*\bsrc)="([^"]+)"')


def compressed(data: bytes) -> int:
    return len(gzip.compress(data))


def static_bytes(url: str) -> bytes:
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, url
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_stay_under_100_kb_compressed(client, london, risk_notice, language):
    f.AdvisoryFactory(nationality="GB")
    heavy = {}
    for url in PUBLIC:
        html = fetch(client, url, language)
        assets = [a for a in ASSET.findall(html) if not a.startswith(("#", "data:"))]
        # Nothing from another origin: every asset is one of this site's static files.
        assert all(a.startswith(settings.STATIC_URL) for a in assets), (url, assets)
        files = [static_bytes(a) for a in assets]
        assert not any(b"@font-face" in data for data in files), url
        total = compressed(html.encode()) + sum(compressed(data) for data in files)
        if total > BUDGET:
            heavy[url] = total
    assert heavy == {}
