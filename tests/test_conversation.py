"""A conversation that keeps its thread, action by action on tracker fixtures: corrections, the visitor's own
lists, any detail of the thing in focus, a change of language, going back, people in distress, questions for a
person, and messages with nothing to read."""

from __future__ import annotations

import pytest

from actions.about import ActionAnswerHistory
from actions.details import ActionAnswerDetail
from actions.fallback import ActionAnswerEmptyMessage, ActionOutOfScope
from actions.followups import ActionAnswerFollowup, ActionAnswerIssuer, ActionAnswerYear
from actions.knowledge_store import get_knowledge
from actions.needs import ActionAnswerNeed, ActionAnswerReferral
from actions.questions import followup_question, last_list, questions_before
from actions.referrals import ActionAnswerDistress
from actions.topic_registry import Topic
from actions.topics import topic_action
from tests.conftest import Asked, history_events, make_tracker, run_action_with_events, run_answer


def answers_and_focus(events: list[dict[str, object]]) -> tuple[list[object], object]:
    answers = [event["value"] for event in events if event["name"] == "answer"]
    focus = [event["value"] for event in events if event["name"] == "focus"]
    return answers, focus[-1] if focus else None


MARTIGUES_SATURDAY = Asked(
    "Martigues vous ouvrez le samedi ?",
    "ask_hours",
    [("centre", "Martigues")],
    ["action_answer_hours"],
    "centre:martigues",
)
THREE_TOWNS = Asked(
    "Vous avez des centres à Gap, Istres et Martigues ?",
    "ask_centres",
    [("centre", "Gap"), ("centre", "Istres"), ("centre", "Martigues")],
    ["action_answer_centres"],
    "centre:martigues",
)
LABELS_LIST = Asked("quels sont vos labels ?", "ask_labels", [], ["action_answer_labels"], "labels")
NETWORK = Asked("Parlez-moi du réseau international", "ask_network", [], ["action_answer_network"], "network")
DIVERSITY_ISSUER = Asked(
    "qui a décerné le label diversité ?",
    "ask_issuer",
    [("label", "diversite")],
    ["action_answer_issuer"],
    "label:diversite",
)


# --- Corrections ------------------------------------------------------------------------------------


async def test_a_correction_asks_the_last_question_again_about_the_corrected_town():
    tracker = make_tracker("non je voulais dire Istres", "inform", [("centre", "Istres")], history=[MARTIGUES_SATURDAY])
    messages, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    text = " ".join(message["text"] for message in messages)
    assert "Istres" in text and "horaires" in text and "Martigues" not in text
    assert answers_and_focus(events) == (["action_answer_hours"], "centre:istres")


async def test_a_correction_to_a_year_designates_that_year_s_label():
    tracker = make_tracker("pardon, celui de 2011", "inform", history=[DIVERSITY_ISSUER])
    messages, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert "SPO" in messages[0]["text"]
    assert answers_and_focus(events) == (["action_answer_issuer"], "label:spo")


async def test_a_town_named_after_an_unrelated_question_gets_its_centre():
    asked = Asked("c'est gratuit ?", "ask_free", [], ["action_answer_free"], "topic:free")
    tracker = make_tracker("et à Gap ?", "inform", [("centre", "Gap")], history=[asked])
    _, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert answers_and_focus(events) == (["action_answer_centres"], "centre:gap")


# --- The visitor's own lists and the bot's ---------------------------------------------------------


async def test_an_ordinal_points_into_the_visitor_s_own_list_in_their_order():
    tracker = make_tracker("le deuxième, il ouvre le samedi ?", "ask_hours", history=[THREE_TOWNS])
    messages, events = await run_action_with_events(topic_action(Topic.HOURS), tracker)
    assert "Istres" in messages[0]["text"]
    assert answers_and_focus(events)[1] == "centre:istres"


async def test_the_last_of_the_bot_s_list_of_labels():
    tracker = make_tracker("et le dernier ?", "inform", history=[LABELS_LIST])
    _, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert answers_and_focus(events) == (["action_answer_labels"], "label:charte_diversite")


def test_the_last_list_is_the_most_recent_whoever_gave_it():
    knowledge = get_knowledge()
    events = [*history_events([LABELS_LIST, THREE_TOWNS]), {"event": "user", "text": "le premier ?"}]
    assert last_list(events, knowledge) == ("centre", ["gap", "istres", "martigues"])
    events = [*history_events([THREE_TOWNS, LABELS_LIST]), {"event": "user", "text": "le premier ?"}]
    kind, ids = last_list(events, knowledge) or ("", [])
    assert kind == "label" and ids[0] == "cite_des_metiers" and ids[-1] == "charte_diversite"


