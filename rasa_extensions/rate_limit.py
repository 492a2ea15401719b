"""How many messages one conversation, and one client address, may send: beyond, a short polite reply, and
the message is neither parsed nor stored.

Without a limit, one client (a script, a stuck page) could send as fast as it likes, on as many
conversation ids as it invents, and every visitor would wait behind it on the Rasa server's one event loop.
Each conversation id and each client address has its own leaky bucket (aiolimiter's `AsyncLimiter`: at most
`messages` in any `seconds`, refilled continuously), checked before anything else is done with the
message. The buckets of the `MAX_TRACKED` most recently seen keys are kept (least recently seen forgotten
first), so that invented ids cannot grow the server's memory.

Configured from the environment (rasa_extensions/settings.py), as "<messages>/<seconds>" ("0" turns a limit
off). The first number is also the largest burst: a client quiet for a while may send that many at once, then one every
seconds/messages. Small bursts matter: each allowed message is a whole turn of work. With a limit of 60 a
minute, a flood's burst of 61 allowed turns pushed another visitor's p95 from 30 to 73 ms
(tests/e2e/test_rate_limits.py, 2026-12-01).
- `RATE_LIMIT_CONVERSATION` (default 10/30: ten at once, then one every 3 seconds): a visitor types far less;
  buttons clicked in a row stay under;
- `RATE_LIMIT_CLIENT` (default 30/15: thirty at once, then two a second): many visitors may share one
  address (the centre's own computers, a school, a mobile operator's NAT), hence a higher limit. Behind a
  reverse proxy that does not forward the visitor's address (the scale-out profile's nginx, by design),
  every message comes from the proxy: set it to 0 there, and let the proxy limit per address (`limit_req`
  in deploy/nginx.conf.template).

Like all the Rasa server's extensions, it imports nothing of the action server's package (`actions`).
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from aiolimiter import AsyncLimiter

from rasa_extensions import settings
from rasa_extensions.settings import Rate, parse_rate

__all__ = ["MAX_TRACKED", "Rate", "RateLimits", "parse_rate", "server_rate_limits"]
# Keys (conversation ids, addresses) whose buckets are kept, per kind: about 1 KB each.
MAX_TRACKED = 10_000


class _Buckets:
    """One bucket per key, for the `MAX_TRACKED` most recently seen keys."""

    def __init__(self, rate: Rate, max_tracked: int) -> None:
        self.rate = rate
        self.max_tracked = max_tracked
        self.buckets: OrderedDict[str, AsyncLimiter] = OrderedDict()

    def bucket(self, key: str) -> AsyncLimiter:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = AsyncLimiter(self.rate.messages, self.rate.seconds)
            if len(self.buckets) > self.max_tracked:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(key)
        return bucket


class RateLimits:
    """The limits per conversation and per client address; `allow` takes one message from both or none."""

    def __init__(self, per_conversation: Rate | None, per_client: Rate | None, max_tracked: int = MAX_TRACKED) -> None:
        self.conversations = _Buckets(per_conversation, max_tracked) if per_conversation else None
        self.clients = _Buckets(per_client, max_tracked) if per_client else None

    @classmethod
    def from_environment(cls) -> RateLimits:
        read = settings.load()
        return cls(read.conversation_rate, read.client_rate)

    async def allow(self, conversation: str, client: str | None) -> bool:
        buckets = []
        if self.conversations:
            buckets.append(self.conversations.bucket(conversation))
        if self.clients and client:
            buckets.append(self.clients.bucket(client))
        if not all(bucket.has_capacity() for bucket in buckets):
            return False
        for bucket in buckets:
            await bucket.acquire()  # immediate: each has the capacity
        return True


@lru_cache(maxsize=1)
def server_rate_limits() -> RateLimits:
    """The Rasa server's one set of limits, shared by all its channels: a client's messages count once, whether
    they come through REST or Socket.IO (each channel with limits of its own would double the allowance)."""
    return RateLimits.from_environment()
