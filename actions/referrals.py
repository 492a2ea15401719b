"""What a bot must not answer with facts about itself: a person in distress, and questions only a person or
another public service answers (labour law, a salary, writing a CV for the visitor, a foreign diploma...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import AnswerAction
from actions.focus import TOPIC, focus_on
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Referral
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.names import OUT_OF_SCOPE_ACTION
from actions.questions import ANSWER_SLOT
from actions.replies import facts_sources, facts_text, say
from actions.topic_registry import Topic

REFERRAL = "referral"
REFERRAL_ACTION = "action_answer_referral"
NEED_ACTION = "action_answer_need"
# At most this many subjects answered for one message.
MAX_REFERRALS = 2


def say_distress(dispatcher: CollectingDispatcher, knowledge: Knowledge) -> list[dict[str, Any]]:
    """A few human words and the numbers, then (a bubble of its own, to be read at a glance) the advisers; no
    sources line, no rating buttons, nothing behind "En savoir plus"."""
    # The numbers, then the advisers; a fact past its end date (`valid_until`) is left out, never an error.
    facts = knowledge.distress_facts
    numbers, advisers = facts[:-1], facts[-1:]
    lines = "\n".join(f"- {fact.text_in(turn_language())}" for fact in numbers)
    say(dispatcher, words().DISTRESS, facts=lines)
    for fact in advisers:
        dispatcher.utter_message(text=fact.text_in(turn_language()))
    return [focus_on(TOPIC, "distress")]


def answer_by_subject(action: str, knowledge: Knowledge, text: str) -> str:
    """The answer `action` gives a message, among a need's, a referral's and out of scope: a need or an
    out-of-scope question that names a subject only a person answers gets the referral (`referred`); a referral
    question that names none but a need gets the need's (ActionAnswerReferral). Also how the evaluation reads
    an answer (devtools/evaluation_summary.py)."""
    referrals = knowledge.referrals_in(text)
    if action in (NEED_ACTION, OUT_OF_SCOPE_ACTION) and referrals:
        return REFERRAL_ACTION
    if action == REFERRAL_ACTION and not referrals and knowledge.needs_in(text):
        return NEED_ACTION
    return action


def referred(dispatcher: CollectingDispatcher, knowledge: Knowledge, text: str) -> list[dict[str, Any]] | None:
    """For another intent's action (a need, an out-of-scope question): the referral answer when the message
    names a subject only a person answers ("écrivez-moi mon CV", "combien gagne un électricien"), recorded
    as the referral's; None otherwise."""
    referrals = knowledge.referrals_in(text)
    if not referrals:
        return None
    return [*say_referrals(dispatcher, knowledge, referrals), SlotSet(ANSWER_SLOT, REFERRAL_ACTION)]


def say_referrals(
    dispatcher: CollectingDispatcher, knowledge: Knowledge, found: Sequence[Referral]
) -> list[dict[str, Any]]:
    """Each subject found in the message (`Knowledge.referrals_in`), with where its answer is; none found: that
    an adviser answers it."""
    referrals = found[:MAX_REFERRALS]
    if not referrals:
        facts = knowledge.topic(Topic.ADVISERS)[:1]
        say(dispatcher, words().REFERRAL_UNNAMED, facts=facts_text(facts), sources=facts_sources(knowledge, facts))
        return [focus_on(TOPIC, REFERRAL)]
    for referral in referrals:
        facts = knowledge.facts(referral.facts)
        say(
            dispatcher,
            words().REFERRAL,
            subject=referral.subject_in(turn_language()),
            facts="\n".join(f"- {fact.text_in(turn_language())}" for fact in facts),
            sources=facts_sources(knowledge, facts),
        )
    return [focus_on(REFERRAL, referrals[-1].id)]


class ActionAnswerDistress(AnswerAction):
    """A person in distress: the 3114, 15 / 112, and the advisers, in a few human words."""

    def name(self) -> str:
        return "action_answer_distress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return say_distress(dispatcher, get_knowledge())
