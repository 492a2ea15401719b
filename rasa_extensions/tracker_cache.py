"""Rasa's SQL tracker store, which keeps in memory the conversations it has just saved.

At every turn, Rasa 3.6's `SQLTrackerStore` loads the conversation's current session from the database and
replays its events into a tracker (`retrieve`), then, to save it, counts the session's events in the database
to know which are new (`_additional_events`): about 4 ms and 1 ms of a turn here (docs/performance.md).
This store, configured in place of Rasa's (`type:` in endpoints.yml), keeps the tracker it saved last for
each of the `MAX_CACHED` most recent conversations, with the number of its events and the id of the last
stored one:
- `retrieve` gives that tracker back when the database's last event of the conversation is still that one
  (one indexed query); otherwise, with another Rasa server answering the same conversation (the scale-out
  profile), after a restart or an error, it loads it as Rasa does;
- `save` stores the events added since, without counting the stored ones, and notes the id the database
  gave the last one.
On an SQLite file, its connections stay open and it writes through a write-ahead log
(rasa_extensions/sqlite_engine.py).
A tracker is handed out once: a turn that fails before saving leaves nothing in memory, and the next turn
loads from the database. A tracker is kept only when it holds one session, as Rasa's `retrieve` loads it
(a new conversation's first turn is kept): after a turn that started a new session, the next turn loads the
new session alone from the database, as Rasa does.

The trackers hold what the database holds (messages already masked by the channels' guard), for recent
conversations only, in the Rasa server's memory.
"""

from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import orm

from rasa_extensions.sqlite_engine import is_sqlite_file, sqlite_file_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

# The website's visitors talk a few at a time: a hundred recent conversations cover those going on. A tracker
# of a full session (20 messages) holds about 160 events.
MAX_CACHED = 100


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    stored_events: int  # of the tracker's events, those in the database
    last_event_id: int | None  # the database's id of the conversation's last event


def _one_session(tracker: DialogueStateTracker) -> bool:
    """Whether the tracker holds one session, as Rasa's `retrieve` loads it: nothing before its last
    `session_started` but the action that started it (a new conversation). A turn that started a new session
    holds the previous one too."""
    starts = [index for index, event in enumerate(tracker.events) if isinstance(event, SessionStarted)]
    return not starts or starts[-1] <= 1


class CachingSQLTrackerStore(SQLTrackerStore):
    engine: Engine

    def __init__(self, *args: Any, max_cached: int = MAX_CACHED, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_sqlite_file(self.engine.url):
            self.engine.dispose()
            self.engine = sqlite_file_engine(self.engine.url)
            self.sessionmaker = orm.sessionmaker(bind=self.engine)
        # The id of the last event `save` stored for each conversation, noted as the database gives it.
        self._stored_last_ids: dict[str, int] = {}
        sa.event.listen(self.sessionmaker, "after_flush", self._note_stored_ids)
        self.max_cached = max_cached
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        # The trackers handed out by `retrieve` and not saved yet: how many of their events are stored. By the
        # tracker's id, with a weak reference that says it is still that tracker (trackers are not hashable).
        self._handed_out: dict[int, tuple[weakref.ref[DialogueStateTracker], int]] = {}

    @property
    def _keeps(self) -> bool:
        # With an event broker, Rasa's `save` compares the tracker with the stored one to find what to stream.
        return self.event_broker is None and self.max_cached > 0

    def _last_event_id(self, sender_id: str) -> int | None:
        with self.session_scope() as session:
            query = session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id)
            last: int | None = query.scalar()
            return last

    def _note_stored_ids(self, session: Session, _context: Any) -> None:
        for row in session.new:
            if isinstance(row, self.SQLEvent) and row.id is not None:
                self._stored_last_ids[row.sender_id] = max(self._stored_last_ids.get(row.sender_id, row.id), row.id)

    def _hand_out(self, tracker: DialogueStateTracker, stored_events: int) -> DialogueStateTracker:
        key = id(tracker)
        self._handed_out[key] = (weakref.ref(tracker, lambda _: self._handed_out.pop(key, None)), stored_events)
        return tracker

    def _stored_events(self, tracker: DialogueStateTracker) -> int | None:
        reference, stored_events = self._handed_out.get(id(tracker), (None, 0))
        return stored_events if reference is not None and reference() is tracker else None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if not self._keeps:
            return await super().retrieve(sender_id)
        kept = self._kept.pop(sender_id, None)
        if kept is not None and kept.last_event_id == self._last_event_id(sender_id):
            return self._hand_out(kept.tracker, kept.stored_events)
        tracker = await super().retrieve(sender_id)
        return None if tracker is None else self._hand_out(tracker, len(tracker.events))

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        stored_events = self._stored_events(tracker)
        if stored_events is None:  # a tracker this store did not hand out (a new conversation): Rasa's count
            events: Iterator[Event] = super()._additional_events(session, tracker)
            return events
        return itertools.islice(tracker.events, stored_events, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        self._stored_last_ids.pop(sender_id, None)
        try:
            await super().save(tracker)
        finally:
            self._handed_out.pop(id(tracker), None)
            stored_last_id = self._stored_last_ids.pop(sender_id, None)
        if not self._keeps or not _one_session(tracker):
            return
        # Ids only grow: the last one stored is the conversation's last, unless another server stored since,
        # which `retrieve` then sees. With nothing new stored, the database says.
        last_event_id = stored_last_id if stored_last_id is not None else self._last_event_id(sender_id)
        self._kept[sender_id] = _Kept(tracker, len(tracker.events), last_event_id)
        while len(self._kept) > self.max_cached:
            self._kept.popitem(last=False)
