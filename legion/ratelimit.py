"""Rate limits counted in the shared cache, so every server process (and every node,
when the cache is Redis) sees the same counters.

A limit is "so many requests per so many seconds" in fixed windows. The counter for a
window is created with `cache.add` and raised with `cache.incr`: atomic on Redis; on
the embedded file cache two processes can occasionally count one request less, which a
limit meant against floods can live with. Nothing is kept in process memory.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    @classmethod
    def parse(cls, name: str, value: str) -> "Limit":
        """`"300/60"`: 300 requests per 60 seconds."""
        count, _, seconds = value.partition("/")
        try:
            limit = cls(name=name, count=int(count), seconds=int(seconds))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"Rate limit {name} must be COUNT/SECONDS, not {value!r}"
            ) from exc
        if limit.count < 1 or limit.seconds < 1:
            raise ImproperlyConfigured(f"Rate limit {name} must be positive, not {value!r}")
        return limit


def rate_limit_hit(*, limit: Limit, key: str, now: float | None = None) -> int | None:
    """Count one request by `key` against `limit`. Returns None while within the limit,
    otherwise the seconds until the window ends (for `Retry-After`)."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{limit.name}:{digest}:{window}"
    cache = caches[settings.LEGION_RATE_LIMIT_CACHE]
    cache.add(cache_key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(cache_key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return None
    return max(1, int((window + 1) * limit.seconds - now + 0.999))
