"""The visitor's rating of an answer (actions/feedback.py): which answers carry the 👍 / 👎 buttons, when they
are not offered (never insistent), and the reply to a rating, in both languages, on tracker fixtures."""

from __future__ import annotations

import inspect
import re
from types import ModuleType
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor

from actions import wording, wording_en
from actions.centres import ActionAnswerCentres
from actions.fallback import ActionDontKnow, ActionOutOfScope
from actions.feedback import QUIET_TURNS, ActionAnswerRating, AnswerAction
from actions.followups import ActionAnswerMention
from actions.knowledge_store import get_knowledge
from actions.replies import cites_sources, source_reference
from actions.topic_registry import Topic
from actions.topics import topic_action
from tests.conftest import DOMAIN, PROJECT_ROOT, make_tracker, run_action_with_events

HELPFUL_PAYLOAD = '/rate_answer{"rating": "helpful"}'
NOT_HELPFUL_PAYLOAD = '/rate_answer{"rating": "not_helpful"}'
RATING_BUTTONS = {
    "fr": [
        {"title": "👍 Utile", "payload": HELPFUL_PAYLOAD},
        {"title": "👎 Pas utile", "payload": NOT_HELPFUL_PAYLOAD},
    ],
    "en": [
        {"title": "👍 Helpful", "payload": HELPFUL_PAYLOAD},
        {"title": "👎 Not helpful", "payload": NOT_HELPFUL_PAYLOAD},
    ],
}


def user(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": entities or []}}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def bot(text: str, buttons: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": {"buttons": buttons or []}}


def answered_with_buttons() -> list[dict[str, Any]]:
    """A past turn: a question, its answer with the rating buttons."""
    return [
        user("C'est gratuit ?", "ask_free"),
        action("action_answer_free"),
        bot("Oui, c'est gratuit.\n\nSource : x", RATING_BUTTONS["fr"]),
        action("action_listen"),
    ]


def answered() -> list[dict[str, Any]]:
    """A past turn answered without the buttons."""
    return [
        user("C'est anonyme ?", "ask_anonymous"),
        action("action_answer_anonymous"),
        bot("Oui."),
        action("action_listen"),
    ]


def rated(rating: str = "helpful") -> list[dict[str, Any]]:
    entities = [{"entity": "rating", "value": rating}]
    return [
        user(f'/rate_answer{{"rating": "{rating}"}}', "rate_answer", entities),
        action("action_answer_rating"),
        bot("Merci pour votre retour !"),
        action("action_listen"),
    ]


def tracker_after(
    past: list[dict[str, Any]], text: str = "Faut-il un rendez-vous ?", intent: str = "ask_appointment"
) -> Tracker:
    """A tracker whose events are `past` turns then the current message (`text`, classified as `intent`)."""
    tracker = make_tracker(text, intent)
    tracker.events = [*past, user(text, intent)]
    return tracker


async def buttons_of(answer: Any, tracker: Tracker) -> list[list[dict[str, str]]]:
    """The buttons of each message the action sent."""
    messages, _ = await run_action_with_events(answer, tracker)
    return [message["buttons"] for message in messages]


# --- Which answers carry the buttons ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_an_answer_with_facts_carries_the_rating_buttons_in_the_turn_language(language):
    messages, _ = await run_action_with_events(
        topic_action(Topic.FREE), make_tracker("gratuit ?", "ask_free", language=language)
    )
    [message] = messages
    assert message["buttons"] == RATING_BUTTONS[language]
    assert cites_sources(message["text"])  # the answer itself is unchanged: facts, then sources


def test_every_answer_with_facts_may_be_rated_and_no_other_reply():
    """Every `action_answer_*` but the reply to a rating and the prompt after an empty message is an
    AnswerAction; the fallback's steps are not."""
    executor = ActionExecutor()
    executor.register_package("actions")
    answering = {
        name for name, run in executor.actions.items() if isinstance(getattr(run, "__self__", None), AnswerAction)
    }
    expected = {name for name in DOMAIN["actions"] if name.startswith("action_answer_")} - {
        "action_answer_rating",
        "action_answer_empty_message",
    }
    assert answering == expected
    assert not issubclass(ActionAnswerRating, AnswerAction)
    assert not any(issubclass(fallback, AnswerAction) for fallback in (ActionDontKnow, ActionOutOfScope))
    assert inspect.isabstract(AnswerAction)


