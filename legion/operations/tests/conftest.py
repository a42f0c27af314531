"""Redis (db 8 of the Redis this machine runs, emptied around each test) and a local
S3-compatible server (moto's server mode on loopback) for the shared-state tests."""

import socket

import pytest
import redis

TEST_REDIS_URL = "redis://127.0.0.1:6379/8"


@pytest.fixture
def redis_url():
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    client.flushdb()
    yield TEST_REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def redis_settings(settings, redis_url):
    """Settings as REDIS_URL makes them: cache (rate limits), sessions and locks in Redis."""
    settings.REDIS_URL = redis_url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "legion",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3-compatible server on loopback for the whole session (moto, server mode)."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
