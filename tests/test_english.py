"""English-speaking visitors: the knowledge file's English texts, the English wording, the language of each
message, and every action answering in the language of the turn (on tracker fixtures)."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
import yaml

from actions import wording, wording_en
from actions.about import ActionAnswerHistory, ActionAnswerNetwork
from actions.centres import ActionAnswerCentres
from actions.fallback import ActionAskAffirmation, ActionAskRephrase, ActionDontKnow, ActionOutOfScope
from actions.followups import ActionAnswerIssuer, ActionAnswerMention, ActionAnswerYear
from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, load_knowledge
from actions.knowledge_store import get_knowledge
from actions.labels import ActionAnswerLabels
from actions.mentions import LAST, parse_mention
from actions.needs import ActionAnswerNeed
from actions.topic_registry import Topic
from actions.topics import topic_action
from actions.unknowns import ActionAnswerNotInSources
from actions.wording_type import Wording
from rasa_extensions.language_id import LanguageOfMessage, language_of_text, words_for_identification
from tests.conftest import make_tracker, run_action, run_answer

KNOWLEDGE = load_knowledge()

# --- The knowledge file ---------------------------------------------------------------------------------


def test_every_text_the_bot_says_has_its_english_text():
    texts = [
        *((fact.text, fact.text_en) for fact in KNOWLEDGE.facts(list(_all_fact_ids()))),
        *((event.text, event.text_en) for event in KNOWLEDGE.history),
        (KNOWLEDGE.network.text, KNOWLEDGE.network.text_en),
        *((label.name, label.name_en) for label in KNOWLEDGE.labels),
        *((need.title, need.title_en) for need in KNOWLEDGE.needs),
        *((unknown.subject, unknown.subject_en) for unknown in KNOWLEDGE.unknowns),
    ]
    for french, english in texts:
        assert english.strip() and english != french, french


def _all_fact_ids() -> list[str]:
    return list(yaml.safe_load(DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8"))["facts"])


def test_english_texts_keep_the_figures_and_links_of_the_french():
    """A translation adds no fact: the same numbers and links as the French text."""
    for fact_id in _all_fact_ids():
        fact = KNOWLEDGE.fact(fact_id)
        assert _figures(fact.text_en) == _figures(fact.text), fact_id
    for event in KNOWLEDGE.history:
        assert _figures(event.text_en) == _figures(event.text), event.year


def _figures(text: str) -> list[str]:
    numbers = re.findall(r"\d+", text.replace("\u202f", "").replace(" ", ""))
    links = re.findall(r"[\w.-]+\.(?:fr|org|com|gouv\.fr)\b", text)
    return sorted(numbers) + sorted(links)


def _load_error(write_knowledge: Any, data: dict[str, Any]) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(write_knowledge(data))
    return caught.value


def test_a_french_text_without_its_english_text_is_named(write_knowledge, knowledge_data):
    del knowledge_data["facts"]["free"]["text_en"]
    del knowledge_data["labels"][3]["name_en"]
    del knowledge_data["needs"]["items"][0]["title_en"]
    problems = _load_error(write_knowledge, knowledge_data).problems
    assert any(
        problem.endswith(
            'fait "free" : le champ "text_en" (texte anglais) manque. Ajoutez une ligne `text_en: "..."` sous '
            "`text:`, qui dit en anglais ce que dit `text`."
        )
        for problem in problems
    )
    assert any('label "diversite" : le champ "name_en" (nom anglais) manque' in problem for problem in problems)
    assert any('besoin "orientation" : le champ "title_en" (titre anglais) manque' in problem for problem in problems)
    assert len(problems) == 3


def test_an_issuer_without_its_english_text_is_named(write_knowledge, knowledge_data):
    del knowledge_data["labels"][3]["issuer_en"]
    [problem] = _load_error(write_knowledge, knowledge_data).problems
    assert 'label "diversite" : `issuer` est donné mais pas `issuer_en`.' in problem


# --- The wording --------------------------------------------------------------------------------------


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_the_english_wording_has_every_template_with_the_same_placeholders():
    french = {name: value for name, value in vars(wording).items() if name.isupper()}
    english = {name: value for name, value in vars(wording_en).items() if name.isupper()}
    assert french.keys() == english.keys()
    for name, value in french.items():
        if isinstance(value, dict):
            assert value.keys() == english[name].keys(), name
            pairs = [(value[key], english[name][key]) for key in value]
        else:
            pairs = [(value, english[name])]
        for french_text, english_text in pairs:
            assert _placeholders(french_text) == _placeholders(english_text), name


@pytest.mark.parametrize("module", [wording, wording_en], ids=["fr", "en"])
def test_the_wording_type_names_every_template(module):
    """mypy checks that each language's module has every name of `Wording`; this, that it has no other."""
    assert set(Wording.__annotations__) == {name for name in vars(module) if name.isupper()}


