"""The real HTTP server answers a real browser."""

import pytest

pytestmark = pytest.mark.browser


def test_admin_login_page_renders_in_chromium(page, db):
    page.goto("/admin/login/")
    assert page.locator("input[name=username]").is_visible()
