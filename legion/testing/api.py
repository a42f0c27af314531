"""Test helpers for the API: a client holding a read-write token of a staff member, and
a JSON POST with headers."""

from django.test import Client

from legion.api.tokens import api_token_create


def api(user) -> Client:
    """A client that sends a fresh read-write token of `user`."""
    raw = api_token_create(username=user.username, name="t", scope="read_write")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, url: str, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)
