"""The visitor's rating of an answer through the REST channel of the running assistant: the 👍 / 👎 buttons
come with an answer with facts, the payload a client sends back is answered, and the tracker store keeps it
as a `rate_answer` message right after the answer it rates. (The widget's side is in test_widget.py.)"""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.conftest import Assistant
from tests.e2e.test_anonymity import stored_events

HELPFUL = '/rate_answer{"rating": "helpful"}'
NOT_HELPFUL = '/rate_answer{"rating": "not_helpful"}'


def new_visitor() -> str:
    return f"rating-{uuid.uuid4().hex[:12]}"


def rating_buttons(replies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(title, payload) of the rating buttons among the replies."""
    return [
        (button["title"], button["payload"])
        for reply in replies
        for button in reply.get("buttons") or []
        if button["payload"].startswith("/rate_answer")
    ]


def rating_and_rated_answer(events: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored rating (the conversation's only `rate_answer` message) and the bot's message before it."""
    [position] = [
        index
        for index, event in enumerate(events)
        if event["event"] == "user" and event["parse_data"]["intent"]["name"] == "rate_answer"
    ]
    rated = [event for event in events[:position] if event["event"] == "bot"][-1]
    return events[position], rated


def test_an_answer_with_facts_can_be_rated_not_helpful_and_the_rating_is_stored(assistant: Assistant):
    visitor = new_visitor()
    answer = assistant.ask("C'est gratuit ?", visitor)
    assert "Oui, c'est gratuit" in answer[0]["text"]
    # The buttons come with the answer's last message.
    assert answer[-1]["buttons"] == [
        {"title": "👍 Utile", "payload": HELPFUL},
        {"title": "👎 Pas utile", "payload": NOT_HELPFUL},
    ]

    reply = assistant.texts(NOT_HELPFUL, visitor)
    assert reply.startswith("Désolé que cette réponse ne vous ait pas aidé. Vous pouvez reformuler votre question")
    assert "des conseillers qui vous reçoivent en personne" in reply  # the knowledge file's fact on advisers
    assert "Source : " in reply

    rating, rated = rating_and_rated_answer(stored_events(assistant.tracker_db, visitor))
    assert rating["text"] == NOT_HELPFUL
    assert [(entity["entity"], entity["value"]) for entity in rating["parse_data"]["entities"]] == [
        ("rating", "not_helpful")
    ]
    assert rating["metadata"].keys() <= {"model_id", "assistant_id"}  # nothing about the visitor
    # Tied to the answer it rates: the bot's message just before, which offered the buttons.
    assert rated["text"].startswith("Oui, c'est gratuit")
    assert [button["payload"] for button in rated["data"]["buttons"]] == [HELPFUL, NOT_HELPFUL]


def test_an_english_answer_rated_helpful_gets_thanks_and_the_next_answer_does_not_ask_again(assistant: Assistant):
    visitor = new_visitor()
    answer = assistant.ask("Is it free?", visitor)
    assert rating_buttons(answer) == [("👍 Helpful", HELPFUL), ("👎 Not helpful", NOT_HELPFUL)]
    assert assistant.texts(HELPFUL, visitor) == "Thank you for your feedback!"

    # Never insistent: the next answer comes without the buttons.
    next_answer = assistant.ask("Do I need an appointment?", visitor)
    assert "appointment" in next_answer[0]["text"].lower()
    assert rating_buttons(next_answer) == []

    rating, rated = rating_and_rated_answer(stored_events(assistant.tracker_db, visitor))
    assert [(entity["entity"], entity["value"]) for entity in rating["parse_data"]["entities"]] == [
        ("rating", "helpful")
    ]
    assert "free" in rated["text"].lower()


def test_greetings_small_talk_and_the_fallback_are_not_rated(assistant: Assistant):
    visitor = new_visitor()
    for message in ["Bonjour", "merci", "Quelle est la recette de la bouillabaisse ?"]:
        assert rating_buttons(assistant.ask(message, visitor)) == [], message


def test_two_questions_in_one_message_are_rated_once_after_both_answers(assistant: Assistant):
    replies = assistant.ask("C'est gratuit et anonyme ?", new_visitor())
    texts = "\n".join(reply.get("text", "") for reply in replies)
    assert "gratuit" in texts and "anonyme" in texts
    assert [bool(rating_buttons([reply])) for reply in replies] == [False] * (len(replies) - 1) + [True]
    assert "anonyme" in replies[-1]["text"]
