import pytest
from django.test import Client


@pytest.fixture
def client_of(db):
    """A logged-in browser session for a staff user: client_of(officer)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
