"""English-speaking visitors through REST, on the real servers: every kind of question answered in English,
follow-ups in English, and a conversation that switches French -> English -> French keeping its focus."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import Assistant

# Words of French grammar that an English answer must not hold (outside names and the sources' titles).
FRENCH_WORDS = re.compile(r"(?<![\w-])(vous|votre|est|les|une|pour|avec|dans|nous|je|oui)(?![\w-])", re.IGNORECASE)
NAMES = re.compile(r"Cités? des Métiers( de Marseille et de Provence-Alpes-Côte d'Azur)?|Les Entreprises pour la Cité")


def visitor() -> str:
    return f"en-{uuid.uuid4().hex[:10]}"


def said(reply: str) -> str:
    """The reply without its sources (French pages' titles) and names."""
    return NAMES.sub("", reply.split("\nSource")[0])


def assert_english(reply: str) -> None:
    assert reply.strip(), "no answer"
    assert not FRENCH_WORDS.search(said(reply)), reply


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Is it free?", "free"),
        ("Do I need an appointment?", "appointment"),
        ("Where are you located?", "rue des Consuls"),
        ("What labels do you have?", "label"),
        ("I'm looking for a job, can you help me?", "France Travail"),
        ("What's the weather tomorrow?", "only know about the Cité des Métiers"),
        ("Are you a robot?", "virtual assistant"),
        ("Is there parking nearby?", "parking"),
        ("What is the international network?", "reseaucitesdesmetiers.com"),
    ],
)
def test_an_english_question_gets_an_english_answer(assistant: Assistant, question: str, expected: str):
    reply = assistant.texts(question, visitor())
    assert expected.lower() in reply.lower(), reply
    assert_english(reply)


def test_centres_and_a_follow_up_in_english(assistant: Assistant):
    sender = visitor()
    antibes = assistant.texts("Do you have a centre in Antibes?", sender)
    assert antibes.startswith("Yes, Antibes is one of the 7 associated centres"), antibes
    lyon = assistant.texts("and in Lyon?", sender)
    assert lyon.startswith("Lyon is not one of the centres"), lyon
    assert_english(lyon)


def test_labels_and_who_awarded_one_in_english(assistant: Assistant):
    sender = visitor()
    assert_english(assistant.texts("What labels do you have?", sender))
    issuer = assistant.texts("who awarded the diversity one?", sender)
    assert "AFNOR" in issuer and "awarded" in issuer, issuer
    assert_english(issuer)


def test_a_conversation_switches_language_and_keeps_its_focus(assistant: Assistant):
    sender = visitor()
    gap = assistant.texts("Avez-vous un centre à Gap ?", sender)
    assert gap.startswith("Oui, Gap fait partie des 7 centres associés"), gap
    # In English now, about the centre in focus: Gap's address is not in the sources, never Marseille's.
    where = assistant.texts("where exactly is it?", sender)
    assert "Gap" in where and "rue des Consuls" not in where, where
    assert_english(where)
    # Back to French: the answer follows.
    free = assistant.texts("Et c'est gratuit ?", sender)
    assert "gratuit" in free and "free" not in free, free


def test_a_short_message_does_not_switch_the_language(assistant: Assistant):
    """ "ok merci" could be either language: the conversation stays in English."""
    sender = visitor()
    assert_english(assistant.texts("Is it free?", sender))
    thanks = assistant.texts("ok merci", sender)
    assert "welcome" in thanks, thanks
