"""The fact search as the first step when the NLU is unsure (rule on `nlu_fallback`): the closest fact and its
source, or, when no fact is close enough, Rasa's two-stage fallback (the likely topics as buttons)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fact_search import NETWORK_ENTRY, Entry, found_fact
from actions.feedback import AnswerAction
from actions.focus import LABEL, NETWORK, TOPIC, focus_on, message_text
from actions.knowledge import Knowledge
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.questions import ANSWER_SLOT
from actions.replies import say, sources_text

TWO_STAGE_FALLBACK = "action_two_stage_fallback"


def say_found(dispatcher: CollectingDispatcher, knowledge: Knowledge, entry: Entry) -> dict[str, Any]:
    """The fact and its source; returns the event that puts what it is about in focus."""
    say(
        dispatcher, words().FACTS, facts=entry.text_in(turn_language()), sources=sources_text(knowledge, [entry.source])
    )
    labels = sorted(thing.partition(":")[2] for thing in entry.about if thing.startswith("label:"))
    if len(labels) == 1:
        return focus_on(LABEL, labels[0])
    if entry.about == {NETWORK_ENTRY}:
        return focus_on(NETWORK)
    return focus_on(TOPIC, "presentation")


class ActionAnswerBySearch(AnswerAction):
    """The closest fact to a question the NLU was unsure of; the two-stage fallback when none is close enough."""

    def name(self) -> str:
        return "action_answer_by_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        found = found_fact(knowledge, message_text(tracker))
        if found is None:  # not an answer: what answered the turn before stays (actions/questions.py)
            return [SlotSet(ANSWER_SLOT, tracker.get_slot(ANSWER_SLOT)), FollowupAction(TWO_STAGE_FALLBACK)]
        return [say_found(dispatcher, knowledge, found.entry)]
