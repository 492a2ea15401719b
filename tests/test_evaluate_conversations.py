"""How a held-out conversation's last turn is judged (devtools/evaluate_conversations.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from devtools.evaluate_conversations import CONVERSATIONS_FILE, DISTRESS_FILE, Turn, judge


def test_answers_alternatives_thing_words_and_language_are_each_checked():
    turn = Turn(["action_answer_hours"], "centre:istres", ["Je n'ai pas les horaires d'Istres."], "fr")
    assert judge({"answers": [["action_answer_hours", "action_answer_detail"]], "about": "centre:istres"}, turn) == []
    assert judge({"says": ["ISTRES", "horaires"], "language": "fr"}, turn) == []
    assert judge({"answers": ["action_answer_centres"]}, turn) == [
        "answers ['action_answer_hours'], expected ['action_answer_centres']"
    ]
    assert judge({"answers": ["action_answer_hours", "action_answer_free"]}, turn) != []
    assert judge({"about": "centre:gap", "says": ["Gap"], "language": "en"}, turn) == [
        "about centre:istres, expected centre:gap",
        "does not say ['Gap']",
        "language fr, expected en",
    ]


def test_the_held_out_sets_are_big_enough_and_cover_every_pattern_in_both_languages():
    conversations = yaml.safe_load(Path(CONVERSATIONS_FILE).read_text(encoding="utf-8"))["conversations"]
    distress = yaml.safe_load(Path(DISTRESS_FILE).read_text(encoding="utf-8"))["messages"]
    assert len(conversations) >= 80 and len({c["id"] for c in conversations}) == len(conversations)
    patterns = {c["pattern"] for c in conversations}
    assert {"distress", "referral", "correction", "visitor_list", "attribute", "multi_question", "language",
            "going_back", "bad_input"} <= patterns  # fmt: skip
    for pattern in patterns:
        assert {c["language"] for c in conversations if c["pattern"] == pattern} == {"fr", "en"}, pattern
    assert len(distress) >= 30
    assert sum(not message["explicit"] for message in distress) >= len(distress) / 2
    assert {message["language"] for message in distress} == {"fr", "en"}


def test_no_held_out_message_is_a_training_example():
    from rasa.shared.nlu.training_data.loading import load_data

    from tests.conftest import PROJECT_ROOT

    def folded(text: str) -> str:
        return " ".join(text.lower().split())

    examples = load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples
    training = {folded(example.get("text")) for example in examples}
    conversations = yaml.safe_load(Path(CONVERSATIONS_FILE).read_text(encoding="utf-8"))["conversations"]
    distress = yaml.safe_load(Path(DISTRESS_FILE).read_text(encoding="utf-8"))["messages"]
    # The turns judged: the last of each conversation, and each distress message (the turns before the last set
    # the scene, and may be as common as "c'est gratuit ?").
    held_out = [str(c["turns"][-1]) for c in conversations] + [str(m["text"]) for m in distress]
    copied = [text for text in held_out if len(text.split()) > 2 and folded(text) in training]
    assert copied == []
