"""Honest answers when the bot does not understand, or is asked about something else."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.knowledge_store import get_knowledge
from actions.replies import say


class ActionDontKnow(Action):
    """Low NLU confidence: say so, say what the bot can answer, and point to the website."""

    template = wording.DONT_KNOW

    def name(self) -> str:
        return "action_dont_know"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, self.template, website=get_knowledge().organisation.website)
        return []


class ActionOutOfScope(ActionDontKnow):
    """A question outside the centre's topics: decline, without inventing an answer."""

    template = wording.OUT_OF_SCOPE

    def name(self) -> str:
        return "action_out_of_scope"
