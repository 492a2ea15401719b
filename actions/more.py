"""The rest of an answer cut to be read at a glance (actions/glance.py), on "En savoir plus" / "Tell me more"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import AnswerAction
from actions.glance import MORE_SLOT, at_a_glance
from actions.language import words
from actions.replies import say


class ActionAnswerMore(AnswerAction):
    """ "En savoir plus": the next part of the last answer cut to be read at a glance (cut again if it is long)."""

    def name(self) -> str:
        return "action_answer_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        waiting = tracker.get_slot(MORE_SLOT)
        parts = [str(part) for part in waiting if part] if isinstance(waiting, list) else []
        if not parts:
            say(dispatcher, words().NOTHING_MORE)
            return [SlotSet(MORE_SLOT, None)]
        for part in parts:
            dispatcher.utter_message(text=part)
        # The rest may be long too: cut again, and what remains waits for the next "En savoir plus".
        first = len(dispatcher.messages) - len(parts)
        return [SlotSet(MORE_SLOT, None), *at_a_glance(dispatcher, first, tracker, [])]
