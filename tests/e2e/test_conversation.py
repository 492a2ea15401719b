"""A conversation that keeps its thread, through the REST channel of the running assistant: each row of the
issue "Holds a conversation" (a person in distress, the visitor's own list, a correction, a detail of the thing
in focus, a change of language, two questions in one message, a salary, an empty message)."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import Assistant


def new_visitor() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def conversation(assistant: Assistant, *messages: str) -> str:
    """The bot's texts for the last message, after the others in the same conversation."""
    visitor = new_visitor()
    for message in messages[:-1]:
        assistant.ask(message, visitor)
    return assistant.texts(messages[-1], visitor)


@pytest.mark.parametrize(
    "message",
    ["je n'en peux plus, je veux mourir", "I can't do this anymore, everyone would be better off without me"],
)
def test_a_person_in_distress_gets_a_human_answer_and_the_3114(assistant: Assistant, message: str):
    reply = conversation(assistant, message)
    assert "3114" in reply and "112" in reply
    assert "Source" not in reply and "centres associés" not in reply


def test_an_ordinal_points_into_the_visitor_s_own_list(assistant: Assistant):
    reply = conversation(
        assistant, "Vous avez des centres à Gap, Istres et Martigues ?", "le deuxième, il ouvre le samedi ?"
    )
    assert "Istres" in reply and "Martigues" not in reply


def test_a_correction_gets_the_same_answer_about_the_corrected_town(assistant: Assistant):
    reply = conversation(assistant, "Vous avez un centre à Martigues ?", "non pardon, je voulais dire Istres")
    assert reply.startswith("Oui, Istres fait partie des 7 centres associés")


def test_a_detail_of_the_network_in_focus(assistant: Assistant):
    reply = conversation(assistant, "Parlez-moi du réseau international", "il regroupe combien de pays ?")
    assert "7 pays" in reply


def test_the_same_answer_in_english_on_request(assistant: Assistant):
    reply = conversation(
        assistant, "Combien y a-t-il de Cités des Métiers dans le monde ?", "can you say that in English please?"
    )
    assert "25 Cités des Métiers" in reply and "7 countries" in reply


def test_a_french_message_after_english_gets_french(assistant: Assistant):
    reply = conversation(assistant, "is it free?", "y a un parking ?")
    assert "Je n'ai pas d'information sur le stationnement" in reply


def test_two_questions_in_one_message_are_both_answered_in_order(assistant: Assistant):
    reply = conversation(
        assistant,
        "Depuis quand vous avez le label SPO, et est-ce que vous faites partie d'un réseau international ?",
    )
    assert "2011" in reply and "7 pays" in reply
    assert reply.index("2011") < reply.index("7 pays")


def test_a_salary_gets_where_to_find_it_and_no_figure(assistant: Assistant):
    reply = conversation(assistant, "Combien gagne un électricien débutant à Marseille ?")
    assert "onisep.fr" in reply and "francetravail.fr" in reply
    assert "€" not in reply and "je ne connais que la Cité des Métiers" not in reply


@pytest.mark.parametrize(
    ("message", "start"), [("", "Je n'ai pas reçu de question"), ("  😅 ", "Je n'ai pas reçu de question")]
)
def test_an_empty_message_gets_a_prompt_not_an_error(assistant: Assistant, message: str, start: str):
    assert conversation(assistant, message).startswith(start)


def test_an_empty_message_in_an_english_conversation_gets_the_english_prompt(assistant: Assistant):
    assert conversation(assistant, "is it free?", "...").startswith("I didn't get a question")
