"""The scale-out profile's lock store (rasa_extensions/lock_store.py) on a real Redis: several "servers" (threads,
each with its own Redis connection and event loop, as separate Rasa processes have) take one conversation's lock
many times at once. Every ticket must be served, never two holders at a time."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from rasa.utils.endpoints import EndpointConfig

from rasa_extensions import lock_store as lock_store_module
from rasa_extensions.lock_store import AtomicRedisLockStore
from tests.e2e.services import Redis, redis_server

SERVERS, MESSAGES_PER_SERVER = 6, 25


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory):
    with redis_server(tmp_path_factory.mktemp("locks") / "redis.log") as server:
        yield server


def lock_store(redis: Redis) -> AtomicRedisLockStore:
    config = {"type": "rasa_extensions.lock_store.AtomicRedisLockStore", "url": redis.host, "port": redis.port,
              "password": redis.password, "db": 1, "key_prefix": "locktest"}  # fmt: skip
    return AtomicRedisLockStore(EndpointConfig.from_dict(config))


def test_one_conversation_locked_from_several_servers_at_once(redis: Redis):
    conversation = "locks-conversation"
    holders, most_holders, served, errors = [0], [0], [], []
    guard = threading.Lock()  # protects the counters only; the Redis lock is what is tested

    def server() -> None:
        store = lock_store(redis)  # its own connection, as each Rasa server has

        async def messages() -> None:
            for _ in range(MESSAGES_PER_SERVER):
                async with store.lock(conversation, wait_time_in_seconds=0.002) as lock:
                    with guard:
                        holders[0] += 1
                        most_holders[0] = max(most_holders[0], holders[0])
                        served.append(lock.now_serving)
                    await asyncio.sleep(0.001)  # the turn: read the conversation, answer, save
                    with guard:
                        holders[0] -= 1

        try:
            asyncio.run(messages())
        except Exception as error:  # a LockError: a ticket was lost
            errors.append(repr(error))

    threads = [threading.Thread(target=server) for _ in range(SERVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(served) == SERVERS * MESSAGES_PER_SERVER
    assert most_holders[0] == 1, "two servers held the conversation at once"
    assert redis.client().get("locktest:lock:" + conversation) is None, "the lock was left behind"


def test_rasa_reads_the_profile_lock_store(redis: Redis, tmp_path: Path):
    """The profile names this class, and Rasa builds it from the endpoints file with its settings."""
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import AvailableEndpoints

    endpoints_file = Path(__file__).resolve().parents[2] / "deploy" / "endpoints.scale.yml"
    variables = {**redis.endpoint_env(), "ACTION_SERVER_URL": "http://localhost:1/webhook", "DB_HOST": "localhost",
                 "DB_PORT": "5432", "DB_DATABASE": "rasa", "DB_USER": "rasa", "DB_PASSWORD": "x"}  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for name, value in variables.items():
            patch.setenv(name, value)
        endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == "citedesmetiers:lock:"
    assert store.red.ping()


async def test_the_ticket_of_a_dead_server_expires_and_the_waiting_message_is_served(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
):
    """A server died holding the lock (its ticket is never given back); another server's message for the same
    conversation comes a moment later. Rasa's own loop let the waiting ticket expire with the dead one and then
    waited for ever; it must be served once the dead ticket expires."""
    lifetime = 2.0
    monkeypatch.setattr(lock_store_module, "LOCK_LIFETIME", lifetime)
    store = lock_store(redis)
    conversation = "locks-dead-holder"
    store.issue_ticket(conversation, lifetime)  # the dead server's
    started = time.monotonic()

    async def take() -> float:
        async with store.lock(conversation, lock_lifetime=lifetime, wait_time_in_seconds=1):
            return time.monotonic() - started

    waited = await asyncio.wait_for(take(), timeout=10)
    assert lifetime <= waited < lifetime + 2
    assert store.get_lock(conversation) is None  # given back, and nobody waits
