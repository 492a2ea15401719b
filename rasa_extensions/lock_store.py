"""The lock store of the scale-out profile (deploy/endpoints.scale.yml): Rasa's RedisLockStore, with every change
of a conversation's lock made atomic in Redis.

Rasa 3.6's RedisLockStore changes a lock by reading it (GET), changing it in Python and writing it back (SET).
Inside one Rasa process that is safe, as nothing else runs in between; between two Rasa servers it is not: two
servers issuing tickets for the same conversation at the same moment overwrite each other's ticket. Seen in the
scale-out test: "Could not acquire lock for conversation_id ..." (a ticket lost, the visitor got the apology), and
it can as well let both servers handle the conversation at once. Rasa's maintainers noted the GET/SET was "far from
atomic" when they wrote it (RasaHQ/rasa#3933); the concurrent lock store that followed is in Rasa Pro only.

Here each read-change-write runs in a Redis transaction that watches the lock's key (WATCH/MULTI/EXEC, through
redis-py's `Redis.transaction`): if another server changed the lock in between, Redis refuses the write and the
change is made again on the new value. The lock's format and keys are Rasa's own.

Its waiting loop is Rasa's too, with one change: a waiting ticket is kept alive while it waits. In Rasa's, every
ticket expires `TICKET_LOCK_LIFETIME` after it was issued, waiting or not. When a server dies holding a
conversation's lock (SIGKILL, the out-of-memory killer), nginx resends its message to another server within a
fraction of a second, so the dead ticket and the new one expire within the same second: the waiting server, which
looks once a second, then finds both gone, and Rasa's loop waits for a ticket that no longer exists, for ever
(seen in tests/e2e/test_scale.py: those visitors got nginx's 504 after 60 s, and the server marked down). Here the
waiting ticket's lifetime counts from its last look, so it is served once the dead ticket expires, and then holds
the lock for a whole lifetime.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

if TYPE_CHECKING:
    from redis.client import Pipeline

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    """Named in an endpoints file as `type: rasa_extensions.lock_store.AtomicRedisLockStore`, with
    RedisLockStore's settings (url, port, password, db, key_prefix...)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds a lock store named by its module path with the whole endpoint configuration.
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change_lock(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Result]]
    ) -> Result:
        """Applies `change` to the stored lock atomically; `change` returns the lock to store (None deletes it) and
        a result. It may run more than once, when another server changes the lock meanwhile."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Pipeline) -> Result:
            serialised = pipe.get(key)  # watched: EXEC fails if another client writes the key from here on
            lock = TicketLock.from_dict(json.loads(serialised)) if serialised else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        result: Result = self.red.transaction(transaction, key, value_from_callable=True)
        return result

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change_lock(conversation_id, issue)
        except Exception as error:  # as Rasa's: the message then fails with a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def remove_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change_lock(conversation_id, remove_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes this ticket, and the whole lock when no one else waits: both at once."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self._change_lock(conversation_id, finish)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Rasa's loop (LockStore._acquire_lock), but each look also renews the waiting ticket (module docstring)."""

        def look(lock: TicketLock | None) -> tuple[TicketLock | None, TicketLock | None]:
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            own = next((held for held in lock.tickets if held.number == ticket), None)
            if own is None:
                return lock, None
            own.expires = max(own.expires, time.time() + LOCK_LIFETIME)
            return lock, lock

        while True:
            lock = self._change_lock(conversation_id, look)
            if lock is None:  # as Rasa's: the message then gets the apology, rather than waiting for ever
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
