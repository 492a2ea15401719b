"""What visitors really ask, action by action on tracker fixtures: their own needs, follow-ups about the thing
in focus, subjects no source holds, and the topics offered when the NLU hesitates."""

from __future__ import annotations

import re

import pytest

from actions.centres import ActionAnswerCentres
from actions.fallback import ActionAskAffirmation, ActionAskRephrase, ActionDefaultFallback
from actions.followups import ActionAnswerIssuer, ActionAnswerMention, ActionAnswerYear
from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE
from actions.labels import ActionAnswerLabels
from actions.needs import ActionAnswerNeed
from actions.topic_registry import Topic
from actions.topics import topic_action
from actions.unknowns import ActionAnswerNotInSources
from tests.conftest import focus_after, make_tracker, run_action, run_action_with_events, run_answer

KNOWLEDGE_TEXT = DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")
MARSEILLE_ADDRESS = "4-10 rue des Consuls"


def numbers_not_in_knowledge(reply: str) -> list[str]:
    """Figures of a reply that the knowledge file does not hold: each would be an invented fact."""
    return [number for number in re.findall(r"\d[\d ]*\d|\d", reply) if number not in KNOWLEDGE_TEXT]


# --- Visitors' own needs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Je cherche une formation d'aide-soignante, vous pouvez m'aider ?", ["moncompteformation.gouv.fr"]),
        ("comment faire un CV", ["francetravail.fr", "recherche d'emploi"]),
        ("c'est quoi une VAE ?", ["validation des acquis de l'expérience", "vae.gouv.fr"]),
        ("je veux creer mon entreprise", ["bge.asso.fr", "futurs créateurs"]),
        ("jsuis jeune sans diplome jsais pas koi faire", ["Missions Locales", "16 à 25 ans"]),
        ("je suis cadre et je veux changer de voie", ["apec.fr"]),
        ("mon fils est en 3e il sait pas quoi faire", ["Collégiens, lycéens et étudiants"]),
        ("jveux faire une reconvertion", ["votre reconversion", "moncompteformation.gouv.fr"]),
    ],
)
async def test_a_need_gets_the_centre_s_help_and_the_public_service(text, expected):
    reply = await run_answer(ActionAnswerNeed(), make_tracker(text, "ask_need"))
    assert "C'est exactement le rôle de la Cité des Métiers" in reply
    assert "gratuitement, anonymement et sans rendez-vous" in reply
    assert "Gap, Istres, Martigues, Aubagne, La Garde, Sisteron et Antibes" in reply
    assert "documentation" in reply
    assert "conseil personnalisé" in reply  # no individual advice from the bot
    for words in expected:
        assert words in reply
    assert re.search(r"Sources? : ", reply)
    assert numbers_not_in_knowledge(reply) == []


async def test_two_needs_in_one_message_get_both_services():
    text = "je suis au chomage et je voudrais faire une formation"
    reply = await run_answer(ActionAnswerNeed(), make_tracker(text, "ask_need"))
    assert "votre recherche d'emploi (CV, lettre de motivation, entretiens) et votre projet de formation" in reply
    assert "francetravail.fr" in reply and "moncompteformation.gouv.fr" in reply


async def test_an_unnamed_need_asks_for_more_and_still_says_how_to_get_help():
    reply = await run_answer(ActionAnswerNeed(), make_tracker("vous pouvez m'aider dans mon projet ?", "ask_need"))
    assert "Dites-m'en plus" in reply
    assert "gratuitement, anonymement et sans rendez-vous" in reply
    assert "moncompteformation" not in reply


async def test_a_need_is_put_in_focus():
    assert await focus_after(ActionAnswerNeed(), make_tracker("c'est quoi la VAE", "ask_need")) == "need:vae"


