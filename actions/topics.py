"""Answers made of a topic's facts: opening conditions, services, advisers, principles..."""

from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.knowledge import Topic
from actions.knowledge_store import get_knowledge
from actions.replies import facts_sources, facts_text, say


class TopicAction(Action, metaclass=ABCMeta):
    """Says the facts of one topic of the knowledge file, with their sources.

    Abstract, so that the action server registers only its subclasses, each naming its topic.
    """

    @property
    @abstractmethod
    def topic(self) -> Topic: ...

    def name(self) -> str:
        return f"action_answer_{self.topic.value}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        facts = knowledge.topic(self.topic)
        say(dispatcher, wording.FACTS, facts=facts_text(facts), sources=facts_sources(knowledge, facts))
        return []


class ActionAnswerPresentation(TopicAction):
    topic = Topic.PRESENTATION


class ActionAnswerConditions(TopicAction):
    topic = Topic.CONDITIONS


class ActionAnswerFree(TopicAction):
    topic = Topic.FREE


class ActionAnswerAnonymous(TopicAction):
    topic = Topic.ANONYMOUS


class ActionAnswerAppointment(TopicAction):
    topic = Topic.APPOINTMENT


class ActionAnswerAudience(TopicAction):
    topic = Topic.AUDIENCE


class ActionAnswerHours(TopicAction):
    topic = Topic.HOURS


class ActionAnswerAddress(TopicAction):
    topic = Topic.ADDRESS


class ActionAnswerContact(TopicAction):
    topic = Topic.CONTACT


class ActionAnswerServices(TopicAction):
    topic = Topic.SERVICES


class ActionAnswerAdvisers(TopicAction):
    topic = Topic.ADVISERS


class ActionAnswerPrinciples(TopicAction):
    topic = Topic.PRINCIPLES


class ActionAnswerOrgChart(TopicAction):
    topic = Topic.ORG_CHART
