"""The judge of the held-out fact questions (devtools/evaluate_facts.py), on answers written here."""

from __future__ import annotations

from typing import Any

import pytest

from actions.knowledge_store import get_knowledge
from devtools.evaluate_facts import facts_summary, judge, load_questions, run_facts


@pytest.mark.parametrize(
    ("expected", "stated", "abstains", "verdict"),
    [
        ("network_size", {"network_size", "network_member"}, False, "right"),
        ("network_size", {"history_1993"}, False, "wrong"),
        ("network_size", set(), False, "unanswered"),
        ("network_size", {"history_1993"}, True, "unanswered"),
        (None, set(), False, "honest"),
        (None, {"address"}, True, "honest"),  # "no phone number in my sources", and the address
        (None, {"visitors_2013"}, False, "wrong"),
        (None, {"org_charts"}, False, "honest"),  # where to find it is not a fact in its place
    ],
)
def test_the_verdicts(expected, stated, abstains, verdict):
    assert judge(expected, stated, {"org_charts", "egalab"}, abstains) == verdict


def _asking(replies: dict[str, tuple[list[str], list[str], dict[str, Any]]]) -> Any:
    def ask(text: str) -> tuple[list[str], list[str], dict[str, Any]]:
        return replies.get(text, ([], [], {}))

    return ask


def test_answers_are_read_in_the_question_s_language_and_the_buttons_are_clicked():
    knowledge = get_knowledge()
    size_fr, size_en = knowledge.fact("network_size").text, knowledge.fact("network_size").text_en
    unsure = {"intent": {"name": "nlu_fallback"}, "intent_ranking": [{"name": "ask_network", "confidence": 0.4}]}
    replies: dict[str, tuple[list[str], list[str], dict[str, Any]]] = {
        "combien de pays ?": (
            [size_fr + "\n\nSource : x"],
            ["action_answer_network"],
            {"intent": {"name": "ask_network"}},
        ),
        # A French text to an English question.
        "what is it?": ([knowledge.fact("space").text], ["action_answer_presentation"], {}),
        "countries in the network?": (["Did you mean:"], [], unsure),
        "/ask_network": ([size_en], ["action_answer_network"], {}),
        "le numéro de téléphone ?": (
            [knowledge.fact("contact_unknown").text + " " + knowledge.fact("address_marseille").text],
            ["action_answer_contact"],
            {},
        ),  # fmt: skip
        "combien de visiteurs en 2023 ?": ([knowledge.fact("visitors_2013").text], ["action_answer_detail"], {}),
    }
    questions: list[dict[str, Any]] = [
        {"text": "combien de pays ?", "lang": "fr", "statement": "network_size"},
        {"text": "what is it?", "lang": "en", "statement": "space"},
        {"text": "countries in the network?", "lang": "en", "statement": "network_size"},
        {"text": "le numéro de téléphone ?", "lang": "fr", "statement": None},
        {"text": "combien de visiteurs en 2023 ?", "lang": "fr", "statement": None},
    ]
    outcomes = run_facts(_asking(replies), questions, knowledge)
    assert [outcome.verdict for outcome in outcomes] == ["right", "unanswered", "unanswered", "honest", "wrong"]
    assert outcomes[2].unsure and outcomes[2].buttons_right
    summary = facts_summary(outcomes)
    assert summary["right"] == pytest.approx(1 / 3) and summary["honest"] == 0.5 and summary["wrong"] == 0.2
    assert summary["unsure"] == {
        "questions": 1, "search_answered": 0, "search_right": 0, "search_wrong": 0, "buttons_right": 1,
        "search_then_buttons_right": 1,
    }  # fmt: skip


def test_the_held_out_questions_name_only_statements_the_judge_knows():
    import yaml

    from devtools.evaluate_facts import ANSWERS_FILE, recognisers

    spec = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    known = set(recognisers(get_knowledge(), spec))
    questions = load_questions()
    assert {question["statement"] for question in questions} - {None} <= known
    assert len(questions) >= 120 and sum(question["statement"] is None for question in questions) >= 30
