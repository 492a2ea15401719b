"""The visitor's rating of an answer: "Cette réponse vous a-t-elle aidé ?" 👍 / 👎, and the reply to a rating.

An answer with facts (one that ends with its sources) carries two buttons on its last message, whose payloads
are `/rate_answer{"rating": "helpful"}` and `/rate_answer{"rating": "not_helpful"}`. A click (or a REST client
sending the same payload) is stored by Rasa as a `rate_answer` message with the entity `rating`, right after
the answer it rates: the tracker store keeps the rating, tied to that answer, and nothing else about the visitor.

Never insistent: the buttons come only with answers that state facts (not with greetings, small talk or
the fallback's "I don't know"), only after the last answer of a turn, and not again within `QUIET_TURNS`
turns of an offer or a rating. The widget shows them under the last message only, and hides them once the
visitor moves on.
"""

from __future__ import annotations

import functools
import json
from abc import ABCMeta
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.glance import at_a_glance
from actions.knowledge_store import get_knowledge
from actions.language import BilingualAction, RunMethod, words
from actions.names import HELPFUL, NOT_HELPFUL, RATING_ENTITY, RATING_INTENT
from actions.questions import ANSWER_SLOT
from actions.replies import cites_sources, facts_sources, facts_text, say
from actions.topic_registry import Topic

# After an offer (rated or not), the next answers of this many turns come without the buttons.
QUIET_TURNS = 2
# The actions that answer a question (each part of "ask_free+ask_anonymous" has one).
ANSWER_ACTION_PREFIX = "action_answer_"


def rating_payload(rating: str) -> str:
    """'/rate_answer{"rating": "helpful"}': what the button sends, and what a REST client may send."""
    return f"/{RATING_INTENT}{json.dumps({RATING_ENTITY: rating})}"


def rating_buttons() -> list[dict[str, str]]:
    return [
        {"title": words().RATING_HELPFUL, "payload": rating_payload(HELPFUL)},
        {"title": words().RATING_NOT_HELPFUL, "payload": rating_payload(NOT_HELPFUL)},
    ]


def _turns(events: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The events cut into the visitor's turns, each starting with its message; the last is the current one."""
    turns: list[list[dict[str, Any]]] = [[]]
    for event in events:
        if event.get("event") == "user":
            turns.append([])
        turns[-1].append(event)
    return turns


def _offers_rating(event: dict[str, Any]) -> bool:
    buttons = (event.get("data") or {}).get("buttons") or []
    return event.get("event") == "bot" and any(
        str(button.get("payload", "")).startswith(f"/{RATING_INTENT}") for button in buttons
    )


def _is_rating(event: dict[str, Any]) -> bool:
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    return event.get("event") == "user" and intent == RATING_INTENT


def _answers_left_in_turn(tracker: Tracker) -> int:
    """How many answers the current turn still has to give after this one: two questions in one message
    ("ask_free+ask_anonymous") are answered by one action each, and only the last one offers the buttons."""
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    current_turn = _turns(tracker.applied_events())[-1]
    answered = [
        event
        for event in current_turn
        if event.get("event") == "action" and str(event.get("name")).startswith(ANSWER_ACTION_PREFIX)
    ]
    return max(0, len(str(intent).split("+")) - len(answered) - 1)


def may_offer_rating(tracker: Tracker) -> bool:
    """Whether this answer may carry the rating buttons: the turn's last answer, none offered or given lately."""
    if _answers_left_in_turn(tracker):
        return False
    # The turns as they stand, without those the two-stage fallback reverted.
    recent = _turns(tracker.applied_events())[-(QUIET_TURNS + 1) :]
    return not any(_offers_rating(event) or _is_rating(event) for turn in recent for event in turn)


def offer_rating(dispatcher: CollectingDispatcher, tracker: Tracker, first_message: int) -> None:
    """Attach the rating buttons to the last of the messages the action sent (from `first_message` on), if it
    states facts and the visitor may be asked."""
    sent = dispatcher.messages[first_message:]
    if sent and cites_sources(sent[-1].get("text") or "") and not sent[-1].get("buttons") and may_offer_rating(tracker):
        sent[-1]["buttons"] = rating_buttons()


def _offering_rating(run: RunMethod) -> RunMethod:
    @functools.wraps(run)
    async def run_and_offer(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        first_message = len(dispatcher.messages)
        events = await run(self, dispatcher, tracker, domain)
        events = [*events, *at_a_glance(dispatcher, first_message, tracker, events)]
        offer_rating(dispatcher, tracker, first_message)
        # What answered the turn, for the follow-ups that ask a question again (actions/questions.py); an
        # action that answered through others (ActionAnswerFollowup) carries their names already.
        if not any(event.get("event") == "slot" and event.get("name") == ANSWER_SLOT for event in events):
            events = [*events, SlotSet(ANSWER_SLOT, self.name())]
        return events

    return run_and_offer


class AnswerAction(BilingualAction, metaclass=ABCMeta):
    """An action that answers with facts: its answer is cut to be read at a glance (`actions.glance`) and may
    carry the rating buttons (`offer_rating`).

    Each subclass's `run` is wrapped, inside the turn's language (BilingualAction wraps the wrapped `run`).
    Abstract, so that the action server registers only the actions themselves.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "run" in cls.__dict__:
            cls.run = _offering_rating(cls.__dict__["run"])
        super().__init_subclass__(**kwargs)


def rating_of(tracker: Tracker) -> str | None:
    """The rating the latest message gives: helpful, not_helpful, or None (feedback typed in words)."""
    for value in tracker.get_latest_entity_values(RATING_ENTITY):
        if value in (HELPFUL, NOT_HELPFUL):
            return str(value)
    return None


def follows_an_answer_with_facts(tracker: Tracker) -> bool:
    """Whether the bot's last message before this one stated facts (something a visitor could rate)."""
    said = [event for event in tracker.applied_events() if event.get("event") == "bot"]
    return bool(said) and cites_sources(said[-1].get("text") or "")


class ActionAnswerRating(BilingualAction):
    """The reply to a rating: thanks for 👍; for 👎, rephrase or meet an adviser (the knowledge file's first
    fact about advisers, with its source).

    Feedback typed in words names no rating: after an answer with facts, the buttons let the visitor say which;
    anywhere else the NLU took something else for feedback ("je n'ai pas eu de réponse à ma candidature"),
    and the honest "I don't know" is better than a question about an answer never given.
    """

    def name(self) -> str:
        return "action_answer_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        rating = rating_of(tracker)
        if rating == HELPFUL:
            say(dispatcher, words().RATED_HELPFUL)
        elif rating == NOT_HELPFUL:
            knowledge = get_knowledge()
            adviser = knowledge.topic(Topic.ADVISERS)[:1]
            say(
                dispatcher,
                words().RATED_NOT_HELPFUL,
                facts=facts_text(adviser),
                sources=facts_sources(knowledge, adviser),
            )
        elif follows_an_answer_with_facts(tracker):
            dispatcher.utter_message(text=words().RATING_QUESTION, buttons=rating_buttons())
        else:
            say(dispatcher, words().DONT_KNOW, website=get_knowledge().organisation.website)
        return []
