"""Honest answers when the bot does not understand, or is asked about something else."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_store import get_knowledge


class ActionDontKnow(Action):
    """Low NLU confidence: say so, say what the bot can answer, and point to the website."""

    response = "utter_dont_know"

    def name(self) -> str:
        return "action_dont_know"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response=self.response, website=get_knowledge().organisation.website)
        return []


class ActionOutOfScope(ActionDontKnow):
    """A question outside the centre's topics: decline, without inventing an answer."""

    response = "utter_out_of_scope"

    def name(self) -> str:
        return "action_out_of_scope"
