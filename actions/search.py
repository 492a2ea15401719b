"""The fact search as the first step when the NLU is unsure (rule on `nlu_fallback`): the likeliest fact and its
source, or, when no fact is likely enough, Rasa's two-stage fallback (the likely topics as buttons)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fact_search import found_fact
from actions.feedback import AnswerAction
from actions.focus import message_text
from actions.knowledge_store import get_knowledge
from actions.names import TWO_STAGE_FALLBACK_ACTION
from actions.pinpoint import say_found
from actions.questions import ANSWER_SLOT


class ActionAnswerBySearch(AnswerAction):
    """The likeliest fact for a question the NLU was unsure of; the two-stage fallback when none is likely enough."""

    def name(self) -> str:
        return "action_answer_by_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        question = message_text(tracker)
        found = found_fact(knowledge, question)
        if found is None:  # not an answer: what answered the turn before stays (actions/questions.py)
            return [SlotSet(ANSWER_SLOT, tracker.get_slot(ANSWER_SLOT)), FollowupAction(TWO_STAGE_FALLBACK_ACTION)]
        return [say_found(dispatcher, knowledge, found.entry, question)]