# --- Any detail of the thing in focus ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "history", "said"),
    [
        ("il regroupe combien de pays ?", [NETWORK], "7 pays"),
        ("et combien de villes ?", [NETWORK], "25 Cités des Métiers"),
        (
            "c'était quel jour ?",
            [
                Asked(
                    "le label diversité ?",
                    "ask_labels",
                    [("label", "diversite")],
                    ["action_answer_labels"],
                    "label:diversite",
                )
            ],
            "1er mars 2017",
        ),
        (
            "qui organisait ?",
            [
                Asked(
                    "et la charte ?",
                    "inform",
                    [("label", "charte_diversite")],
                    ["action_answer_labels"],
                    "label:charte_diversite",
                )
            ],
            "Les Entreprises pour la Cité",
        ),
        (
            "elle a ouvert quel jour ?",
            [Asked("vous êtes où ?", "ask_address", [], ["action_answer_address"], "centre:marseille")],
            "23 mars 2005",
        ),
    ],
)
async def test_a_detail_of_the_thing_in_focus(text, history, said):
    reply = await run_answer(ActionAnswerDetail(), make_tracker(text, "ask_detail", history=history))
    assert said in reply
    assert "Source" in reply


async def test_a_detail_the_sources_do_not_hold_gets_the_honest_unknown_for_that_thing():
    asked = Asked(
        "vous avez un centre à Gap ?", "ask_centres", [("centre", "Gap")], ["action_answer_centres"], "centre:gap"
    )
    reply = await run_answer(
        ActionAnswerDetail(), make_tracker("c'est quoi leur numéro de téléphone ?", "ask_detail", history=[asked])
    )
    assert "Gap" in reply and "coordonnées" in reply
    reply = await run_answer(
        ActionAnswerDetail(), make_tracker("c'est qui le directeur ?", "ask_detail", history=[NETWORK])
    )
    assert reply.startswith("Mes sources ne donnent pas le nom de la direction pour le réseau international")


# --- Language on request -----------------------------------------------------------------------------


async def test_in_english_please_repeats_the_last_answer_in_english_and_keeps_it():
    tracker = make_tracker("can you say that in English please?", "switch_language", history=[NETWORK])
    messages, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert messages[0]["text"] == "Sure, I'll carry on in English."
    assert "7 countries" in messages[1]["text"]
    assert {"event": "slot", "name": "language", "value": "en", "timestamp": None} in events
    assert answers_and_focus(events) == (["action_answer_network"], "network")


async def test_en_francais_written_in_english_conversation_switches_back():
    tracker = make_tracker("en français svp", "switch_language", language="en", history=[NETWORK])
    messages, _ = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert messages[0]["text"] == "D'accord, je continue en français."
    assert "7 pays" in messages[1]["text"]


# --- Going back --------------------------------------------------------------------------------------


async def test_back_to_the_first_question():
    free = Asked("c'est gratuit ?", "ask_free", [], ["action_answer_free"], "topic:free")
    tracker = make_tracker("pour revenir à ma première question", "go_back", history=[free, NETWORK, THREE_TOWNS])
    _, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert answers_and_focus(events) == (["action_answer_free"], "topic:free")


async def test_back_to_the_label_of_a_while_ago_is_about_that_label_not_the_focus():
    issuer = Asked("qui l'a décerné ?", "ask_issuer", [], ["action_answer_issuer"], "label:diversite")
    tracker = make_tracker("et pour le label de tout à l'heure ?", "go_back", history=[issuer, THREE_TOWNS])
    _, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert answers_and_focus(events) == (["action_answer_issuer"], "label:diversite")


def test_a_follow_up_is_remembered_as_the_question_it_asked_again():
    knowledge = get_knowledge()
    correction = Asked("non, Istres", "inform", [("centre", "Istres")], ["action_answer_hours"], "centre:istres")
    events = [*history_events([MARTIGUES_SATURDAY, correction]), {"event": "user", "text": "in English please"}]
    [_, asked_again] = questions_before(events, knowledge)
    assert (asked_again.intent, asked_again.entities) == ("ask_hours", (("centre", "Istres"),))
    message = {"text": "in English please", "intent": {"name": "switch_language"}}
    assert followup_question(message, [], knowledge) is None


