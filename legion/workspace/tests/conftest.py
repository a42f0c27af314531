import pytest

from legion.testing.auth import StaffClient


@pytest.fixture
def client_of(db):
    """A signed-in browser session (password and second factor, recently confirmed, as
    before a visa decision): client_of(officer)."""

    def make(user) -> StaffClient:
        client = StaffClient()
        client.force_login(user)
        client.reauthenticate()
        return client

    return make