async def test_several_answers_in_one_action_carry_the_buttons_on_the_last_only():
    tracker = make_tracker("Gap et Istres ?", "ask_centres", [("centre", "Gap"), ("centre", "Istres")])
    assert await buttons_of(ActionAnswerCentres(), tracker) == [[], RATING_BUTTONS["fr"]]


@pytest.mark.parametrize(
    ("answer", "tracker"),
    [
        # "I don't know", out of scope: no facts to rate.
        (ActionDontKnow(), make_tracker("blabla", "nlu_fallback")),
        (ActionOutOfScope(), make_tracker("la recette de la bouillabaisse", "out_of_scope")),
        # An answer that says what the sources do not hold for a centre, and a follow-up not understood.
        (topic_action(Topic.ADDRESS), make_tracker("c'est où exactement ?", "ask_address", focus="centre:gap")),
        (ActionAnswerMention(), make_tracker("et le premier ?", "inform")),
    ],
    ids=["dont-know", "out-of-scope", "detail-not-in-sources", "mention-not-found"],
)
async def test_replies_without_facts_carry_no_buttons(answer, tracker):
    buttons = await buttons_of(answer, tracker)
    assert buttons and all(message_buttons == [] for message_buttons in buttons)


async def test_two_questions_in_one_message_get_the_buttons_after_the_second_answer_only():
    intent = "ask_free+ask_anonymous"
    tracker = tracker_after([], "gratuit et anonyme ?", intent)
    assert await buttons_of(topic_action(Topic.FREE), tracker) == [[]]
    tracker.events += [action("action_answer_free"), bot("Oui, c'est gratuit.\n\nSource : x")]
    assert await buttons_of(topic_action(Topic.ANONYMOUS), tracker) == [RATING_BUTTONS["fr"]]


# --- Never insistent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "past",
    [
        answered_with_buttons(),  # offered in the previous turn, not rated
        [*answered_with_buttons(), *answered()],  # offered two turns ago
        [*answered_with_buttons(), *rated("helpful")],  # rated in the previous turn
        [*answered_with_buttons(), *rated("not_helpful"), *answered()],  # rated two turns ago
    ],
    ids=["offered-last-turn", "offered-two-turns-ago", "rated-last-turn", "rated-two-turns-ago"],
)
async def test_no_buttons_again_soon_after_an_offer_or_a_rating(past):
    assert await buttons_of(topic_action(Topic.FREE), tracker_after(past)) == [[]]


@pytest.mark.parametrize(
    "past",
    [
        [],
        [user('/greet{"language": "fr"}', "greet"), action("utter_greet"), bot("Bonjour !"), action("action_listen")],
        [*answered_with_buttons(), *answered() * QUIET_TURNS],
        [*answered_with_buttons(), *rated(), *answered() * QUIET_TURNS],
    ],
    ids=["first-question", "after-the-greeting", "quiet-turns-over", "quiet-turns-over-after-a-rating"],
)
async def test_buttons_again_once_the_quiet_turns_are_over(past):
    assert await buttons_of(topic_action(Topic.FREE), tracker_after(past)) == [RATING_BUTTONS["fr"]]


# --- The reply to a rating -------------------------------------------------------------------------


def rating_tracker(rating: str | None, language: str = "fr") -> Tracker:
    entities = [("rating", rating)] if rating else []
    text = f'/rate_answer{{"rating": "{rating}"}}' if rating else "cette réponse ne m'a pas aidé"
    return make_tracker(text, "rate_answer", entities, focus="topic:free", language=language)


