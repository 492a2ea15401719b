"""The search over the facts (actions/fact_search.py), its action (actions/search.py), its thresholds' cross-validation
(devtools/search_threshold.py), and the details a thing does not hold (actions/not_held.py)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import wording, wording_en
from actions.about import ActionAnswerHistory, ActionAnswerNetwork
from actions.details import ActionAnswerDetail
from actions.fact_search import (
    MIN_MARGIN,
    MIN_SCORE,
    FactSearch,
    detail_not_held,
    details_held,
    entries_of,
    found_fact,
    things_named,
    unanswerable_questions,
)
from actions.followups import ActionAnswerYear
from actions.knowledge_store import get_knowledge
from actions.labels import ActionAnswerLabels
from actions.pinpoint import say_found
from actions.search import ActionAnswerBySearch
from actions.topic_registry import Topic
from actions.topics import topic_action
from devtools import search_threshold
from tests.conftest import make_tracker, run_action, run_action_with_events, run_answer


def words_in(language: str):  # the wording module of a language
    return wording_en if language == "en" else wording


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Quel est le dispositif Alliance ?", "label_diversity_alliance"),
        ("c koi le dispositif aliance", "label_diversity_alliance"),
        ("combien de pays dans le réseau international", "network_size"),
        ("how many countries in the network?", "network_size"),
        ("la charte de la diversité, signée à quelle occasion ?", "diversity_charter"),
    ],
)
def test_a_question_gets_the_fact_that_answers_it(question, fact):
    found = found_fact(get_knowledge(), question)
    assert found is not None and found.entry.id == fact


@pytest.mark.parametrize(
    "question",
    ["Quelle heure est-il ?", "la recette de la bouillabaisse", "what's the weather like?", "", "🙂 !!", "<b>x</b>"],
)
def test_a_question_no_fact_answers_gets_none(question):
    assert found_fact(get_knowledge(), question) is None


def test_a_question_that_names_a_label_gets_only_a_fact_about_that_label():
    knowledge = get_knowledge()
    question = "le label SPO, il a été signé à quelle occasion ?"
    assert things_named(knowledge, question) == ["label:spo"]
    ranked = FactSearch(entries_of(knowledge)).ranked(question, things_named(knowledge, question))
    assert ranked and all("label:spo" in found.entry.about for found in ranked)
    assert "diversity_charter" not in [found.entry.id for found in ranked]


def test_la_cite_des_metiers_names_the_label_only_with_the_word_label():
    knowledge = get_knowledge()
    assert things_named(knowledge, "la cité des métiers c'est gratuit ?") == []
    assert things_named(knowledge, "le label cité des métiers") == ["label:cite_des_metiers"]


def test_a_new_way_of_asking_is_a_knowledge_edit_not_a_retraining():
    knowledge = get_knowledge()
    question = "parlez-moi de votre programme de reconnaissance sociale inventif"
    entries = entries_of(knowledge)
    before = FactSearch(entries).best(question)
    taught = [
        entry if entry.id != "label_diversity_values" else type(entry)(**{**entry.__dict__, "asked": (question,)})
        for entry in entries
    ]
    after = FactSearch(taught).best(question)
    assert before is None or before.entry.id != "label_diversity_values"
    assert after is not None and after.entry.id == "label_diversity_values"


def test_the_thresholds_in_use_are_those_cross_validation_chooses():
    knowledge = get_knowledge()
    results = search_threshold.lookups(knowledge, 5, unanswerable_questions(knowledge))
    table = [
        search_threshold.scores(results, score, margin)
        for score in search_threshold.SCORES
        for margin in search_threshold.MARGINS
    ]
    best = search_threshold.chosen(table)
    assert best is not None and (best.score, best.margin) == (MIN_SCORE, MIN_MARGIN)
    assert best.wrong <= search_threshold.MAX_WRONG_RATE and best.honest >= search_threshold.MIN_HONEST


async def test_the_search_answers_with_the_fact_and_its_source():
    tracker = make_tracker("Quel est le dispositif Alliance ?", "nlu_fallback")
    messages, events = await run_action_with_events(ActionAnswerBySearch(), tracker)
    assert "dispositif Alliance" in messages[0]["text"] and "Source" in messages[0]["text"]
    assert {"event": "slot", "name": "focus", "value": "label:diversite"} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events
    ]


async def test_the_search_hands_over_to_the_two_stage_fallback_when_no_fact_is_close():
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerBySearch().run(dispatcher, make_tracker("blablabla xyz", "nlu_fallback"), {})
    assert dispatcher.messages == []
    assert {"event": "followup", "name": "action_two_stage_fallback"} in [
        {key: event.get(key) for key in ("event", "name")} for event in events
    ]


@pytest.mark.parametrize(
    ("action", "text", "intent", "expected", "not_said"),
    [
        # What no source holds gets the honest answer, never the nearby fact alone.
        (
            ActionAnswerNetwork(),
            "le réseau est présent dans quels pays ?",
            "ask_network",
            "Mes sources ne donnent pas la liste des pays",
            "25",
        ),
        (
            ActionAnswerNetwork(),
            "liste des villes qui ont une cite des metiers dans le monde",
            "ask_network",
            "Mes sources ne donnent pas la liste des villes pour le réseau",
            "25",
        ),
        (
            ActionAnswerNetwork(),
            "est-ce qu'il existe une cite des metiers au canada ?",
            "ask_network",
            "Consultez https://reseaucitesdesmetiers.com",
            "25",
        ),
        (
            ActionAnswerNetwork(),
            "Combien y a-t-il de Cités des Métiers en France ?",
            "ask_network",
            "Mes sources ne donnent pas le nombre en France",
            "25",
        ),
        (
            ActionAnswerHistory(),
            "qui a fondé la Cité des Métiers ?",
            "ask_history",
            "Mes sources ne donnent pas qui l'a fondée",
            "1993",
        ),
        (
            ActionAnswerHistory(),
            "qui a inauguré la cité des métiers de marseille ? un ministre ?",
            "ask_history",
            "Mes sources ne donnent pas qui l'a inaugurée",
            "2005",
        ),
        (
            ActionAnswerDetail(),
            "quelle entreprise sponsorisait l'étape marseillaise du tour de france de la diversité ?",
            "ask_detail",
            "Mes sources ne donnent pas ses sponsors ou mécènes",
            "1er mars",
        ),
        (
            ActionAnswerNetwork(),
            "en quelle année la cité des métiers a-t-elle rejoint le réseau international ?",
            "ask_network",
            "Mes sources ne donnent pas depuis quand elle en est membre",
            "25",
        ),
        (
            ActionAnswerNetwork(),
            "qui préside le réseau international ?",
            "ask_network",
            "Mes sources ne donnent pas le nom de la direction",
            "25",
        ),
        # A detail the thing holds is answered with its fact.
        (
            ActionAnswerNetwork(),
            "le réseau a été fondé en quelle année ?",
            "ask_network",
            "date sa fondation de 2001",
            None,
        ),
        (ActionAnswerHistory(), "fréquentation de la cité des métiers ?", "ask_history", "100 000 visiteurs", "1993"),
        (ActionAnswerDetail(), "le site qui présente vos projets ?", "ask_detail", "www.egalab.org", None),
    ],
)
async def test_a_detail_asked_beside_the_topic(action, text, intent, expected, not_said):
    said = "\n".join(await run_action(action, make_tracker(text, intent)))
    assert expected in said
    assert not_said is None or not_said not in said


async def test_a_cite_des_metiers_in_a_town_of_the_association_is_one_of_its_centres():
    said = await run_action(
        ActionAnswerNetwork(),
        make_tracker("is there a cite des metiers in istres or martigues", "ask_network", language="en"),
    )
    assert said[0].startswith("Yes, Istres is one of the 7 associated centres")
    assert said[1].startswith("Yes, Martigues is one of the 7 associated centres")
    paris = await run_answer(ActionAnswerNetwork(), make_tracker("une cité des métiers à Paris ?", "ask_network"))
    assert "réseau" in paris


@pytest.mark.parametrize(
    ("text", "language", "subject"),
    [
        ("Êtes-vous certifiés Qualiopi ?", "fr", "une certification Qualiopi"),
        ("vous avez le label b corp", "fr", "une certification B Corp"),
        ("is the centre iso 9001 certified?", "en", "an ISO certification"),
    ],
)
async def test_a_certification_no_source_mentions_is_said_so_before_the_labels(text, language, subject):
    said = await run_action(ActionAnswerLabels(), make_tracker(text, "ask_labels", language=language))
    assert said[0].startswith(words_in(language).NOT_IN_SOURCES.split("{")[0])
    assert subject in said[0]
    assert "2017" in said[1]


async def test_a_label_asked_for_what_no_source_holds_gets_the_honest_answer_then_its_years():
    tracker = make_tracker("le label diversité a été renouvelé ?", "ask_year", [("label", "diversite")])
    said = await run_action(ActionAnswerYear(), tracker)
    assert said[0].startswith(
        "Mes sources ne donnent pas son renouvellement ou sa date de validité pour le label Diversité"
    )
    assert "obtenu en 2017" in said[1]


async def test_a_dated_fact_asked_of_another_year_is_said_as_what_the_sources_hold():
    reply = await run_answer(ActionAnswerDetail(), make_tracker("combien de visiteurs en 2023 ?", "ask_detail"))
    assert reply.startswith("Mes sources ne donnent pas le nombre de visiteurs pour 2023. Ce qu'elles disent :")
    assert "En 2013" in reply


@pytest.mark.parametrize(
    ("action", "text", "intent", "language", "dated"),
    [
        (ActionAnswerDetail(), "combien de conseillers aujourd'hui ?", "ask_detail", "fr", "En 2011"),
        (ActionAnswerDetail(), "how many visitors do you get now?", "ask_detail", "en", "In 2013"),
        (ActionAnswerBySearch(), "vous avez combien de dossiers metiers actuellement", "nlu_fallback", "fr", "En 2011"),
    ],
)
async def test_a_dated_fact_asked_of_now_is_said_as_what_the_sources_hold(action, text, intent, language, dated):
    reply = await run_answer(action, make_tracker(text, intent, language=language))
    assert reply.startswith(words_in(language).DATED_FACT_NOW.split("\n")[0])
    assert dated in reply


async def test_a_fact_with_no_date_asked_of_now_is_the_answer():
    reply = await run_answer(
        ActionAnswerBySearch(),
        make_tracker("il y a combien de cites des metiers dans le monde aujourd'hui", "nlu_fallback"),
    )
    assert reply.startswith(get_knowledge().fact("network_size").text)


async def test_a_year_that_points_at_a_label_does_not_take_the_organisation_s_detail_away():
    reply = await run_answer(ActionAnswerDetail(), make_tracker("en 2011 combien de conseillers ?", "ask_detail"))
    assert reply.startswith("En 2011, une dizaine de conseillers")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("quel a été votre premier label ?", "fr", "Son premier label, en 2002 : le label Cité des Métiers."),
        (
            "Quel est votre label le plus récent ?",
            "fr",
            "La plus récente de ses distinctions, en 2023 : la charte de la diversité.",
        ),
        (
            "what is your most recent label?",
            "en",
            "The most recent of its distinctions, in 2023: the Diversity Charter.",
        ),
    ],
)
async def test_the_first_and_the_latest_label(text, language, expected):
    reply = await run_answer(ActionAnswerLabels(), make_tracker(text, "ask_labels", language=language))
    assert reply.startswith(expected)


async def test_a_day_of_the_month_is_not_the_first_label():
    reply = await run_answer(
        ActionAnswerLabels(), make_tracker("quel label avez-vous reçu le 1er mars ?", "ask_labels")
    )
    assert not reply.startswith("Son premier label")


async def test_why_a_label_is_answered_by_its_facts_not_by_an_unknown():
    tracker = make_tracker("pourquoi le label SPO ?", "ask_labels", [("label", "spo")])
    said = await run_action(ActionAnswerLabels(), tracker)
    assert len(said) == 1 and said[0].startswith("Label Service Public de l'Orientation (SPO) (2011)")


@pytest.mark.parametrize(
    ("action", "text", "intent", "fact"),
    [
        # The NLU takes these for the network, the history or the labels; each asks for one fact beyond them.
        (ActionAnswerHistory(), "ça existe depuis quand à marseille ?", "ask_history", "opened_2005"),
        (ActionAnswerLabels(), "vos trois grands principes c'est quoi", "ask_labels", "principles"),
        (topic_action(Topic.AUDIENCE), "c'est aussi pour les retraités ?", "ask_audience", "publics_retired"),
        (topic_action(Topic.AUDIENCE), "vous recevez les chefs d'entreprise ?", "ask_audience", "publics_founders"),
    ],
)
async def test_a_topic_question_that_asks_one_fact_beyond_the_topic_gets_that_fact(action, text, intent, fact):
    knowledge = get_knowledge()
    reply = await run_answer(action, make_tracker(text, intent))
    said = knowledge.history[1].text if fact == "history_1999" else knowledge.fact(fact).text
    assert reply.startswith(said)
    assert knowledge.network.text not in reply and knowledge.history[0].text not in reply


@pytest.mark.parametrize(
    ("action", "text", "intent", "expected"),
    [
        (ActionAnswerNetwork(), "c'est quoi le réseau international ?", "ask_network", "25"),
        (ActionAnswerHistory(), "racontez-moi votre histoire", "ask_history", "1993"),
        (ActionAnswerLabels(), "quels labels avez-vous obtenus ?", "ask_labels", "2017"),
        (ActionAnswerLabels(), "what certifications do you have?", "ask_labels", "2023"),
        (ActionAnswerHistory(), "c'est récent la cité des métiers ?", "ask_history", "1993"),
        (topic_action(Topic.AUDIENCE), "c'est pour qui ?", "ask_audience", "tous les publics"),
        # A word or a whole-topic question is never taken for the nearest fact.
        (ActionAnswerLabels(), "vos labels ?", "ask_labels", "2017"),
        (ActionAnswerLabels(), "vous avez des labels ?", "ask_labels", "2023"),
        (ActionAnswerNetwork(), "et le réseau ?", "ask_network", "25"),
        (topic_action(Topic.SERVICES), "quels services ?", "ask_services", "600 dossiers"),
        (
            topic_action(Topic.PRESENTATION),
            "la cité des métiers de marseille c'est quoi ?",
            "ask_presentation",
            "rayonne",
        ),
        # A narrow topic answers what it was asked, whoever asks it.
        (topic_action(Topic.FREE), "c'est gratuit pour les retraités ?", "ask_free", "gratuit"),
    ],
)
async def test_a_question_about_the_whole_topic_keeps_the_topic_s_answer(action, text, intent, expected):
    replies = await run_action(action, make_tracker(text, intent))
    assert expected in " ".join(replies)
    assert wording.NOT_HELD_BUT_TOPIC not in replies


@pytest.mark.parametrize(
    ("action", "text", "intent", "language", "expected"),
    [
        # The NLU takes these for the publics, the labels or the history; no source holds what they ask.
        (
            topic_action(Topic.AUDIENCE),
            "what share of your visitors find a job afterwards?",
            "ask_audience",
            "en",
            "everyone",
        ),
        (ActionAnswerLabels(), "qui a monté le dossier de candidature pour vos labels ?", "ask_labels", "fr", "2017"),
        (ActionAnswerHistory(), "which city opened the first labelled centre?", "ask_history", "en", "1993"),
    ],
)
async def test_a_topic_question_no_source_answers_is_told_so_before_the_topic(action, text, intent, language, expected):
    replies = await run_action(action, make_tracker(text, intent, language=language))
    assert replies[0] == words_in(language).NOT_HELD_BUT_TOPIC
    assert expected in replies[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # No `details:` entry names what is asked: the search among the thing's facts answers it.
        ("les retraités peuvent venir chez vous ?", "Les retraités font partie des publics"),
        ("c'était quoi l'idée de départ du concept ?", "L'idée : répondre dans un même lieu"),
        # Too vague for the search: what can be asked of the thing.
        ("et alors ?", "Que voulez-vous savoir sur la Cité des Métiers ?"),
    ],
)
async def test_a_detail_no_attribute_names_is_looked_up_in_the_facts(text, expected):
    said = await run_answer(ActionAnswerDetail(), make_tracker(text, "ask_detail"))
    assert expected in said


def test_a_fact_holds_the_details_mapped_to_it_and_those_its_text_says():
    knowledge = get_knowledge()
    entries = {entry.id: entry for entry in entries_of(knowledge)}
    assert {"occasion", "organiser", "year"} <= details_held(knowledge, entries["diversity_charter"])
    assert "date" not in details_held(knowledge, entries["diversity_charter"])  # "en 2023": no day, no month
    assert "date" in details_held(knowledge, entries["label_diversity"])  # "le 1er mars 2017"
    assert "website" in details_held(knowledge, entries["egalab"])  # "www.egalab.org"
    charter_day = detail_not_held(knowledge, entries["diversity_charter"], "signée quel jour ?")
    assert charter_day is not None and charter_day.id == "date"
    assert detail_not_held(knowledge, entries["label_diversity"], "reçu quel jour ?") is None
    assert detail_not_held(knowledge, entries["diversity_charter"], "c'était à quelle occasion ?") is None
    assert detail_not_held(knowledge, entries["diversity_charter"], "la charte, c'est quoi ?") is None


def test_a_found_fact_without_the_detail_asked_is_said_as_what_the_sources_hold():
    knowledge = get_knowledge()
    entries = {entry.id: entry for entry in entries_of(knowledge)}
    dispatcher = CollectingDispatcher()
    say_found(dispatcher, knowledge, entries["diversity_charter"], "la charte, vous l'avez signée quel jour ?")
    said = dispatcher.messages[0]["text"]
    assert said.startswith("Mes sources ne donnent pas la date exacte. Ce qu'elles disent :")
    assert knowledge.fact("diversity_charter").text in said
    dispatcher = CollectingDispatcher()
    say_found(dispatcher, knowledge, entries["label_diversity"], "le label diversité, reçu quel jour ?")
    assert dispatcher.messages[0]["text"].startswith(knowledge.fact("label_diversity").text)
