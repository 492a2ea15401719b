"""A measured fix of Rasa 3.6's `action_session_start`: a new session carries each slot's last value over once.

With `carry_over_slots_to_new_session` (domain.yml), Rasa's `ActionSessionStart` repeats every `slot` event
of the session that ends, one per change: each session began with all the changes of the ones before it, and
in a long conversation (a new session every MAX_TURNS_PER_SESSION messages, rasa_extensions/session_limit.py)
a turn's cost grew again (turn 1,000 took 4 times turn 2, docs/performance.md). The fix keeps the last
value of each slot, as Rasa's documentation describes carrying over. It stays in the Rasa server: as a
custom action on the action server, a conversation begun while the action server was down lost its session
start, and stayed broken after the action server came back (tests/e2e/test_faults.py).

`apply()` is called when the Rasa server builds the input channels of `rasa_extensions.input_channels` from
`credentials.yml`, which it does at start, before any message.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionSessionStart
from rasa.shared.core.events import SlotSet


def last_slot_values(tracker: Any) -> list[SlotSet]:
    """One `SlotSet` per slot the session set, with its last value, in the order the slots were first set."""
    last: dict[str, SlotSet] = {}
    for event in tracker.applied_events():
        if isinstance(event, SlotSet):
            last[event.key] = SlotSet(key=event.key, value=event.value, metadata=event.metadata)
    return list(last.values())


def apply() -> None:
    """Idempotent: replaces the method once, however many channels call it."""
    ActionSessionStart._slot_set_events_from_tracker = staticmethod(last_slot_values)