@pytest.mark.parametrize(
    ("language", "thanks"), [("fr", "Merci pour votre retour !"), ("en", "Thank you for your feedback!")]
)
async def test_helpful_gets_a_short_thanks(language, thanks):
    messages, events = await run_action_with_events(ActionAnswerRating(), rating_tracker("helpful", language))
    assert [(message["text"], message["buttons"]) for message in messages] == [(thanks, [])]
    assert events == []  # the thing in focus stays: follow-ups still point at the answer rated


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("fr", "Désolé que cette réponse ne vous ait pas aidé. Vous pouvez reformuler votre question"),
        ("en", "Sorry this answer did not help. You can rephrase your question"),
    ],
)
async def test_not_helpful_suggests_rephrasing_or_an_adviser_from_the_knowledge_file(language, opening):
    [message], events = await run_action_with_events(ActionAnswerRating(), rating_tracker("not_helpful", language))
    text = message["text"]
    assert text.startswith(opening)
    knowledge = get_knowledge()
    adviser = knowledge.topic(Topic.ADVISERS)[0]
    assert adviser.text_in(language) in text
    source = knowledge.source(adviser.source)
    assert text.endswith(source_reference(source.url, source.title))
    assert message["buttons"] == [] and events == []


async def test_the_adviser_fact_of_a_not_helpful_reply_is_read_from_the_knowledge_file(
    knowledge_data, write_knowledge, use_knowledge_file
):
    first_adviser_fact = knowledge_data["topics"]["advisers"][0]
    knowledge_data["facts"][first_adviser_fact]["text"] = "Des conseillers vous reçoivent au 2e étage."
    use_knowledge_file(write_knowledge(knowledge_data))
    [message], _ = await run_action_with_events(ActionAnswerRating(), rating_tracker("not_helpful"))
    assert "Des conseillers vous reçoivent au 2e étage." in message["text"]


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_feedback_in_words_after_an_answer_gets_the_buttons_to_say_which(language):
    tracker = rating_tracker(None, language)
    tracker.events = [*answered_with_buttons(), user(tracker.latest_message["text"], "rate_answer")]
    [message], _ = await run_action_with_events(ActionAnswerRating(), tracker)
    question = {"fr": "Cette réponse vous a-t-elle aidé ?", "en": "Did this answer help you?"}[language]
    assert (message["text"], message["buttons"]) == (question, RATING_BUTTONS[language])


async def test_something_taken_for_feedback_where_no_answer_was_given_gets_the_honest_i_dont_know():
    text = "je n'ai pas eu de réponse à ma candidature"
    tracker = make_tracker(text, "rate_answer")
    tracker.events = [*rated(), user(text, "rate_answer")]  # the bot's last message stated no fact
    [message], _ = await run_action_with_events(ActionAnswerRating(), tracker)
    assert message["text"].startswith("Je ne suis pas sûr d'avoir compris")
    assert message["buttons"] == []


# --- Wording ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [wording, wording_en], ids=["fr", "en"])
def test_every_template_with_facts_ends_with_its_sources(module: ModuleType):
    """What `cites_sources` relies on to tell an answer with facts."""
    templates = {name: value for name, value in vars(module).items() if isinstance(value, str) and "{sources}" in value}
    assert templates and {name for name, value in templates.items() if not value.endswith("{sources}")} == set()


@pytest.mark.parametrize(
    ("reply", "cites"),
    [
        ("Oui.\n\nSource : https://www.citedesmetiers.fr", True),
        ("Yes.\n\nSources: a; b", True),
        ("Les labels :\n- 2002 : x\nSources : a ; b", True),
        ("Je ne vois pas à quoi vous faites référence.", False),
        ("Consultez la source : https://x", False),
    ],
)
def test_cites_sources(reply, cites):
    assert cites_sources(reply) is cites


@pytest.mark.parametrize("module", [wording, wording_en], ids=["fr", "en"])
def test_the_widget_knows_the_rating_buttons_and_asks_the_same_question(module: ModuleType):
    """web/chat.js finds the rating buttons by their titles, to show the question above them."""
    chat_js = (PROJECT_ROOT / "web" / "chat.js").read_text(encoding="utf-8")
    for name, key in [("RATING_HELPFUL", "ratingHelpful"), ("RATING_NOT_HELPFUL", "ratingNotHelpful"),
                      ("RATING_QUESTION", "ratingQuestion")]:  # fmt: skip
        assert re.search(rf'{key}: "{re.escape(getattr(module, name))}"', chat_js), name
