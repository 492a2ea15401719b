"""Checks, before the Rasa server starts, that the stores of its endpoints file answer.

Usage: check_stores.py [--endpoints endpoints.yml]

Without this, Rasa 3.6 starts anyway when its SQL tracker store is unreachable, answers every message as
the first of a new conversation and keeps it in memory only (its FailSafeTrackerStore), and reaches the
Redis lock store only at the first message: several servers would then each hold a different version of
a conversation. The runner (`cdm-run`, ops/run.py) runs this check first and refuses to start, with this message, until
both stores answer (the usual restart policy of a container or a service then retries).
Exit status: 0 when every store configured answers, 1 otherwise, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import sqlalchemy
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
    from rasa.core.utils import AvailableEndpoints

from ops import settings

# Seconds to wait for a store's answer: long enough for a busy server, short enough to fail clearly.
CONNECT_TIMEOUT_S = 5


# Each turn, Rasa loads a conversation's current session by its sender and the time of its last
# `session_started` event, and counts that session's events when it saves (SQLTrackerStore._event_query).
# Its table has an index on the sender alone: every turn read all of the conversation's events, of every
# session, and a long conversation's turns got slower (9 ms against 1 ms for the query at 7,291 events,
# docs/performance.md). Rasa creates the table when the store is created, just before.
SESSION_INDEXES = {
    "ix_events_sender_type_time": "sender_id, type_name, timestamp",
    "ix_events_sender_time": "sender_id, timestamp",
}


def ensure_session_indexes(store: SQLTrackerStore) -> None:
    table = store.SQLEvent.__tablename__
    with store.session_scope() as session:
        for name, columns in SESSION_INDEXES.items():
            session.execute(sqlalchemy.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"))
        session.commit()


def check_tracker_store(store: TrackerStore, configured_type: str | None = None) -> str:
    """What was checked; raises if the store does not answer. Adds the indexes Rasa's queries need."""
    if isinstance(store, InMemoryTrackerStore) and configured_type not in (None, "in_memory"):
        # Rasa falls back to memory, with a warning only, when it cannot load a tracker store's class.
        raise RuntimeError(f"its type {configured_type} cannot be loaded (Rasa would keep conversations in memory)")
    if not isinstance(store, SQLTrackerStore):
        return f"tracker store {type(store).__name__}: nothing to check"
    with store.session_scope() as session:
        session.execute(sqlalchemy.text("SELECT 1"))
    ensure_session_indexes(store)
    url = store.engine.url
    where = url.database if url.get_backend_name() == "sqlite" else f"{url.host}:{url.port}/{url.database}"
    return f"tracker store {url.get_backend_name()} at {where}: answers, session indexes ready"


def check_lock_store(store: LockStore) -> str:
    """What was checked; raises if the store does not answer."""
    if not isinstance(store, RedisLockStore):
        return f"lock store {type(store).__name__}: nothing to check"
    store.red.ping()
    options = store.red.connection_pool.connection_kwargs
    return f"lock store Redis at {options['host']}:{options['port']}: answers"


def unset_variables(endpoints_file: Path) -> list[str]:
    """The ${VARIABLES} the file uses that are not set (Rasa's own message names only the first)."""
    used = re.findall(r"\$\{(\w+)\}", endpoints_file.read_text(encoding="utf-8"))
    return settings.unset_variables(used)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", default="endpoints.yml")
    args = parser.parse_args(argv)
    if not Path(args.endpoints).is_file():
        print(f"ERROR: no endpoints file {args.endpoints}", file=sys.stderr)
        return 2
    try:
        settings.provide_endpoint_variables()
    except settings.SettingsError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    missing = unset_variables(Path(args.endpoints))
    if missing:
        print(f"ERROR: {args.endpoints} needs these environment variables: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    except Exception as error:  # malformed YAML: Rasa's message says where
        print(f"ERROR: cannot read {args.endpoints}: {error}", file=sys.stderr)
        return 2
    if endpoints.tracker_store and endpoints.tracker_store.kwargs.get("dialect") == "postgresql":
        # The driver's own connection timeout (psycopg2 would otherwise wait for the system's, minutes).
        query = dict(endpoints.tracker_store.kwargs.get("query") or {})
        query.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
        endpoints.tracker_store.kwargs["query"] = query
    if endpoints.lock_store and endpoints.lock_store.type not in (None, "in_memory"):
        endpoints.lock_store.kwargs.setdefault("socket_timeout", CONNECT_TIMEOUT_S)

    # Rasa logs its own long error when it cannot create its tables; the one line below says it better.
    logging.getLogger("rasa.core.tracker_store").setLevel(logging.CRITICAL)
    checks: dict[str, Callable[[], str]] = {
        "tracker store": lambda: check_tracker_store(
            TrackerStore.create(endpoints.tracker_store),
            endpoints.tracker_store.type if endpoints.tracker_store else None,
        ),
        "lock store": lambda: check_lock_store(LockStore.create(endpoints.lock_store)),
    }
    failed = False
    for name, check in checks.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                print(f"{args.endpoints}: {check()}")
        except Exception as error:
            failed = True
            lines = str(error).strip().splitlines()
            cause = lines[0] if lines else type(error).__name__
            print(f"ERROR: the {name} of {args.endpoints} does not answer: {cause}", file=sys.stderr)
    if failed:
        print(
            "       The Rasa server is not started: start the store or correct its settings, then retry.",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