async def test_going_back_with_nothing_before_says_so():
    reply = await run_answer(ActionAnswerFollowup(), make_tracker("pour revenir à ma question", "go_back"))
    assert "précédente" in reply


# --- People in distress, questions for a person --------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_distress_gets_human_words_and_the_numbers_never_a_fact_list(language):
    reply = await run_answer(ActionAnswerDistress(), make_tracker("je n'en peux plus", "distress", language=language))
    assert "3114" in reply and "112" in reply and "15" in reply
    assert ("désolé" in reply) if language == "fr" else ("sorry" in reply)
    assert "Source" not in reply and "labels" not in reply


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Combien gagne un électricien débutant à Marseille ?", ["onisep.fr", "francetravail.fr"]),
        ("mon patron ne me paie pas mes heures sup", ["code.travail.gouv.fr"]),
        ("écrivez-moi mon CV svp", ["vous aide à écrire votre CV"]),
        ("j'ai reçu un SMS : vos droits CPF expirent, cliquez sur le lien", ["cybermalveillance.gouv.fr"]),
        ("je voudrais faire reconnaître mon diplôme étranger", ["ENIC-NARIC"]),
        ("je suis travailleur handicapé, qui peut m'aider ?", ["Cap emploi", "MDPH"]),
    ],
)
async def test_questions_for_a_person_get_the_service_and_no_figure(text, said):
    reply = await run_answer(ActionAnswerReferral(), make_tracker(text, "ask_referral"))
    for words in said:
        assert words in reply
    assert "je ne peux pas vous conseiller moi-même" in reply
    assert "€" not in reply


async def test_a_salary_question_taken_for_out_of_scope_or_a_need_is_still_referred():
    text = "Combien gagne un électricien débutant à Marseille ?"
    for action, intent in ((ActionOutOfScope(), "out_of_scope"), (ActionAnswerNeed(), "ask_need")):
        messages, events = await run_action_with_events(action, make_tracker(text, intent))
        assert "onisep.fr" in messages[0]["text"]
        assert answers_and_focus(events) == (["action_answer_referral"], "referral:salary")


# --- Nothing to read ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "start"), [("fr", "Je n'ai pas reçu de question"), ("en", "I didn't get a question")]
)
async def test_an_empty_message_gets_a_short_prompt_in_the_conversation_s_language(language, start):
    reply = await run_answer(
        ActionAnswerEmptyMessage(), make_tracker("/empty_message", "empty_message", language=language)
    )
    assert reply.startswith(start)


# --- More ways to point back ---------------------------------------------------------------------------


async def test_the_other_of_two_towns_the_visitor_named_and_its_address():
    asked = Asked("La Garde ou Aubagne, vous y êtes ?", "ask_centres", [], ["action_answer_centres"], "centre:aubagne")
    tracker = make_tracker("et l'adresse de l'autre ?", "inform", history=[asked])
    messages, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert "La Garde" in messages[0]["text"] and "l'adresse" in messages[0]["text"]
    assert answers_and_focus(events) == (["action_answer_address"], "centre:la_garde")


async def test_before_that_on_the_timeline():
    asked = Asked("et en 1999 ?", "inform", [], ["action_answer_mention"], "year:1999")
    reply = await run_answer(ActionAnswerFollowup(), make_tracker("et avant ça ?", "inform", history=[asked]))
    assert "1993" in reply and "1999" not in reply


async def test_back_to_the_first_question_about_a_label():
    labels = Asked("quels labels ?", "ask_labels", [], ["action_answer_labels"], "labels")
    spo = Asked("le label SPO ?", "ask_labels", [("label", "spo")], ["action_answer_labels"], "label:spo")
    charte = [("label", "charte_diversite")]
    charter = Asked("la charte ?", "inform", charte, ["action_answer_labels"], "label:charte_diversite")
    history = [labels, spo, charter, THREE_TOWNS]
    tracker = make_tracker("pour revenir au premier label dont je parlais", "go_back", history=history)
    _, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert answers_and_focus(events) == (["action_answer_labels"], "label:spo")


async def test_a_question_for_a_person_that_names_only_a_need_gets_the_need_s_answer():
    messages, events = await run_action_with_events(
        ActionAnswerReferral(), make_tracker("comment faire une lettre de motivation", "ask_referral")
    )
    assert messages[0]["text"].startswith("Vous venez pour votre recherche d'emploi")
    assert answers_and_focus(events) == (["action_answer_need"], "need:job_search")