# --- The language of a message ------------------------------------------------------------------------

LANGUAGE_OF = LanguageOfMessage([0.9, 0.8, 0.6])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Is it free?", "en"),
        ("Hi! Where are you located?", "en"),
        ("I'm looking for a job, can you help me?", "en"),
        ("What's the weather tomorrow?", "en"),
        ("c gratuit ?", "fr"),
        ("Vous êtes où et vous ouvrez à quelle heure ?", "fr"),
        ("jcherche une formation d'aide soignante", "fr"),
        # Lingua unsure of a short message, but only one language writes its small words.
        ("y a un parking ?", "fr"),
        ("and Istres?", "en"),
        # Lingua leans English (0.61), the small words are French only.
        ("c'est long ?", "fr"),
        ("is it long?", "en"),
        # Lingua unsure (0.52 English with "Marseille"); "on" is a small word of both languages.
        ("On what date did the Marseille Cité des Métiers open to the public?", "en"),
        # Too short to tell: the conversation keeps its language.
        ("ok", None),
        ("hello", None),
        ("merci", None),
        ("lol", None),
        ("?", None),
        ("", None),
    ],
)
def test_the_language_of_a_message(text, language):
    found = LANGUAGE_OF.identify(words_for_identification(text, []))
    assert (found[0] if found else None) == language


def test_names_do_not_decide_the_language():
    """ "Antibes" and "Cité des Métiers" are French names in an English sentence."""
    text = "Do you have a centre in Antibes?"
    antibes = {"entity": "centre", "value": "Antibes", "start": text.index("Antibes"), "end": len(text) - 1}
    assert words_for_identification(text, [antibes]) == ["Do", "you", "have", "a", "in"]
    assert LANGUAGE_OF.identify(words_for_identification(text, [antibes]))[0] == "en"  # type: ignore[index]
    assert words_for_identification("what is the history of the cité des métiers", []) == [
        "what", "is", "the", "history", "of", "the",
    ]  # fmt: skip


def test_the_channels_own_messages_default_to_french():
    assert language_of_text("Is it free? My phone is 06 12 34 56 78") == "en"
    assert language_of_text("ok") == "fr"


# --- Every action answers in the language of the turn -------------------------------------------------

# Words of French grammar that an English reply must not hold (outside names and the sources' titles).
FRENCH_WORDS = re.compile(
    r"(?<![\w-])(vous|votre|est|les|une|pour|avec|dans|sur|pas|nous|je|ne|oui|non)(?![\w-])", re.I
)
NAMES = re.compile(
    r"Cités? des Métiers( de Marseille et de Provence-Alpes-Côte d'Azur)?|Service Public de l'Orientation"
    r"|Les Entreprises pour la Cité"
)


def english(text: str, intent: str, **kwargs: Any) -> Any:
    return make_tracker(text, intent, language="en", **kwargs)


