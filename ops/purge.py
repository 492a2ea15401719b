"""Deletes what the tracker store holds that is older than the retention period (`make purge`).

Usage: purge_conversations.py [--days N] [--endpoints endpoints.yml]
The period comes from --days, else RETENTION_DAYS (ops/settings.py). Every event older than that is
deleted, so no part of a conversation outlives the period, and a conversation with nothing newer is
gone entirely. It works on the tracker store that `endpoints.yml` configures (SQLite by default,
PostgreSQL in a scaled deployment), through Rasa's own SQLTrackerStore.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass

# Rasa and its dependencies warn about their own deprecations: not the maintainer's business.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from rasa.core.tracker_store import SQLTrackerStore

from ops import settings
from ops.conversations import tracker_store_from


@dataclass(frozen=True)
class PurgeResult:
    events_deleted: int
    conversations_deleted: int
    conversations_kept: int


def purge(store: SQLTrackerStore, older_than_days: float, now: float | None = None) -> PurgeResult:
    cutoff = (time.time() if now is None else now) - older_than_days * 86_400
    event = store.SQLEvent
    with store.session_scope() as session:
        senders_before = {row[0] for row in session.query(event.sender_id).distinct()}
        deleted = session.query(event).filter(event.timestamp < cutoff).delete(synchronize_session=False)
        session.commit()
        senders_after = {row[0] for row in session.query(event.sender_id).distinct()}
    return PurgeResult(deleted, len(senders_before - senders_after), len(senders_after))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, help="default: RETENTION_DAYS")
    parser.add_argument("--endpoints", help="default: RASA_ENDPOINTS")
    args = parser.parse_args(argv)
    if args.days is None or args.endpoints is None:
        try:
            read = settings.load()
        except settings.SettingsError as error:
            parser.error(str(error))
        args.days = read.retention_days if args.days is None else args.days
        args.endpoints = args.endpoints or read.rasa_endpoints
    if args.days < 0:
        parser.error("--days must be zero or more")
    result = purge(tracker_store_from(args.endpoints), args.days)
    print(
        f"Retention {args.days:g} days: {result.events_deleted} events deleted, "
        f"{result.conversations_deleted} conversations deleted entirely, {result.conversations_kept} kept."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
