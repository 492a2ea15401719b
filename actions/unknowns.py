"""Honest answers to practical questions no source holds: events, job offers, parking, transport, access."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import AnswerAction
from actions.focus import TOPIC, focus_on, message_text
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Unknown
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.names import NOT_IN_SOURCES_ACTION
from actions.replies import facts_sources, facts_text, say, spoken_list


def say_not_in_sources(dispatcher: CollectingDispatcher, knowledge: Knowledge, subjects: list[Unknown]) -> None:
    """That the sources do not hold these subjects (or what was asked, when none is named), and where to look."""
    website = knowledge.organisation.website
    if subjects:
        named = spoken_list([subject.subject_in(turn_language()) for subject in subjects])
        say(dispatcher, words().NOT_IN_SOURCES, subject=named, website=website)
    else:
        say(dispatcher, words().NOT_IN_SOURCES_UNNAMED, website=website)


class ActionAnswerNotInSources(AnswerAction):
    """Says plainly that the sources do not hold this, where to find it, and the facts that help anyway."""

    def name(self) -> str:
        return NOT_IN_SOURCES_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        subjects = knowledge.unknowns_in(message_text(tracker))
        say_not_in_sources(dispatcher, knowledge, subjects)
        helpful = list(dict.fromkeys(fact for subject in subjects for fact in knowledge.facts(subject.facts)))
        if helpful:
            say(dispatcher, words().HELPFUL_FACTS, facts=facts_text(helpful), sources=facts_sources(knowledge, helpful))
        return [focus_on(TOPIC, "practical_details")]
