"""Honest answers when the bot does not understand, or is asked about something else.

The two-stage fallback is Rasa's (`action_two_stage_fallback`, rule on `nlu_fallback`); these actions
override its steps, as Rasa lets custom actions override default ones:
- `action_default_ask_affirmation`: the topics the NLU hesitates between, as buttons, with "Autre chose";
  a click sends the topic's intent, which Rasa then answers as if the visitor had written it;
- `action_default_ask_rephrase`: after "Autre chose", a request to rephrase;
- `action_default_fallback`: still not understood: the honest "I don't know" with what the bot can do.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.glance import at_a_glance
from actions.knowledge_store import get_knowledge
from actions.language import BilingualAction, turn_language, words
from actions.names import (
    ASK_AFFIRMATION_ACTION,
    ASK_REPHRASE_ACTION,
    DEFAULT_FALLBACK_ACTION,
    DONT_KNOW_ACTION,
    OUT_OF_SCOPE_ACTION,
)
from actions.questions import ANSWER_SLOT
from actions.referrals import referred
from actions.replies import say, spoken_list
from actions.topic_registry import BUTTON_TITLES

# At most this many topics are offered, and only those the NLU gave at least this confidence: below it,
# a button would be a guess, and the honest "I don't know" is better.
MAX_SUGGESTIONS = 2
MIN_SUGGESTION_CONFIDENCE = 0.15
# "Autre chose" is Rasa's way of saying no to every suggestion: the `out_of_scope` intent.
SOMETHING_ELSE_PAYLOAD = "/out_of_scope"


def suggested_intents(parse_data: dict[str, Any]) -> list[str]:
    """The intents worth offering for a message the NLU was unsure of, most likely first.

    Multi-intents ("ask_free+ask_anonymous") are offered when each part has a title.
    """
    suggestions: list[str] = []
    for ranked in parse_data.get("intent_ranking") or []:
        name, confidence = ranked.get("name"), ranked.get("confidence") or 0.0
        parts = str(name).split("+")
        if confidence < MIN_SUGGESTION_CONFIDENCE or not all(part in BUTTON_TITLES[turn_language()] for part in parts):
            continue
        suggestions.append(str(name))
        if len(suggestions) == MAX_SUGGESTIONS:
            break
    return suggestions


def suggestion_title(intent: str) -> str:
    return spoken_list([BUTTON_TITLES[turn_language()][part] for part in intent.split("+")])


class ActionDontKnow(BilingualAction):
    """Low NLU confidence: say so, say what the bot can answer, and point to the website."""

    def name(self) -> str:
        return DONT_KNOW_ACTION

    def template(self) -> str:
        """The reply's wording, in the turn's language."""
        return words().DONT_KNOW

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, self.template(), website=get_knowledge().organisation.website)
        return []


class ActionOutOfScope(ActionDontKnow):
    """A question outside the centre's topics: decline, without inventing an answer; but a question only a
    person or another public service answers ("combien gagne un électricien ?") gets where to find it."""

    def template(self) -> str:
        return words().OUT_OF_SCOPE

    def name(self) -> str:
        return OUT_OF_SCOPE_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        first_message = len(dispatcher.messages)
        referral = referred(dispatcher, get_knowledge(), tracker.latest_message.get("text") or "")
        if referral is not None:  # the referral's answer, read at a glance as the answers with facts are
            return [*referral, *at_a_glance(dispatcher, first_message, tracker, referral)]
        return await super().run(dispatcher, tracker, domain)


class ActionAnswerEmptyMessage(BilingualAction):
    """A message with nothing to read (blank, punctuation or emoji only): a short prompt, in the conversation's
    language."""

    def name(self) -> str:
        return "action_answer_empty_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, words().EMPTY_MESSAGE)
        return [SlotSet(ANSWER_SLOT, self.name())]


class ActionDefaultFallback(ActionDontKnow):
    """The two-stage fallback's last step: the visitor was still not understood."""

    def name(self) -> str:
        return DEFAULT_FALLBACK_ACTION


class ActionAskAffirmation(BilingualAction):
    """The two-stage fallback's first step: "Vouliez-vous dire : … / … / Autre chose ?" as buttons.

    When no topic is likely enough to offer, the honest "I don't know" instead.
    """

    def name(self) -> str:
        return ASK_AFFIRMATION_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        suggestions = suggested_intents(tracker.latest_message)
        if not suggestions:
            say(dispatcher, words().DONT_KNOW, website=get_knowledge().organisation.website)
            return []
        # The message's entities ride along, so that a click on "Les centres" after "une Cité des Métiers
        # à Lyon ?" still answers about Lyon.
        entities = {entity["entity"]: entity["value"] for entity in tracker.latest_message.get("entities") or []}
        arguments = json.dumps(entities, ensure_ascii=False) if entities else ""
        buttons = [{"title": suggestion_title(intent), "payload": f"/{intent}{arguments}"} for intent in suggestions]
        buttons.append({"title": words().SOMETHING_ELSE, "payload": SOMETHING_ELSE_PAYLOAD})
        dispatcher.utter_message(text=words().DID_YOU_MEAN, buttons=buttons)
        return []


class ActionAskRephrase(BilingualAction):
    """The two-stage fallback's second step, after "Autre chose": ask to say it with other words."""

    def name(self) -> str:
        return ASK_REPHRASE_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, words().REPHRASE)
        return []
