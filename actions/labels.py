"""Answers about the labels: the list with their years, or the detail of one."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import AnswerAction
from actions.focus import LABEL, LABELS, focus_on, labels_asked, message_text
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Label
from actions.knowledge.text import normalise
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.not_held import said_not_held_of_label
from actions.pinpoint import pinpoint
from actions.replies import (
    capitalised,
    distinct_entity_values,
    facts_text,
    label_line,
    say,
    sources_text,
    the_label,
    years_text,
)
from actions.unknowns import say_not_in_sources

# Words that ask for the first or the latest label (accents and case do not matter).
_FIRST_WORDS = ("premier", "premiere", "plus ancien", "plus vieux", "first", "earliest", "oldest")
_LATEST_WORDS = ("plus recent", "dernier", "derniere", "latest", "most recent", "newest", "last one")


def label_by_order(knowledge: Knowledge, text: str) -> tuple[str, Label] | None:
    """("first" or "latest", that label) when the text asks for the first or the latest label."""
    folded = f" {normalise(text)} "
    if any(f" {word} " in folded for word in _LATEST_WORDS):
        return "latest", max(knowledge.labels, key=lambda label: max(label.years))
    if any(f" {word} " in folded for word in _FIRST_WORDS):
        return "first", min(knowledge.labels, key=lambda label: min(label.years))
    return None


def say_label_by_order(
    dispatcher: CollectingDispatcher, knowledge: Knowledge, which: str, label: Label
) -> list[dict[str, Any]]:
    facts = knowledge.facts(label.facts)
    say(
        dispatcher,
        words().LABEL_FIRST if which == "first" else words().LABEL_LATEST,
        year=min(label.years) if which == "first" else max(label.years),
        label=the_label(label),
        facts=facts_text(facts),
        sources=sources_text(knowledge, [label.source, *(fact.source for fact in facts)]),
    )
    return [focus_on(LABEL, label.id)]


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
        not_held = knowledge.unknowns_in(message_text(tracker))
        if not labels and not_held:  # "êtes-vous certifiés Qualiopi ?": no source says so; the labels it holds
            say_not_in_sources(dispatcher, knowledge, not_held)
            return say_labels(dispatcher, knowledge)
        if not labels and distinct_entity_values(tracker, "label"):
            # A label was named that the knowledge file does not hold.
            say(dispatcher, words().LABEL_UNKNOWN, labels=labels_list(knowledge))
            return [focus_on(LABELS)]
        ordered = label_by_order(knowledge, message_text(tracker)) if not labels else None
        if ordered is not None:
            return say_label_by_order(dispatcher, knowledge, *ordered)
        if not labels:  # every label and its years, unless the search finds another fact ("le dispositif Alliance ?")
            dated = {label.details.get(detail) for label in knowledge.labels for detail in ("year", "date")}
            found = pinpoint(dispatcher, tracker, knowledge, covered=lambda entry: entry.id in dated)
            return found if found is not None else say_labels(dispatcher, knowledge)
        events: list[dict[str, Any]] = []
        for label in labels:
            said_not_held_of_label(dispatcher, knowledge, message_text(tracker), label)
            events = say_label(dispatcher, knowledge, label)
        return events