# --- Subjects no source holds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject", "with_address"),
    [
        ("Est-ce qu'il y a un parking ?", "le stationnement", True),
        ("Y a-t-il des ateliers ou des événements ce mois-ci ?", "le calendrier des ateliers", False),
        ("c accessible en fauteuil roulant ?", "l'accessibilité des locaux", False),
        ("quel bus pour venir", "les transports en commun", True),
    ],
)
async def test_a_subject_without_source_is_said_unknown_with_where_to_look(text, subject, with_address):
    replies = await run_action(ActionAnswerNotInSources(), make_tracker(text, "ask_practical_details"))
    assert replies[0].startswith(f"Je n'ai pas d'information sur {subject}")
    assert "https://www.citedesmetiers.fr" in replies[0]
    assert (MARSEILLE_ADDRESS in "".join(replies)) is with_address
    # Never an unrelated list of facts.
    assert "centres associés" not in "".join(replies) and "label" not in "".join(replies)


async def test_job_offers_point_to_france_travail():
    replies = await run_action(ActionAnswerNotInSources(), make_tracker("vous avez des offres d'emploi ?", "x"))
    assert replies[0].startswith("Je n'ai pas d'information sur les offres d'emploi")
    assert "francetravail.fr" in replies[1]


async def test_an_unnamed_subject_is_still_an_honest_unknown():
    reply = await run_answer(ActionAnswerNotInSources(), make_tracker("et pour le reste ?", "ask_practical_details"))
    assert reply.startswith("Je n'ai pas cette information dans mes sources")


# --- The thing in focus ---------------------------------------------------------------------------


async def test_the_label_of_a_year_after_another_label():
    tracker = make_tracker("et celui de 2012 ?", "inform", focus="label:spo")
    reply = await run_answer(ActionAnswerMention(), tracker)
    assert reply.startswith("Label Égalité professionnelle (2012)")
    assert await focus_after(ActionAnswerMention(), tracker) == "label:egalite_professionnelle"


@pytest.mark.parametrize(
    ("text", "focus", "expected"),
    [
        ("et le plus récent ?", "labels", "Charte de la diversité (2023)"),
        ("et le dernier ?", "label:spo", "Charte de la diversité (2023)"),
        ("et le premier ?", "labels", "Label Cité des Métiers (2002 et 2005)"),
        ("le deuxième ?", "labels", "Label Service Public de l'Orientation (SPO) (2011)"),
        ("et le premier ?", "centres", "Oui, la Cité des Métiers est à Marseille"),
        ("et le deuxième ?", "centres", "Oui, Gap fait partie des 7 centres associés"),
    ],
)
async def test_an_ordinal_picks_from_the_list_in_focus(text, focus, expected):
    reply = await run_answer(ActionAnswerMention(), make_tracker(text, "inform", focus=focus))
    assert reply.startswith(expected)


async def test_an_ordinal_without_a_list_in_focus_asks_to_be_precise():
    reply = await run_answer(ActionAnswerMention(), make_tracker("et le premier ?", "inform", focus="topic:free"))
    assert reply.startswith("Je ne vois pas à quoi vous faites référence")


async def test_a_year_without_a_label_says_so_and_gives_the_dates():
    reply = await run_answer(ActionAnswerMention(), make_tracker("et en 2015 ?", "inform"))
    assert reply.startswith("Je ne connais rien de la Cité des Métiers en 2015")
    assert "- 2017 : label Diversité" in reply


async def test_who_awarded_the_label_in_focus():
    reply = await run_answer(
        ActionAnswerIssuer(), make_tracker("qui l'a décerné ?", "ask_issuer", focus="label:diversite")
    )
    assert reply.startswith("Le label Diversité a été décerné par AFNOR")


async def test_who_awarded_a_label_the_sources_are_silent_about():
    reply = await run_answer(ActionAnswerIssuer(), make_tracker("qui l'a donné ?", "ask_issuer", focus="label:spo"))
    assert reply.startswith("Mes sources ne disent pas qui a décerné le label Service Public de l'Orientation")
    assert "AFNOR" not in reply
    # The charter is named with its own article ("la charte"), as everywhere else (replies.the_label).
    charter = await run_answer(
        ActionAnswerIssuer(), make_tracker("qui l'a donnée ?", "ask_issuer", focus="label:charte_diversite")
    )
    assert charter.startswith("Mes sources ne disent pas qui a décerné la charte de la diversité.")