ENGLISH_TURNS = [
    (topic_action(Topic.FREE), english("Is it free?", "ask_free")),
    (topic_action(Topic.HOURS), english("When are you open?", "ask_hours")),
    (topic_action(Topic.ADDRESS), english("Where are you located?", "ask_address")),
    (topic_action(Topic.ADDRESS), english("where exactly?", "ask_address", focus="centre:gap")),
    (ActionAnswerCentres(), english("Which centres do you have?", "ask_centres")),
    (
        ActionAnswerCentres(),
        english("Do you have a centre in Antibes?", "ask_centres", entities=[("centre", "Antibes")]),
    ),
    (ActionAnswerCentres(), english("and in Lyon?", "inform", entities=[("centre", "Lyon")], focus="centres")),
    (ActionAnswerCentres(), english("Is there one in Paris?", "ask_centres", entities=[("centre", "Paris")])),
    (ActionAnswerLabels(), english("What labels do you have?", "ask_labels")),
    (ActionAnswerLabels(), english("the diversity label?", "ask_labels", entities=[("label", "diversite")])),
    (ActionAnswerIssuer(), english("who awarded it?", "ask_issuer", focus="label:diversite")),
    (ActionAnswerIssuer(), english("who gave it?", "ask_issuer", focus="label:spo")),
    (ActionAnswerYear(), english("when was that?", "ask_year", focus="label:spo")),
    (ActionAnswerMention(), english("and the 2012 one?", "inform", focus="labels")),
    (ActionAnswerMention(), english("the most recent?", "inform", focus="labels")),
    (ActionAnswerHistory(), english("What is your history?", "ask_history")),
    (ActionAnswerNetwork(), english("Tell me about the network", "ask_network")),
    (ActionAnswerNeed(), english("I'm looking for a job, can you help me?", "ask_need")),
    (ActionAnswerNeed(), english("I want to start my own business", "ask_need")),
    (ActionAnswerNeed(), english("I need help", "ask_need")),
    (ActionAnswerNotInSources(), english("Is there a parking?", "ask_practical_details")),
    (ActionAnswerNotInSources(), english("anything else practical?", "ask_practical_details")),
    (ActionDontKnow(), english("blorp", "nlu_fallback")),
    (ActionOutOfScope(), english("What's the weather tomorrow?", "out_of_scope")),
    (ActionAskRephrase(), english("hmm", "nlu_fallback")),
    (
        ActionAskAffirmation(),
        english("free or anonymous", "nlu_fallback", ranking=[("ask_free", 0.45), ("ask_anonymous", 0.4)]),
    ),
]


@pytest.mark.parametrize(
    ("action", "tracker"), ENGLISH_TURNS, ids=[tracker.latest_message["text"] for _, tracker in ENGLISH_TURNS]
)
async def test_every_action_answers_an_english_turn_in_english(action, tracker):
    replies = await run_action(action, tracker)
    assert replies
    for reply in replies:
        said = NAMES.sub("", reply.split("\nSource")[0])
        for label in get_knowledge().labels:
            said = said.replace(label.name_en, "")
        assert not FRENCH_WORDS.search(said), reply


async def test_an_english_turn_says_the_english_facts_and_the_french_one_the_french():
    fact = get_knowledge().topic(Topic.FREE)[0]
    in_english = await run_answer(topic_action(Topic.FREE), english("Is it free?", "ask_free"))
    in_french = await run_answer(topic_action(Topic.FREE), make_tracker("C'est gratuit ?", "ask_free"))
    assert fact.text_en in in_english and fact.text not in in_english
    assert fact.text in in_french and fact.text_en not in in_french
    assert re.search(r"\nSources?: ", in_english) and re.search(r"\nSources? : ", in_french)


async def test_who_awarded_the_diversity_label_in_english():
    reply = await run_answer(ActionAnswerIssuer(), english("who awarded it?", "ask_issuer", focus="label:diversite"))
    assert "AFNOR" in reply and "Diversity" in reply
    assert reply.startswith("The Diversity label was awarded by AFNOR")  # one article, not "The The"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("and the 2012 one?", {"year": 2012}),
        ("the most recent?", {"position": LAST}),
        ("and the first one?", {"position": 1}),
        ("the third?", {"position": 3}),
        ("what about the next one?", {"offset": 1}),
        ("and the others?", {"every": True}),
        ("that one", {"this": True}),
        ("the one from 99", {"year": 1999}),
    ],
)
def test_english_follow_ups_point_at_an_item(text, expected):
    mention = parse_mention(text)
    assert mention is not None
    for field, value in expected.items():
        assert getattr(mention, field) == value, text
