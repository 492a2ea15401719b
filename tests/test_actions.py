"""Every custom action, run on tracker fixtures with a CollectingDispatcher, replies rendered from domain.yml."""

from __future__ import annotations

import inspect
import re

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from actions.about import ActionAnswerHistory, ActionAnswerNetwork
from actions.centres import ActionAnswerCentres
from actions.fallback import ActionDontKnow, ActionOutOfScope
from actions.knowledge_store import get_knowledge
from actions.labels import ActionAnswerLabels
from actions.replies import source_reference
from actions.topic_registry import Topic
from actions.topics import TopicAction
from tests.conftest import DOMAIN, make_tracker, run_action, run_answer

ASSOCIATED = ["Gap", "Istres", "Martigues", "Aubagne", "La Garde", "Sisteron", "Antibes"]


def test_every_domain_action_is_served_and_every_served_action_is_declared():
    executor = ActionExecutor()
    executor.register_package("actions")
    served = set(executor.actions)
    assert served == set(DOMAIN["actions"])


def topic_actions() -> list[type[TopicAction]]:
    """Every concrete topic action, centre-dependent ones included."""
    found, pending = [], list(TopicAction.__subclasses__())
    while pending:
        action = pending.pop()
        pending += action.__subclasses__()
        if not inspect.isabstract(action):
            found.append(action)
    return found


def test_every_topic_has_its_action():
    topics = {action().topic for action in topic_actions()}
    assert topics == set(Topic)


# --- Topic answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "expected_words"),
    [
        (Topic.CONDITIONS, ["gratuit et anonyme", "sans rendez-vous", "tous les publics", "horaires"]),
        (Topic.FREE, ["gratuit"]),
        (Topic.ANONYMOUS, ["anonyme"]),
        (Topic.APPOINTMENT, ["sans rendez-vous"]),
        (Topic.AUDIENCE, ["tous les publics", "âge"]),
        (Topic.HOURS, ["horaires", "site"]),
        (Topic.ADDRESS, ["4-10 rue des Consuls", "2005"]),
        (Topic.CONTACT, ["téléphone", "rue des Consuls"]),
        (Topic.SERVICES, ["entretiens conseils individuels", "documentation", "cyber-info", "enquêtes"]),
        (Topic.ADVISERS, ["conseillers", "sans rendez-vous", "Mission Locale"]),
        (Topic.PRINCIPLES, ["mixité professionnelle", "égalité des chances", "développement durable", "egalab.org"]),
        (Topic.ORG_CHART, ["organigrammes"]),
        (Topic.PRESENTATION, ["gratuit et anonyme", "centres associés"]),
    ],
)
async def test_topic_action_says_the_topic_facts_with_source(topic, expected_words):
    action = next(action for action in topic_actions() if action.topic == topic)()
    assert action.name() == f"action_answer_{topic.value}"
    reply = await run_answer(action, make_tracker("question", f"ask_{topic.value}"))
    for words in expected_words:
        assert words in reply
    answer, sources = reply.rsplit("\n\n", 1)
    assert re.match(r"Sources? : ", sources)
    for fact in get_knowledge().topic(topic):
        assert fact.text in answer
        source = get_knowledge().source(fact.source)
        assert source_reference(source.url, source.title) in sources


# --- Centres --------------------------------------------------------------------------------------


async def test_centres_without_town_lists_them_all():
    reply = await run_answer(ActionAnswerCentres(), make_tracker("Quels sont vos centres ?", "ask_centres"))
    assert "présente à Marseille" in reply
    assert "7 centres associés" in reply
    assert "Gap, Istres, Martigues, Aubagne, La Garde, Sisteron et Antibes" in reply


@pytest.mark.parametrize(
    ("value", "name"),
    [("Gap", "Gap"), ("Istres", "Istres"), ("lagarde", "La Garde"), ("antibe", "Antibes"), ("La Garde", "La Garde")],
)
async def test_centre_in_an_associated_town(value, name):
    tracker = make_tracker(f"Avez-vous un centre à {value} ?", "ask_centres", [("centre", value)])
    reply = await run_answer(ActionAnswerCentres(), tracker)
    assert reply.startswith(f"Oui, {name} fait partie des 7 centres associés")
    assert "https://www.citedesmetiers.fr" in reply


async def test_centre_in_marseille_gives_the_address():
    tracker = make_tracker("Vous êtes à Marseille ?", "ask_centres", [("centre", "Marseille")])
    reply = await run_answer(ActionAnswerCentres(), tracker)
    assert "Oui, la Cité des Métiers est à Marseille" in reply
    assert "4-10 rue des Consuls" in reply


@pytest.mark.parametrize("town", ["Lyon", "Toulouse", "Saint-Raphaël"])
async def test_town_without_centre_gets_the_truth_and_the_real_list(town):
    tracker = make_tracker(f"et à {town} ?", "inform", [("centre", town)])
    reply = await run_answer(ActionAnswerCentres(), tracker)
    assert reply.startswith(f"{town} ne fait pas partie des centres de la Cité des Métiers de Marseille")
    for name in ["Marseille", *ASSOCIATED]:
        assert name in reply
    # Other Cités des Métiers exist: the answer points to the network rather than deny them.
    assert "25 Cités des Métiers dans 7 pays" in reply and "https://reseaucitesdesmetiers.com" in reply


