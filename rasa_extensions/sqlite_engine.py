"""The SQLAlchemy engine of a tracker store on an SQLite file: connections kept open, a write-ahead log.

For an SQLite file, Rasa 3.6's `SQLTrackerStore` gets SQLAlchemy 1.4's defaults: a new connection for every
query (`NullPool`), and a rollback journal synced to disk at every commit. With 32 conversations at once
(`make bench`), opening connections, committing and reading took about 35 % of the Rasa server's time
(py-spy, docs/performance.md), and every commit stopped the server's event loop until the disk answered.
This engine:
- keeps its connections open in a pool (SQLAlchemy 2.0's default for SQLite files);
- writes through a write-ahead log (`journal_mode=WAL`): a commit appends to one file, and the other
  processes that read or purge the file (`make purge`, `make review`) no longer wait for the server's
  writes, nor it for their reads;
- syncs that log to disk at its checkpoints, not at every commit (`synchronous=NORMAL`): a crash of the
  machine (not of a process) may lose the last turns stored, never the file's consistency;
- overwrites what it deletes (`secure_delete`): a purged conversation's text does not stay in the file;
- closes its connections after `IDLE_CLOSE_S` without a query, in a server's event loop: a server at rest
  holds the file no longer open (SQLite then checkpoints the log into the file and deletes it), and its disk
  can be remounted, backed up or purged as before.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

# secure_delete: what `make purge` deletes is overwritten, not left in the file's free space.
PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "secure_delete=ON")
# Seconds without a query after which a server's connections are closed: turns under load come closer.
IDLE_CLOSE_S = 1.0


def is_sqlite_file(url: URL) -> bool:
    # An in-memory database lives in its connection: pooling would give each one a database of its own.
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _set_pragmas(connection: sqlite3.Connection, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        for pragma in PRAGMAS:
            try:
                cursor.execute(f"PRAGMA {pragma}")
            except sqlite3.OperationalError:
                # A read-only file cannot change its journal: it can still be read.
                pass
    finally:
        cursor.close()


class _IdleCloser:
    """Closes the engine's connections once none was used for `IDLE_CLOSE_S`, when they are used from a
    running event loop (a server; a command's connections go with its process)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pending: asyncio.TimerHandle | None = None

    def checked_out(self, *_: Any) -> None:
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None

    def checked_in(self, *_: Any) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.checked_out()
        self.pending = loop.call_later(IDLE_CLOSE_S, self.close)

    def close(self) -> None:
        self.pending = None
        self.engine.dispose()


def _renew_connections_after_an_error(context: Any) -> None:
    # A connection whose write failed (disk full, read-only) may stay unable to open its log: the pool's
    # connections are closed, and the next query opens a new one, as a new connection for every query did.
    if isinstance(context.original_exception, sqlite3.OperationalError):
        context.is_disconnect = True


def sqlite_file_engine(url: URL) -> Engine:
    """An engine on the SQLite file of `url`, its connections pooled and set as this module says."""
    engine = sa.create_engine(
        url,
        poolclass=sa.pool.QueuePool,
        # The pool hands a connection to one user at a time, whichever thread it runs in.
        connect_args={"check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _set_pragmas)
    sa.event.listen(engine, "handle_error", _renew_connections_after_an_error)
    closer = _IdleCloser(engine)
    sa.event.listen(engine, "checkout", closer.checked_out)
    sa.event.listen(engine, "checkin", closer.checked_in)
    return engine
