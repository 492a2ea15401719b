"""Answers made of a topic's facts: opening conditions, services, advisers, principles..."""

from abc import ABCMeta, abstractmethod
from typing import Any, cast

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.centres import say_detail_unknown, say_town
from actions.feedback import AnswerAction
from actions.focus import CENTRE, TOPIC, centre_in_focus, focus_on, towns_asked
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Centre
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.pinpoint import pinpoint
from actions.replies import facts_sources, facts_text, say
from actions.topic_registry import Topic


def say_topic(dispatcher: CollectingDispatcher, knowledge: Knowledge, topic: Topic) -> None:
    facts = knowledge.topic(topic)
    if not facts:  # every fact of the topic has ended (`valid_until`): the sources no longer say anything of it
        say(dispatcher, words().NOT_IN_SOURCES_UNNAMED, website=knowledge.organisation.website)
        return
    say(dispatcher, words().FACTS, facts=facts_text(facts), sources=facts_sources(knowledge, facts))


class TopicAction(AnswerAction, metaclass=ABCMeta):
    """Says the facts of one topic of the knowledge file, with their sources.

    Abstract, so that the action server registers only its subclasses, each naming its topic: one per topic,
    made from the registry below.
    """

    @property
    @abstractmethod
    def topic(self) -> Topic: ...

    # A broad topic checks the question against the fact search first (`answer="broad"` in the registry).
    broad = False

    def name(self) -> str:
        return self.topic.action

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        if self.broad:
            said = knowledge.topic_fact_ids(self.topic)
            events = pinpoint(dispatcher, tracker, knowledge, covered=lambda entry: entry.id in said)
            if events is not None:
                return events
        say_topic(dispatcher, knowledge, self.topic)
        return [focus_on(TOPIC, self.topic.value)]


class CentreTopicAction(TopicAction):
    """A topic that differs by centre (where, when open, how to reach it), about the centre asked or in focus.

    "c'est où exactement ?" after "vous avez un centre à Gap ?" is about Gap: the sources hold no
    address for it, so the bot says so for Gap, and never gives Marseille's facts in its place.
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        towns = towns_asked(tracker, knowledge)
        centres = [knowledge.find_centre(town) for town in towns] or [centre_in_focus(tracker, knowledge)]
        towns_or_none: list[str | None] = [*towns] or [None]
        events: list[dict[str, Any]] = []
        for town, centre in zip(towns_or_none, centres, strict=True):
            if centre is None and town is not None:
                events = say_town(dispatcher, knowledge, town)  # not a centre of the association: say so
            elif centre is None or centre.kind == "main":
                say_topic(dispatcher, knowledge, self.topic)
                events = [focus_on(CENTRE, knowledge.main_centre.id)]
            elif said := self._said_of(centre):
                fact = knowledge.fact(said)
                say(
                    dispatcher,
                    words().FACTS,
                    facts=fact.text_in(turn_language()),
                    sources=facts_sources(knowledge, [fact]),
                )
                events = [focus_on(CENTRE, centre.id)]
            else:
                events = say_detail_unknown(dispatcher, knowledge, centre, self.topic.value)
        return events

    def _said_of(self, centre: Centre) -> str | None:
        """The fact that answers this topic for the centre: its address, or its detail of the topic's id
        (`details: {hours: ..., contact: ...}`, written on the facts page)."""
        if self.topic == Topic.ADDRESS and centre.address:
            return centre.address
        return centre.details.get(self.topic.value)


def _action_class(topic: Topic) -> type[TopicAction]:
    """The action of a topic: a real subclass, which the action server registers like a written one."""
    base = CentreTopicAction if topic.entry.answer == "centre" else TopicAction
    class_name = "ActionAnswer" + topic.name.title().replace("_", "")  # ActionAnswerOrgChart
    attributes = {"topic": topic, "broad": topic.entry.answer == "broad", "__module__": __name__}
    # `type` builds the class with the base's metaclass (ABCMeta); mypy sees only a `type`.
    return cast(type[TopicAction], type(class_name, (base,), attributes))


# One action per topic of the registry (actions/topic_registry.py), made when the action server imports this module.
TOPIC_ACTIONS: dict[Topic, type[TopicAction]] = {topic: _action_class(topic) for topic in Topic}


def topic_action(topic: Topic) -> TopicAction:
    """The action that answers a topic."""
    return TOPIC_ACTIONS[topic]()