async def test_several_towns_get_one_answer_each():
    tracker = make_tracker("Gap et Lyon ?", "ask_centres", [("centre", "Gap"), ("centre", "Lyon"), ("centre", "Gap")])
    replies = await run_action(ActionAnswerCentres(), tracker)
    assert len(replies) == 2
    assert replies[0].startswith("Oui, Gap")
    assert replies[1].startswith("Lyon ne fait pas partie des centres")


async def test_visitor_markup_is_not_echoed():
    value = "<img src=x onerror=alert(1)>Lyon"
    reply = await run_answer(ActionAnswerCentres(), make_tracker(value, "inform", [("centre", value)]))
    assert "<" not in reply and ">" not in reply and "onerror=alert(1)" not in reply


# --- Labels ---------------------------------------------------------------------------------------


async def test_labels_are_listed_with_their_years():
    reply = await run_answer(ActionAnswerLabels(), make_tracker("Quels labels avez-vous ?", "ask_labels"))
    for line in [
        "- 2002 et 2005 : label Cité des Métiers",
        "- 2011 : label Service Public de l'Orientation (SPO)",
        "- 2012 : label Égalité professionnelle",
        "- 2017 : label Diversité",
        "- 2023 : charte de la diversité",
    ]:
        assert line in reply


async def test_diversity_label_detail():
    tracker = make_tracker("et la diversité ?", "inform", [("label", "diversite")])
    reply = await run_answer(ActionAnswerLabels(), tracker)
    # The fact first (read at a glance, the heading would make it too long), the label's heading with the rest.
    assert reply.startswith("Reçu pour la première fois le 1er mars 2017")
    assert "Label Diversité (2017), délivré par AFNOR" in reply
    assert "Alliance" in reply and "1re structure associative" in reply


async def test_label_without_issuer_says_none():
    reply = await run_answer(ActionAnswerLabels(), make_tracker("le SPO ?", "inform", [("label", "spo")]))
    assert reply.startswith("Label Service Public de l'Orientation (SPO) (2011) :")
    assert "délivré par" not in reply


async def test_charter_detail_gives_its_link():
    tracker = make_tracker("et la charte ?", "inform", [("label", "charte_diversite")])
    reply = await run_answer(ActionAnswerLabels(), tracker)
    assert "Tour de France de la Diversité" in reply and "www.charte-diversite.com" in reply


async def test_unknown_label_lists_the_real_ones():
    tracker = make_tracker("et le label qualité ?", "inform", [("label", "qualité")])
    reply = await run_answer(ActionAnswerLabels(), tracker)
    assert reply.startswith("Je ne connais pas ce label-là.")
    assert "- 2011 : label Service Public de l'Orientation (SPO)" in reply


# --- History, network, fallback -------------------------------------------------------------------


async def test_history_is_a_timeline_in_order():
    reply = await run_answer(ActionAnswerHistory(), make_tracker("votre histoire ?", "ask_history"))
    years = [int(line[2:6]) for line in reply.splitlines() if line.startswith("- ")]
    assert years == sorted(years)
    assert years[0] == 1993 and 1999 in years and 2023 in years
    assert "la Villette" in reply


async def test_network_has_its_figures_and_link():
    reply = await run_answer(ActionAnswerNetwork(), make_tracker("réseau ?", "ask_network"))
    assert "25 Cités des Métiers dans le monde, réparties dans 7 pays" in reply
    assert "https://reseaucitesdesmetiers.com" in reply


@pytest.mark.parametrize("action", [ActionDontKnow(), ActionOutOfScope()])
async def test_fallbacks_say_what_the_bot_can_answer_and_point_to_the_website(action: Action):
    reply = await run_answer(action, make_tracker("blabla", "nlu_fallback"))
    assert "https://www.citedesmetiers.fr" in reply
    assert "centres" in reply and "labels" in reply


# --- Edited facts reach the actions without retraining --------------------------------------------


async def test_a_new_centre_in_the_knowledge_file_is_answered(knowledge_data, write_knowledge, use_knowledge_file):
    knowledge_data["centres"].append({"id": "digne", "name": "Digne-les-Bains", "kind": "associated", "source": "seed"})
    use_knowledge_file(write_knowledge(knowledge_data))
    tracker = make_tracker("un centre à Digne les Bains ?", "ask_centres", [("centre", "digne les bains")])
    reply = await run_answer(ActionAnswerCentres(), tracker)
    assert reply.startswith("Oui, Digne-les-Bains fait partie des 8 centres associés")


async def test_a_new_centre_is_recognised_in_the_message_without_an_entity(
    knowledge_data, write_knowledge, use_knowledge_file
):
    """A centre added to the knowledge file after training: the NLU may not extract it, the action finds it."""
    new_centre = {"id": "forcalquier", "name": "Forcalquier", "kind": "associated", "source": "seed"}
    knowledge_data["centres"].append(new_centre)
    use_knowledge_file(write_knowledge(knowledge_data))
    tracker = make_tracker("Avez-vous un centre à Forcalquier ?", "ask_centres")
    reply = await run_answer(ActionAnswerCentres(), tracker)
    assert reply.startswith("Oui, Forcalquier fait partie des 8 centres associés")


async def test_the_organisation_name_alone_asks_for_the_list():
    tracker = make_tracker("Quels sont les centres de la Cité des Métiers de Marseille ?", "ask_centres")
    reply = await run_answer(ActionAnswerCentres(), tracker)
    assert "rayonne en région grâce à ses 7 centres associés" in reply


async def test_a_label_named_without_entity_is_detailed():
    reply = await run_answer(ActionAnswerLabels(), make_tracker("et la charte de la diversité ?", "inform"))
    assert reply.startswith("Charte de la diversité (2023)")
