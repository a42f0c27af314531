import pytest

from legion.testing.auth import StaffClient


@pytest.fixture
def client_of(db):
    """A signed-in browser session (password and second factor): client_of(officer)."""

    def make(user) -> StaffClient:
        client = StaffClient()
        client.force_login(user)
        return client

    return make
