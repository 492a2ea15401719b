"""A topic's whole answer checked against the fact search: "a partir de quand d'autres villes ont eu leur cité
des métiers ?" is a question about the network to the NLU, but its answer is one step of the history.

The intents tell the topic of a question, not which fact it asks for. Before a topic's whole answer (the
timeline, the network's presentation, the list of labels), the bot asks the fact search: when it
finds a fact with the score at which its classifier picks it on its own (actions/fact_search.py) that the topic's answer
does not say, the bot says that fact instead: the fact asked rather than the nearby facts of its topic. A question
about the whole topic ("vos labels ?", "le réseau ?") keeps the topic's answer, whatever fact is nearest. Answers
to a detail, to a thing in focus or a correction are not checked: they already answer what was asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fact_search import MIN_PINPOINT_SCORE, NETWORK_ENTRY, Entry, asks_whole_topic, detail_not_held, look_up
from actions.focus import LABEL, NETWORK, TOPIC, focus_on, message_text
from actions.knowledge.base import Knowledge
from actions.language import turn_language, words
from actions.not_held import dated_template
from actions.replies import say, sources_text
from actions.topic_registry import Topic


def say_found(dispatcher: CollectingDispatcher, knowledge: Knowledge, entry: Entry, question: str) -> dict[str, Any]:
    """The fact and its source (as what the sources hold, when it is dated and the question asks of another time,
    or when the question asks a detail it does not say); returns the event that puts what it is about in focus."""
    language = turn_language()
    template, year = dated_template(question, entry.text, words().FACT_OF_OTHER_YEAR)
    missing = detail_not_held(knowledge, entry, question) if year is None else None
    if missing is not None:
        template = words().FACT_WITHOUT_DETAIL
    say(dispatcher, template, year=year or "", detail=missing.name_in(language) if missing else "",
        facts=entry.text_in(language), sources=sources_text(knowledge, [entry.source]))  # fmt: skip
    labels = sorted(thing.partition(":")[2] for thing in entry.about if thing.startswith("label:"))
    if len(labels) == 1:
        return focus_on(LABEL, labels[0])
    if entry.about == {NETWORK_ENTRY}:
        return focus_on(NETWORK)
    return focus_on(TOPIC, "presentation")


def pinpoint(
    dispatcher: CollectingDispatcher, tracker: Tracker, knowledge: Knowledge, covered: Callable[[Entry], bool]
) -> list[dict[str, Any]] | None:
    """Says the fact the search finds for the latest message in place of a topic's whole answer, when the search is
    sure of it and the topic's answer does not say it (`covered`); returns the events, or None when the topic's
    answer stands. When the search takes the question for one no source answers, says so before the topic's answer."""
    question = message_text(tracker)
    intent = str((tracker.latest_message.get("intent") or {}).get("name") or "")
    if not question or question.startswith("/") or "+" in intent:  # a button's payload; two questions in one
        return None
    if asks_whole_topic(knowledge, question):  # "vos labels ?": the nearest fact is not what is asked
        return None
    verdict = look_up(knowledge, question, min_score=MIN_PINPOINT_SCORE)
    found = verdict.found
    if found is None:
        # "qui préside le réseau ?": the topic's answer follows, said as what the sources hold, not as the answer.
        if verdict.not_held:
            say(dispatcher, words().NOT_HELD_BUT_TOPIC)
        return None
    # What the centre is in general is never the fact a question about its history, labels or network asks for
    # ("c'est récent, la Cité des Métiers ?").
    if covered(found.entry) or found.entry.id in knowledge.topic_fact_ids(Topic.PRESENTATION):
        return None
    return [say_found(dispatcher, knowledge, found.entry, question)]