async def test_who_awarded_a_label_named_in_the_message_beats_the_focus():
    tracker = make_tracker("qui décerne le label égalité pro ?", "ask_issuer", [("label", "egalite_professionnelle")])
    reply = await run_answer(ActionAnswerIssuer(), tracker)
    assert reply.startswith("Le label Égalité professionnelle a été décerné par AFNOR")


async def test_who_awarded_without_a_label_asks_which():
    reply = await run_answer(ActionAnswerIssuer(), make_tracker("qui l'a décerné ?", "ask_issuer"))
    assert reply.startswith("De quel label parlez-vous ?")


@pytest.mark.parametrize(
    ("focus", "entities", "expected"),
    [
        ("label:diversite", [], "Label Diversité : obtenu en 2017."),
        # Two years, each its own step: the fact that says which.
        ("label:cite_des_metiers", [], "Elle a obtenu le label « projet » Cité des Métiers en 2002, puis en 2005"),
        # A charter is signed, not obtained.
        ("label:charte_diversite", [], "Charte de la diversité : signée en 2023."),
        ("centre:marseille", [], "La Cité des Métiers de Marseille a ouvert ses portes au public le 23 mars 2005."),
        ("centre:gap", [], "Je n'ai pas la date d'ouverture du centre associé de Gap"),
        ("label:diversite", [("centre", "Istres")], "Je n'ai pas la date d'ouverture du centre associé d'Istres"),
        (None, [("label", "spo")], "Label Service Public de l'Orientation (SPO) : obtenu en 2011."),
        ("topic:free", [], "Son histoire, en quelques dates"),
    ],
)
async def test_when_the_thing_in_focus_happened(focus, entities, expected):
    reply = await run_answer(ActionAnswerYear(), make_tracker("c'était en quelle année ?", "ask_year", entities, focus))
    assert reply.startswith(expected)


@pytest.mark.parametrize(
    ("action", "detail"),
    [
        (topic_action(Topic.ADDRESS), "l'adresse"),
        (topic_action(Topic.HOURS), "les horaires"),
        (topic_action(Topic.CONTACT), "les coordonnées (téléphone, e-mail)"),
    ],
)
async def test_an_associated_centre_in_focus_gets_its_own_unknown_never_marseille_s_facts(action, detail):
    reply = await run_answer(action, make_tracker("c'est où exactement ?", "ask_address", focus="centre:gap"))
    assert reply.startswith(f"Je n'ai pas {detail} du centre associé de Gap")
    assert MARSEILLE_ADDRESS not in reply
    assert "https://www.citedesmetiers.fr" in reply


async def test_a_centre_named_in_the_message_beats_the_focus():
    tracker = make_tracker(
        "il est ouvert quand le centre d'Istres ?", "ask_hours", [("centre", "Istres")], "centre:gap"
    )
    reply = await run_answer(topic_action(Topic.HOURS), tracker)
    assert reply.startswith("Je n'ai pas les horaires du centre associé d'Istres")


async def test_without_a_centre_in_focus_the_address_is_marseille_s():
    reply = await run_answer(topic_action(Topic.ADDRESS), make_tracker("c'est où ?", "ask_address", focus="label:spo"))
    assert MARSEILLE_ADDRESS in reply


async def test_answers_put_what_they_are_about_in_focus():
    assert (
        await focus_after(ActionAnswerCentres(), make_tracker("un centre à Gap ?", "ask_centres", [("centre", "Gap")]))
        == "centre:gap"
    )
    assert await focus_after(ActionAnswerCentres(), make_tracker("vos centres ?", "ask_centres")) == "centres"
    assert await focus_after(ActionAnswerLabels(), make_tracker("vos labels ?", "ask_labels")) == "labels"
    assert (
        await focus_after(ActionAnswerLabels(), make_tracker("le SPO ?", "ask_labels", [("label", "spo")]))
        == "label:spo"
    )
    assert (
        await focus_after(topic_action(Topic.FREE), make_tracker("gratuit ?", "ask_free", focus="centre:gap"))
        == "topic:free"
    )


