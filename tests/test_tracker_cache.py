"""rasa_extensions/tracker_cache.py: the SQL tracker store that keeps the conversations it saved last in memory
stores exactly what Rasa's stores, and never gives back a conversation older than the database's."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions import sqlite_engine
from rasa_extensions.tracker_cache import CachingSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
intents: [ask_free]
slots:
  centre:
    type: text
    mappings: [{type: custom}]
responses:
  utter_free: [{text: "Oui."}]
"""
)


def stores(tmp_path: Path, max_cached: int = 100) -> tuple[CachingSQLTrackerStore, SQLTrackerStore]:
    """This store, and Rasa's on the same database (as another Rasa server, or to read what is stored)."""
    tmp_path.mkdir(exist_ok=True)
    db = str(tmp_path / "conversations.db")
    return (
        CachingSQLTrackerStore(DOMAIN, dialect="sqlite", db=db, max_cached=max_cached),
        SQLTrackerStore(DOMAIN, dialect="sqlite", db=db),
    )


def new_conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    return tracker


def a_turn(tracker: DialogueStateTracker, text: str) -> None:
    for event in (
        UserUttered(text, {"name": "ask_free", "confidence": 0.9}),
        SlotSet("centre", text),
        ActionExecuted("utter_free"),
        BotUttered("Oui."),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)


def first_turn(store: SQLTrackerStore, sender: str, text: str) -> DialogueStateTracker:
    """A new conversation saved, then its first turn as a Rasa server makes it: retrieved, played, saved."""
    asyncio.run(store.save(new_conversation(sender)))
    tracker = asyncio.run(store.retrieve(sender))
    assert tracker is not None
    a_turn(tracker, text)
    asyncio.run(store.save(tracker))
    return tracker


def texts(tracker: DialogueStateTracker | None) -> list[str]:
    assert tracker is not None
    return [event.text for event in tracker.events if isinstance(event, UserUttered)]


def stored(rasa: SQLTrackerStore, sender: str) -> list[dict]:
    """The conversation's events in the database, but for their times."""
    tracker = asyncio.run(rasa.retrieve_full_tracker(sender))
    assert tracker is not None
    return [{**event.as_dict(), "timestamp": None} for event in tracker.events]


def test_a_conversation_is_stored_as_rasas_store_stores_it_and_kept_in_memory(tmp_path):
    caching, rasa = stores(tmp_path)
    _, reference = stores(tmp_path / "reference")
    last_saved = {}
    for store in (caching, reference):
        tracker = new_conversation("visitor")
        asyncio.run(store.save(tracker))
        for text in ("Gap", "Istres", "Digne"):
            tracker = asyncio.run(store.retrieve("visitor"))
            assert tracker is not None
            a_turn(tracker, text)
            asyncio.run(store.save(tracker))
        last_saved[store] = tracker
    assert stored(rasa, "visitor") == stored(reference, "visitor")
    assert texts(asyncio.run(rasa.retrieve("visitor"))) == ["Gap", "Istres", "Digne"]
    # From memory: the very tracker saved last, with the stored conversation's events.
    kept = asyncio.run(caching.retrieve("visitor"))
    assert kept is last_saved[caching] and texts(kept) == ["Gap", "Istres", "Digne"]


def test_what_another_server_stored_since_is_loaded_from_the_database(tmp_path):
    caching, other_server = stores(tmp_path)
    tracker = new_conversation("visitor")
    asyncio.run(caching.save(tracker))
    tracker = asyncio.run(caching.retrieve("visitor"))
    a_turn(tracker, "Gap")
    asyncio.run(caching.save(tracker))
    # The next turn went to another Rasa server.
    elsewhere = asyncio.run(other_server.retrieve("visitor"))
    a_turn(elsewhere, "Istres")
    asyncio.run(other_server.save(elsewhere))
    fresh = asyncio.run(caching.retrieve("visitor"))
    assert fresh is not tracker and texts(fresh) == ["Gap", "Istres"]
    a_turn(fresh, "Digne")
    asyncio.run(caching.save(fresh))
    assert texts(asyncio.run(other_server.retrieve("visitor"))) == ["Gap", "Istres", "Digne"]


def test_a_turn_that_failed_before_saving_leaves_nothing_in_memory(tmp_path):
    caching, _ = stores(tmp_path)
    first_turn(caching, "visitor", "Gap")
    failed = asyncio.run(caching.retrieve("visitor"))
    a_turn(failed, "never stored")  # then the turn failed: no save
    again = asyncio.run(caching.retrieve("visitor"))
    assert again is not failed and texts(again) == ["Gap"]


def test_a_new_session_is_loaded_alone_as_rasa_does(tmp_path):
    caching, rasa = stores(tmp_path)
    tracker = new_conversation("visitor")
    a_turn(tracker, "Gap")
    asyncio.run(caching.save(tracker))
    tracker = asyncio.run(caching.retrieve("visitor"))
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    a_turn(tracker, "Istres")
    asyncio.run(caching.save(tracker))
    next_turn = asyncio.run(caching.retrieve("visitor"))
    assert next_turn is not tracker
    assert texts(next_turn) == ["Istres"] == texts(asyncio.run(rasa.retrieve("visitor")))
    assert texts(asyncio.run(rasa.retrieve_full_tracker("visitor"))) == ["Gap", "Istres"]