async def test_countries_are_the_network_s_whatever_is_in_focus():
    free = Asked("c'est gratuit ?", "ask_free", [], ["action_answer_free"], "topic:free")
    reply = await run_answer(
        ActionAnswerDetail(), make_tracker("combien de pays ont une cité ?", "ask_detail", history=[free])
    )
    assert "7 pays" in reply


async def test_who_awarded_it_after_another_subject_is_about_the_label_talked_about():
    tracker = make_tracker(
        "revenons au label, c'était qui déjà qui vous l'avait donné ?",
        "ask_issuer",
        history=[DIVERSITY_ISSUER, NETWORK],
    )
    messages, events = await run_action_with_events(ActionAnswerIssuer(), tracker)
    assert "AFNOR" in " ".join(message["text"] for message in messages)
    assert answers_and_focus(events) == (["action_answer_issuer"], "label:diversite")


async def test_who_awarded_it_after_the_list_of_labels_asks_which_label():
    tracker = make_tracker("et qui l'a donné ?", "ask_issuer", history=[DIVERSITY_ISSUER, LABELS_LIST])
    _, events = await run_action_with_events(ActionAnswerIssuer(), tracker)
    assert answers_and_focus(events) == (["action_answer_issuer"], "labels")


async def test_back_to_the_network_after_another_question():
    free = Asked("c'est gratuit ?", "ask_free", [], ["action_answer_free"], "topic:free")
    tracker = make_tracker(
        "pour en revenir au réseau, vous pouvez répéter ?", "go_back", history=[NETWORK, free, THREE_TOWNS]
    )
    _, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert answers_and_focus(events) == (["action_answer_network"], "network")


async def test_and_in_that_town_do_you_have_something_asks_for_a_centre_not_the_last_topic():
    address = Asked(
        "vous êtes où à Marseille ?",
        "ask_address",
        [("centre", "Marseille")],
        ["action_answer_address"],
        "centre:marseille",
    )
    tracker = make_tracker("et à Aubagne vous avez qqch ?", "inform", [("centre", "Aubagne")], history=[address])
    _, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert answers_and_focus(events)[0] == ["action_answer_centres"]


async def test_when_was_it_created_about_the_network_in_focus_is_the_network_s_date():
    tracker = make_tracker("il a été créé quand ?", "ask_year", history=[NETWORK])
    messages, events = await run_action_with_events(ActionAnswerYear(), tracker)
    knowledge = get_knowledge()
    founded = knowledge.fact(knowledge.network.details["founded"]).text
    assert founded in " ".join(message["text"] for message in messages)
    assert answers_and_focus(events) == (["action_answer_year"], "network")


@pytest.mark.parametrize(
    ("text", "said", "answer", "focus"),
    [
        ("pour en revenir au réseau, vous pouvez me redonner la réponse ?", "25", "action_answer_network", "network"),
        ("et le label diversité alors ?", "AFNOR", "action_answer_detail", "label:diversite"),
    ],
)
async def test_a_thing_named_without_an_attribute_gets_its_own_answer(text, said, answer, focus):
    free = Asked("c'est gratuit ?", "ask_free", [], ["action_answer_free"], "topic:free")
    tracker = make_tracker(text, "ask_detail", history=[NETWORK, free])
    messages, events = await run_action_with_events(ActionAnswerDetail(), tracker)
    assert said in " ".join(message["text"] for message in messages)
    assert answers_and_focus(events) == ([answer], focus)


@pytest.mark.parametrize("intent", ["ask_history", "ask_year"])
async def test_a_year_of_the_history_then_before_that(intent):
    action = ActionAnswerHistory() if intent == "ask_history" else ActionAnswerYear()
    messages, events = await run_action_with_events(action, make_tracker("il s'est passé quoi en 1999 ?", intent))
    assert "1999" in messages[0]["text"] and "1993" not in messages[0]["text"]
    assert answers_and_focus(events)[1] == "year:1999"
    asked = Asked("il s'est passé quoi en 1999 ?", intent, [], [action.name()], "year:1999")
    reply = await run_answer(ActionAnswerFollowup(), make_tracker("et avant ça ?", "inform", history=[asked]))
    assert "1993" in reply


async def test_before_a_year_that_is_not_on_the_timeline_is_the_one_before_it():
    asked = Asked("et en 2001 ?", "inform", [], ["action_answer_mention"], "year:2001")
    reply = await run_answer(ActionAnswerFollowup(), make_tracker("et avant ça ?", "inform", history=[asked]))
    assert "1999" in reply
