"""Answers about the organisation's history and its international network."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.centres import ActionAnswerCentres
from actions.fact_search import HISTORY_PREFIX, NETWORK_ENTRY
from actions.feedback import AnswerAction
from actions.focus import NETWORK, TOPIC, YEAR, focus_on, message_text, towns_asked
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import HistoryEvent
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.mentions import parse_mention
from actions.not_held import said_details
from actions.pinpoint import pinpoint
from actions.replies import colon, label_line, say, sources_text

# Details a question about the history or the network may ask that the timeline or the network's presentation
# answer by themselves ("pourquoi a-t-elle été créée ?", "combien de pays ?").
_HISTORY_SAYS = frozenset({"year", "date", "founded", "opened", "purpose", "website"})
_NETWORK_SAYS = frozenset({"year", "countries", "cities", "website", "purpose"})


def history_line(event: HistoryEvent) -> str:
    return f"- {event.year}{colon()} {event.text_in(turn_language())}"


def timeline(knowledge: Knowledge) -> str:
    """The history events and the labels, one line each, by year; a label of several years at its first."""
    lines: list[tuple[int, str]] = [(event.year, history_line(event)) for event in knowledge.history]
    lines += [(min(label.years), label_line(label)) for label in knowledge.labels]
    lines.sort(key=lambda entry: entry[0])
    return "\n".join(line for _, line in lines)


def say_history(dispatcher: CollectingDispatcher, knowledge: Knowledge) -> None:
    source_ids = [event.source for event in knowledge.history] + [label.source for label in knowledge.labels]
    say(dispatcher, words().HISTORY, timeline=timeline(knowledge), sources=sources_text(knowledge, source_ids))


def say_history_of_year(
    dispatcher: CollectingDispatcher, knowledge: Knowledge, year: int
) -> list[dict[str, Any]] | None:
    """What happened in `year` on the timeline, with that year in focus ("et avant ça ?" counts from it); None
    when nothing did."""
    events = [event for event in knowledge.history if event.year == year]
    if not events:
        return None
    lines = "\n".join(history_line(event) for event in events)
    say(dispatcher, words().FACTS, facts=lines, sources=sources_text(knowledge, (event.source for event in events)))
    return [focus_on(YEAR, str(year))]


def say_history_of_year_named(
    dispatcher: CollectingDispatcher, knowledge: Knowledge, tracker: Tracker
) -> list[dict[str, Any]] | None:
    """What happened in the year the latest message names ("il s'est passé quoi en 1999 ?"), as
    say_history_of_year; None when it names no year or nothing happened then."""
    mention = parse_mention(message_text(tracker))
    if mention is None or mention.year is None:
        return None
    return say_history_of_year(dispatcher, knowledge, mention.year)


class ActionAnswerHistory(AnswerAction):
    """A timeline of the history events and of the labels, by year; what happened in a year the message names."""

    def name(self) -> str:
        return "action_answer_history"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        if said_details(dispatcher, knowledge, message_text(tracker), knowledge.organisation.details,
                        words().THE_ORGANISATION, _HISTORY_SAYS):  # fmt: skip
            return [focus_on(TOPIC, "history")]
        events = say_history_of_year_named(dispatcher, knowledge, tracker)
        if events is None:  # the whole timeline, unless the search finds the fact asked beyond it
            events = pinpoint(dispatcher, tracker, knowledge, covered=lambda entry: entry.id.startswith(HISTORY_PREFIX))
        if events is not None:
            return events
        say_history(dispatcher, knowledge)
        return [focus_on(TOPIC, "history")]


class ActionAnswerNetwork(AnswerAction):
    """The international network of Cités des Métiers, with its figures and link."""

    def name(self) -> str:
        return "action_answer_network"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        network = knowledge.network
        centres = [knowledge.find_centre(town) for town in towns_asked(tracker, knowledge)]
        if any(centre is not None and centre.kind == "associated" for centre in centres):
            # "is there a cité des métiers in Istres?": one of the association's own centres, not the network's
            answered: list[dict[str, Any]] = await ActionAnswerCentres().run(dispatcher, tracker, domain)
            return answered
        if said_details(dispatcher, knowledge, message_text(tracker), network.details, words().THE_NETWORK,
                        _NETWORK_SAYS, website=network.url):  # fmt: skip
            return [focus_on(NETWORK)]
        said = {NETWORK_ENTRY, *(network.details.get(detail) for detail in _NETWORK_SAYS)}
        events = pinpoint(dispatcher, tracker, knowledge, covered=lambda entry: entry.id in said)
        if events is not None:
            return events
        say(
            dispatcher,
            words().NETWORK,
            description=network.text_in(turn_language()),
            cities=network.cities,
            countries=network.countries,
            url=network.url,
            sources=sources_text(knowledge, [network.source]),
        )
        return [focus_on(NETWORK)]