def test_only_the_most_recent_conversations_are_kept(tmp_path):
    caching, _ = stores(tmp_path, max_cached=2)
    saved = {}
    for sender in ("a", "b", "c"):
        saved[sender] = first_turn(caching, sender, sender)
    assert asyncio.run(caching.retrieve("a")) is not saved["a"]  # the oldest went
    assert asyncio.run(caching.retrieve("c")) is saved["c"]


def test_an_unknown_conversation_is_none(tmp_path):
    caching, _ = stores(tmp_path)
    assert asyncio.run(caching.retrieve("nobody")) is None


def test_with_nothing_to_keep_it_is_rasas_store(tmp_path):
    caching, _ = stores(tmp_path, max_cached=0)
    tracker = first_turn(caching, "visitor", "Gap")
    again = asyncio.run(caching.retrieve("visitor"))
    assert again is not tracker and texts(again) == ["Gap"]


def test_a_new_conversation_is_kept_from_its_first_turn(tmp_path):
    caching, rasa = stores(tmp_path)
    first = new_conversation("visitor")
    a_turn(first, "Gap")
    asyncio.run(caching.save(first))
    second = asyncio.run(caching.retrieve("visitor"))
    assert second is first
    a_turn(second, "Istres")
    asyncio.run(caching.save(second))
    assert texts(asyncio.run(rasa.retrieve("visitor"))) == ["Gap", "Istres"]
    assert len(stored(rasa, "visitor")) == len(second.events)  # every event once


def test_saving_notes_the_last_stored_id_without_asking_the_database(tmp_path, monkeypatch):
    caching, rasa = stores(tmp_path)
    first_turn(caching, "visitor", "Gap")
    tracker = asyncio.run(caching.retrieve("visitor"))
    a_turn(tracker, "Istres")
    asked = []
    monkeypatch.setattr(caching, "_last_event_id", lambda sender: asked.append(sender))
    asyncio.run(caching.save(tracker))
    assert asked == []
    with rasa.session_scope() as session:
        last = session.query(sqlalchemy.func.max(rasa.SQLEvent.id)).scalar()
    assert caching._kept["visitor"].last_event_id == last


def test_the_sqlite_file_is_written_through_a_log_on_connections_kept_open(tmp_path):
    caching, _ = stores(tmp_path)
    opened = []
    sqlalchemy.event.listen(caching.engine, "connect", lambda *_: opened.append(1))
    first_turn(caching, "visitor", "Gap")
    for _ in range(3):
        tracker = asyncio.run(caching.retrieve("visitor"))
        a_turn(tracker, "Istres")
        asyncio.run(caching.save(tracker))
    assert len(opened) <= 1  # Rasa's engine opened one for every query: about 12 here
    with caching.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_server_at_rest_closes_the_file_and_its_log(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_engine, "IDLE_CLOSE_S", 0.2)
    caching, rasa = stores(tmp_path)

    def files() -> list[str]:
        return sorted(path.name for path in tmp_path.iterdir())

    async def turns_then_rest() -> list[tuple[list[str], list[str], int]]:
        tracker = new_conversation("visitor")
        await caching.save(tracker)
        seen = []
        for text in ("Gap", "Istres"):  # each turn, then a rest: the file closed each time
            tracker = await caching.retrieve("visitor")
            a_turn(tracker, text)
            await caching.save(tracker)
            serving = files()
            await asyncio.sleep(0.5)
            seen.append((serving, files(), caching.engine.pool.checkedin()))
        return seen

    serving = ["conversations.db", "conversations.db-shm", "conversations.db-wal"]
    # At rest, no connection, and the log checkpointed into the file.
    assert asyncio.run(turns_then_rest()) == [(serving, ["conversations.db"], 0)] * 2
    assert texts(asyncio.run(rasa.retrieve("visitor"))) == ["Gap", "Istres"]


def test_a_connection_whose_query_failed_is_not_used_again(tmp_path):
    caching, _ = stores(tmp_path)
    first_turn(caching, "visitor", "Gap")
    with caching.engine.connect() as connection:
        used = connection.connection.dbapi_connection
        connection.exec_driver_sql("ALTER TABLE events RENAME TO moved")
    try:
        asyncio.run(caching.retrieve("visitor"))
    except sqlalchemy.exc.OperationalError:
        pass  # "no such table": the failure
    else:
        raise AssertionError("the query should have failed")
    with caching.engine.connect() as connection:
        assert connection.connection.dbapi_connection is not used
        connection.exec_driver_sql("ALTER TABLE moved RENAME TO events")
    assert texts(asyncio.run(caching.retrieve("visitor"))) == ["Gap"]