# --- A Cité des Métiers that is not one of this association's centres -----------------------------


@pytest.mark.parametrize("entities", [[("centre", "Paris")], []], ids=["entity", "found-in-text"])
async def test_paris_is_answered_consistently_with_the_history(entities):
    tracker = make_tracker("Y a-t-il une Cité des métiers à Paris ?", "ask_centres", entities)
    [reply] = await run_action(ActionAnswerCentres(), tracker)  # whole, at a glance
    assert reply.startswith("Paris : La toute première Cité des Métiers est née en 1993")
    assert "la Villette" in reply and "ce n'est pas un centre de la Cité des Métiers de Marseille" in reply
    assert "Le réseau : https://reseaucitesdesmetiers.com" in reply
    assert "Je ne connais pas" not in reply


# --- When unsure, ask (two-stage fallback) -------------------------------------------------------


async def test_the_topics_the_nlu_hesitates_between_are_offered_as_buttons():
    ranking = [("nlu_fallback", 0.55), ("ask_free", 0.42), ("ask_anonymous", 0.38), ("greet", 0.1)]
    tracker = make_tracker("gratos anonymat", "nlu_fallback", ranking=ranking)
    [message], _ = await run_action_with_events(ActionAskAffirmation(), tracker)
    assert message["text"].startswith("Je ne suis pas sûr d'avoir bien compris. Vouliez-vous dire")
    assert [button["payload"] for button in message["buttons"]] == ["/ask_free", "/ask_anonymous", "/out_of_scope"]
    assert [button["title"] for button in message["buttons"]] == ["Est-ce gratuit ?", "Est-ce anonyme ?", "Autre chose"]


async def test_a_multi_intent_suggestion_is_offered_with_both_titles():
    ranking = [("nlu_fallback", 0.5), ("ask_address+ask_hours", 0.45), ("ask_address", 0.4)]
    [message], _ = await run_action_with_events(
        ActionAskAffirmation(), make_tracker("ou quand", "nlu_fallback", ranking=ranking)
    )
    assert message["buttons"][0] == {"title": "L'adresse et Les horaires", "payload": "/ask_address+ask_hours"}


async def test_a_suggested_topic_keeps_the_town_of_the_message():
    ranking = [("nlu_fallback", 0.4), ("ask_centres", 0.35), ("ask_presentation", 0.2)]
    tracker = make_tracker("une cite des metiers a lyon ?", "nlu_fallback", [("centre", "Lyon")], ranking=ranking)
    [message], _ = await run_action_with_events(ActionAskAffirmation(), tracker)
    assert message["buttons"][0]["payload"] == '/ask_centres{"centre": "Lyon"}'


async def test_nothing_likely_enough_gives_the_honest_i_do_not_know():
    ranking = [("nlu_fallback", 0.6), ("greet", 0.12), ("ask_free", 0.05)]
    [message], _ = await run_action_with_events(
        ActionAskAffirmation(), make_tracker("azerty", "nlu_fallback", ranking=ranking)
    )
    assert "buttons" not in message or not message["buttons"]
    assert message["text"].startswith("Je ne suis pas sûr d'avoir compris, et je préfère ne rien inventer.")


async def test_after_something_else_the_bot_asks_to_rephrase_then_says_it_does_not_know():
    reply = await run_answer(ActionAskRephrase(), make_tracker("/out_of_scope", "out_of_scope"))
    assert reply.startswith("D'accord. Pouvez-vous reformuler")
    reply = await run_answer(ActionDefaultFallback(), make_tracker("zzz", "nlu_fallback"))
    assert "https://www.citedesmetiers.fr" in reply


async def test_a_word_taken_for_a_label_beside_a_real_one_is_ignored():
    """Without transformer layers, the NLU may tag "label" alone beside "SPO": only the real label is answered."""
    tracker = make_tracker("C'est quoi le label SPO ?", "ask_labels", [("label", "label"), ("label", "spo")])
    reply = await run_answer(ActionAnswerLabels(), tracker)
    assert reply.startswith("Label Service Public de l'Orientation (SPO) (2011)")
