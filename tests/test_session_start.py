"""rasa_extensions/session_start.py: Rasa's `action_session_start`, run by the Rasa server, carries each slot's
last value into the new session once, however many times it changed."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import MagicMock

from rasa.core.actions.action import ActionSessionStart
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions import session_start
from tests.conftest import PROJECT_ROOT


async def test_each_slot_is_carried_over_once_with_its_last_value():
    session_start.apply()
    session_start.apply()  # idempotent
    domain = Domain.load(str(Path(PROJECT_ROOT) / "domain.yml"))
    tracker = DialogueStateTracker.from_events(
        "visitor", [SessionStarted(), ActionExecuted("action_listen")], domain.slots
    )
    for turn in range(50):
        tracker.update(UserUttered("et à Gap ?"))
        tracker.update(SlotSet("language", "en" if turn % 2 else "fr"))
        tracker.update(SlotSet("focus", f"centre:{turn}"))
    events = await ActionSessionStart().run(MagicMock(), MagicMock(), tracker, domain)
    assert isinstance(events[0], SessionStarted)
    assert [(event.key, event.value) for event in events if isinstance(event, SlotSet)] == [
        ("language", "en"),
        ("focus", "centre:49"),
    ]
    assert events[-1] == ActionExecuted("action_listen")
    assert domain.session_config.carry_over_slots
