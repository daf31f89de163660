"""Rate limits: token buckets per key (requests) and per address (failed authentications).

Two stores behind one ``take(key)``: :class:`RateLimiter` in this process's memory (the default,
one process), and :class:`RedisRateLimiter`, the same bucket kept in Redis so that every worker
and host draws from it (``GRAPH_SERVICE_REDIS_URL``). The Redis bucket is one small Lua script run
atomically by the server, on the server's clock: the same arithmetic as in memory (``burst`` at
once, refilled at ``per_minute``/60 a second, the wait until the next token for Retry-After). The
``limits`` library was not used: its strategies are fixed or sliding windows, which allow neither
this burst-then-rate shape nor say the wait to the next token; the script is 15 lines.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from graph_service.errors import StoreUnavailable

if TYPE_CHECKING:
    import redis

__all__ = ["Limiter", "RateLimiter", "RedisRateLimiter", "retry_after_header"]


class Limiter(Protocol):
    rate: float
    burst: float

    def take(self, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""


class RateLimiter:
    """Token buckets, one per key: ``burst`` requests at once, refilled at ``per_minute``/60 a second.

    In memory, per process: behind several service processes each would have its own buckets, so
    those use :class:`RedisRateLimiter`. Idle buckets are dropped beyond ``max_keys``.
    """

    def __init__(self, per_minute: float, burst: int, *, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys
        self._clock = clock

    def take(self, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            return wait


# KEYS[1] the bucket (a hash: tokens, at); ARGV rate per second, burst. Returns the wait in
# microseconds (0: allowed). The bucket expires once it would be full again, so idle ones vanish.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]) or burst, tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return math.ceil(wait * 1e6)
"""


class RedisRateLimiter:
    """The token buckets of :class:`RateLimiter`, kept in Redis under ``<prefix><key>`` and shared
    by every process that uses the same Redis; a Redis that does not answer is a 503."""

    def __init__(self, client: redis.Redis, per_minute: float, burst: int, *, prefix: str):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._prefix = prefix
        self._script = client.register_script(_TAKE)

    def take(self, key: str) -> float:
        import redis

        try:
            micros = self._script(keys=[self._prefix + key], args=[repr(self.rate), repr(self.burst)])
        except redis.RedisError as exc:
            raise StoreUnavailable(f"Redis does not answer (rate limits): {exc}") from None
        return int(micros) / 1e6


def retry_after_header(seconds: float) -> str:
    """The ``Retry-After`` value for a wait of ``seconds``: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
