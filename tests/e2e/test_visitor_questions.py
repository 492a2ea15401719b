"""The questions real visitors ask, through REST on the running assistant: each row of the table of the
issue "Visitors' real questions" gets the good answer, in a conversation of its own."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Assistant
from tests.e2e.test_rest import new_visitor

MARSEILLE_ADDRESS = "4-10 rue des Consuls"
WEBSITE = "https://www.citedesmetiers.fr"


def test_a_training_need_is_met_with_the_centre_s_help_and_the_rest_on_en_savoir_plus(assistant: Assistant):
    visitor = new_visitor()
    replies = assistant.ask("Je cherche une formation d'aide-soignante, vous pouvez m'aider ?", visitor)
    reply = "\n".join(message["text"] for message in replies)
    assert "gratuitement, anonymement et sans rendez-vous" in reply
    assert "Marseille ou dans l'un de ses 7 centres associés" in reply
    assert "moncompteformation.gouv.fr" in reply
    assert replies[-1]["buttons"] == [{"title": "En savoir plus", "payload": "/ask_more"}]
    more = assistant.texts("/ask_more", visitor)  # what the button sends
    assert "C'est exactement le rôle de la Cité des Métiers" in more and "documentation" in more
    assert "enquêtes de satisfaction" not in reply + more


@pytest.mark.parametrize(
    ("question", "service"),
    [("comment faire un CV", "francetravail.fr"), ("c'est quoi une VAE ?", "vae.gouv.fr")],
)
def test_how_to_questions_are_routed_to_advisers_and_the_public_portal(assistant: Assistant, question, service):
    reply = assistant.texts(question, new_visitor())
    assert "Un conseiller vous reçoit en personne" in reply
    assert service in reply
    assert "pas sûr d'avoir compris" not in reply


def test_the_label_of_another_year(assistant: Assistant):
    visitor = new_visitor()
    assert assistant.texts("C'est quoi le label SPO ?", visitor).startswith("Label Service Public de l'Orientation")
    assert assistant.texts("et celui de 2012 ?", visitor).startswith("Label Égalité professionnelle (2012)")


def test_who_awarded_the_label_in_focus(assistant: Assistant):
    visitor = new_visitor()
    # The label's first fact, read at a glance; the label is in focus all the same.
    assert assistant.texts("Parlez-moi du label diversité", visitor).startswith(
        "Reçu pour la première fois le 1er mars"
    )
    reply = assistant.texts("qui l'a décerné ?", visitor)
    assert reply.startswith("Le label Diversité a été décerné par AFNOR")
    assert "- 2011" not in reply  # not the list of all labels


def test_the_address_of_an_associated_centre_is_said_unknown_not_marseille_s(assistant: Assistant):
    visitor = new_visitor()
    assert assistant.texts("vous avez un centre à Gap ?", visitor).startswith("Oui, Gap fait partie")
    reply = assistant.texts("c'est où exactement ?", visitor)
    assert reply.startswith("Je n'ai pas l'adresse du centre associé de Gap")
    assert WEBSITE in reply and MARSEILLE_ADDRESS not in reply


@pytest.mark.parametrize(
    ("question", "subject", "with_address"),
    [
        ("Y a-t-il des ateliers ou des événements ce mois-ci ?", "le calendrier des ateliers", False),
        ("Est-ce qu'il y a un parking ?", "le stationnement", True),
    ],
)
def test_practical_questions_without_a_source_get_an_honest_unknown(assistant, question, subject, with_address):
    reply = assistant.texts(question, new_visitor())
    assert reply.startswith(f"Je n'ai pas d'information sur {subject}")
    assert WEBSITE in reply
    assert (MARSEILLE_ADDRESS in reply) is with_address
    assert "ouvert ses portes" not in reply and "centres associés" not in reply


def test_free_and_anonymous_are_both_answered(assistant: Assistant):
    reply = assistant.texts("C'est gratuit et anonyme ?", new_visitor())
    assert reply.startswith("Oui, c'est gratuit")
    assert "\nOui, c'est anonyme" in reply  # both, in the order asked


def test_paris_after_the_network_is_consistent_with_the_history(assistant: Assistant):
    visitor = new_visitor()
    assert "25 Cités des Métiers" in assistant.texts("vous faites partie d'un réseau ?", visitor)
    reply = assistant.texts("Y a-t-il une Cité des métiers à Paris ?", visitor)
    assert reply.startswith("Paris : La toute première Cité des Métiers est née en 1993")
    assert "la Villette" in reply and "https://reseaucitesdesmetiers.com" in reply
    assert "Je ne connais pas" not in reply


def test_a_click_on_a_suggested_topic_answers_it(assistant: Assistant):
    """The two-stage fallback's buttons send the topic's intent; Rasa answers it as if it had been written."""
    visitor = new_visitor()
    replies = assistant.ask("/nlu_fallback", visitor)
    assert replies and replies[0]["text"]  # an honest reply, never silence
    answer = assistant.texts("/ask_free", visitor)
    assert answer.startswith("Oui, c'est gratuit")


def test_a_click_keeps_the_town_of_the_unsure_message(assistant: Assistant):
    """A suggestion's payload carries the message's entities: "Les centres" after a town answers about it."""
    visitor = new_visitor()
    assistant.ask("/nlu_fallback", visitor)
    reply = assistant.texts('/ask_centres{"centre": "Lyon"}', visitor)
    assert reply.startswith("Lyon ne fait pas partie des centres")


@pytest.mark.parametrize(
    ("question", "said", "not_said"),
    [
        # The rows of the issue "Every detail of the sources answerable", each a conversation's first message.
        (
            "La charte de la diversité, vous l'avez signée quand et à quelle occasion ?",
            ["2023", "Tour de France de la Diversité", "Entreprises pour la Cité", "signé"],
            ["obtenu"],
        ),
        ("Quel est votre label le plus récent ?", ["charte de la diversité", "2023"], ["Je ne vois pas"]),
        ("Quel est le dispositif Alliance ?", ["dispositif Alliance", "AFNOR", "2017"], ["Vouliez-vous dire"]),
        ("quel a été votre premier label ?", ["label « projet » Cité des Métiers", "2002"], ["Vouliez-vous dire"]),
        ("Quelle heure est-il ?", [], ["ouverture adaptée", "horaires"]),
    ],
)
def test_a_detail_of_the_sources_gets_the_source_s_answer(assistant: Assistant, question, said, not_said):
    reply = assistant.texts(question, new_visitor())
    assert all(words in reply for words in said), reply
    assert not any(words in reply for words in not_said), reply
