"""Retention: `make purge` (ops/purge.py) deletes what is older than the period, on Rasa's
own SQLTrackerStore, and keeps the rest."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from ops.purge import purge
from rasa_extensions import sqlite_engine
from rasa_extensions.tracker_cache import CachingSQLTrackerStore
from tests.conftest import PROJECT_ROOT

DAY = 86_400.0


def conversation(sender: str, started_days_ago: float, last_days_ago: float) -> DialogueStateTracker:
    now = time.time()
    events = [
        ActionExecuted("action_listen", timestamp=now - started_days_ago * DAY),
        UserUttered("c'est gratuit ?", {"name": "ask_free"}, timestamp=now - started_days_ago * DAY),
        BotUttered("Oui, c'est gratuit.", timestamp=now - started_days_ago * DAY),
        UserUttered("merci", {"name": "thanks"}, timestamp=now - last_days_ago * DAY),
    ]
    return DialogueStateTracker.from_events(sender, events)


async def stored_senders_and_counts(store: SQLTrackerStore) -> dict[str, int]:
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent.sender_id).all()
    counts: dict[str, int] = {}
    for (sender,) in rows:
        counts[sender] = counts.get(sender, 0) + 1
    return counts


async def test_purge_deletes_what_is_older_than_the_period(tmp_path: Path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.db"))
    await store.save(conversation("old", started_days_ago=45, last_days_ago=40))
    await store.save(conversation("mixed", started_days_ago=35, last_days_ago=2))
    await store.save(conversation("recent", started_days_ago=3, last_days_ago=1))

    result = purge(store, older_than_days=30)

    assert await stored_senders_and_counts(store) == {"mixed": 1, "recent": 4}
    assert (result.events_deleted, result.conversations_deleted, result.conversations_kept) == (7, 1, 2)
    assert purge(store, older_than_days=30).events_deleted == 0  # nothing left to delete


async def test_the_documented_command_purges_the_configured_store(tmp_path: Path):
    """The command `make purge` runs, on the tracker store of endpoints.yml (TRACKER_DB)."""
    db = tmp_path / "conversations.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    await store.save(conversation("old", started_days_ago=10, last_days_ago=8))
    result = subprocess.run(
        [sys.executable, "ops/purge.py", "--days", "7"],
        cwd=PROJECT_ROOT,
        env={"TRACKER_DB": str(db), "ACTIONS_PORT": "5055", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Retention 7 days: 4 events deleted, 1 conversations deleted entirely, 0 kept." in result.stdout


async def test_nothing_of_a_purged_conversation_stays_in_the_file(tmp_path: Path):
    """The tracker store of endpoints.yml overwrites what it deletes (rasa_extensions/sqlite_engine.py)."""
    db = tmp_path / "conversations.db"
    store = CachingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    old = conversation("old", started_days_ago=45, last_days_ago=40)
    when = old.events[0].timestamp
    old.update(UserUttered("mon numéro de dossier est ZQXJ-4471", {"name": "ask_need"}, timestamp=when))
    await store.save(old)
    await store.save(conversation("recent", started_days_ago=3, last_days_ago=1))
    store.engine.dispose()  # checkpointed: the conversation is in the file itself
    assert b"ZQXJ" in db.read_bytes()
    purge(store, older_than_days=30)
    store.engine.dispose()  # the last connection closed: the log checkpointed into the file, and deleted
    assert sorted(path.name for path in tmp_path.iterdir()) == ["conversations.db"]
    assert b"ZQXJ" not in db.read_bytes()


def test_deleted_text_is_overwritten_whatever_sqlites_build():
    """This machine's SQLite overwrites deleted text by default (built with SQLITE_SECURE_DELETE); not every
    build does, so the store's connections say so."""
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute("PRAGMA secure_delete=OFF")
        sqlite_engine._set_pragmas(connection, None)
        assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
