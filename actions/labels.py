"""Answers about the labels: the list with their years, or the detail of one."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import AnswerAction
from actions.focus import LABEL, LABELS, focus_on, labels_asked
from actions.knowledge import Knowledge, Label
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.replies import (
    capitalised,
    distinct_entity_values,
    facts_text,
    label_line,
    say,
    sources_text,
    years_text,
)


def labels_list(knowledge: Knowledge) -> str:
    return "\n".join(label_line(label) for label in knowledge.labels)


def say_label(dispatcher: CollectingDispatcher, knowledge: Knowledge, label: Label) -> list[dict[str, Any]]:
    """The detail of one label: its years, who awarded it, its facts."""
    facts = knowledge.facts(label.facts)
    say(
        dispatcher,
        words().LABEL_DETAIL_WITH_ISSUER if label.issuer else words().LABEL_DETAIL,
        label=capitalised(label.name_in(turn_language())),
        years=years_text(label.years),
        issuer=label.issuer_in(turn_language()) or "",
        facts=facts_text(facts),
        sources=sources_text(knowledge, [label.source, *(fact.source for fact in facts)]),
    )
    return [focus_on(LABEL, label.id)]


def say_labels(dispatcher: CollectingDispatcher, knowledge: Knowledge) -> list[dict[str, Any]]:
    """Every label with its years."""
    say(
        dispatcher,
        words().LABELS_LIST,
        organisation=knowledge.organisation.name,
        labels=labels_list(knowledge),
        sources=sources_text(knowledge, [label.source for label in knowledge.labels]),
    )
    return [focus_on(LABELS)]


class ActionAnswerLabels(AnswerAction):
    """Lists every label with its years, or details each label the visitor named."""

    def name(self) -> str:
        return "action_answer_labels"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        labels = labels_asked(tracker, knowledge)
        if not labels and distinct_entity_values(tracker, "label"):
            # A label was named that the knowledge file does not hold.
            say(dispatcher, words().LABEL_UNKNOWN, labels=labels_list(knowledge))
            return [focus_on(LABELS)]
        if not labels:
            return say_labels(dispatcher, knowledge)
        events: list[dict[str, Any]] = []
        for label in labels:
            events = say_label(dispatcher, knowledge, label)
        return events
