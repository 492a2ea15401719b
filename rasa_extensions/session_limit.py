"""A fresh conversation session every `MAX_TURNS_PER_SESSION` messages of a conversation, so that a turn's cost
does not grow with the conversation's length.

Each turn, Rasa loads the conversation's current session from the tracker store and its policies read it
whole: without a bound, turn 500 of one conversation took ten times turn 1 (issue "Keeps serving through
crashes and abuse"), and a script or a stuck page keeping one conversation going slowed every visitor. Rasa
loads only the events since the last `session_started` (`SQLTrackerStore.retrieve`), so starting a session
bounds the load. The guard sends Rasa's own `/session_start` message (its `RulePolicy` runs
`action_session_start`) before every `MAX_TURNS_PER_SESSION`-th message of a conversation. The new session
carries each slot's last value over (`carry_over_slots_to_new_session` in domain.yml, and
rasa_extensions/session_start.py): the visitor's language and the thing in focus survive, and the visitor
notices nothing.

The count is per Rasa server, in memory, for the `MAX_TRACKED` most recently seen conversations: after a
restart, or with several servers, a session may run to a few times the limit, still bounded.

Like all the Rasa server's extensions, it imports nothing of the action server's package (`actions`).
"""

from __future__ import annotations

from collections import OrderedDict

from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import USER_INTENT_SESSION_START

from rasa_extensions import settings

# 20: a turn's cost grows within a session (the action server gets the whole session); at 50 the last turn
# of a session took 2.0 times the second, at 25 between 1.45 and 1.75 times (tests/e2e/test_long_conversation.py,
# from run to run). The visitor loses nothing at a new session, so a shorter one costs nothing.
DEFAULT_MAX_TURNS: int = settings.RasaServerSettings.default("MAX_TURNS_PER_SESSION")
MAX_TRACKED = 10_000
# The message that makes Rasa start a new session.
SESSION_START_MESSAGE = f"{INTENT_MESSAGE_PREFIX}{USER_INTENT_SESSION_START}"


class SessionTurns:
    """Counts each conversation's messages; says when the next one should open a fresh session."""

    def __init__(self, max_turns: int, max_tracked: int = MAX_TRACKED) -> None:
        self.max_turns = max_turns
        self.max_tracked = max_tracked
        self.turns: OrderedDict[str, int] = OrderedDict()

    @classmethod
    def from_environment(cls) -> SessionTurns:
        return cls(settings.load().max_turns_per_session)

    def new_session_before(self, conversation: str) -> bool:
        """Counts this message; True when a fresh session should start before it (0: never)."""
        count = self.turns.pop(conversation, 0) + 1
        self.turns[conversation] = count
        if len(self.turns) > self.max_tracked:
            self.turns.popitem(last=False)
        if self.max_turns <= 0 or count <= self.max_turns:
            return False
        self.turns[conversation] = 1
        return True
