"""The training data and the held-out set: coverage, separation, and entity values the bot resolves."""

from __future__ import annotations

from collections import Counter

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from actions.knowledge.loading import load_knowledge
from actions.knowledge.text import normalise
from actions.mentions import parse_mention
from tests.conftest import DOMAIN, PROJECT_ROOT

TRAINING = load_data(str(PROJECT_ROOT / "data" / "nlu"))
# The English examples, in the same intents (one model for both languages).
TRAINING_EN = load_data(str(PROJECT_ROOT / "data" / "nlu" / "en"))
HOLDOUT_FR = load_data(str(PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"))
HOLDOUT_EN = load_data(str(PROJECT_ROOT / "tests" / "nlu" / "holdout_en.yml"))
HOLDOUT = HOLDOUT_FR.merge(HOLDOUT_EN)
KNOWLEDGE = load_knowledge()
MIN_TRAINING_EXAMPLES = 20
# Two questions in one message ("ask_free+ask_anonymous") combine two intents that have their own examples.
MIN_MULTI_INTENT_EXAMPLES = 15
MIN_ENGLISH_EXAMPLES = 15
MIN_ENGLISH_HOLDOUT = 60
# Intents that buttons or the channel send (their payload never reaches the NLU: a rating, a message with nothing
# to read): a few examples, as `rasa data validate` wants every intent to have some, and none held out, as
# visitors hardly type them.
BUTTON_INTENTS = {"rate_answer", "empty_message"}
MIN_BUTTON_INTENT_EXAMPLES = 5


# Punctuation and emoji only ("?", "😅"): no language, its examples are in data/nlu/ alone.
LANGUAGE_NEUTRAL_INTENTS = {"empty_message"}


def minimum_examples(intent: str) -> int:
    if intent in BUTTON_INTENTS:
        return MIN_BUTTON_INTENT_EXAMPLES
    return MIN_MULTI_INTENT_EXAMPLES if "+" in intent else MIN_TRAINING_EXAMPLES


def test_every_intent_has_enough_varied_training_examples():
    counts = Counter(example.get("intent") for example in TRAINING.intent_examples)
    assert set(counts) == set(DOMAIN["intents"])
    too_few = {intent: count for intent, count in counts.items() if count < minimum_examples(intent)}
    assert too_few == {}


def test_every_part_of_a_multi_intent_is_an_intent_of_its_own():
    for intent in DOMAIN["intents"]:
        assert set(intent.split("+")) <= set(DOMAIN["intents"]), intent


def test_every_intent_has_enough_english_training_examples():
    counts = Counter(example.get("intent") for example in TRAINING_EN.intent_examples)
    minimum = {
        intent: 0 if intent in LANGUAGE_NEUTRAL_INTENTS else min(MIN_ENGLISH_EXAMPLES, minimum_examples(intent))
        for intent in DOMAIN["intents"]
    }
    assert {intent: counts[intent] for intent in DOMAIN["intents"] if counts[intent] < minimum[intent]} == {}


@pytest.mark.parametrize("holdout", [HOLDOUT_FR, HOLDOUT_EN], ids=["french", "english"])
def test_every_intent_is_in_the_held_out_set(holdout):
    assert {example.get("intent") for example in holdout.intent_examples} | BUTTON_INTENTS == set(DOMAIN["intents"])


def test_the_english_held_out_set_is_large_enough():
    assert len(HOLDOUT_EN.intent_examples) >= MIN_ENGLISH_HOLDOUT


def test_held_out_examples_are_never_trained_on():
    trained = {normalise(example.get("text")) for example in TRAINING.intent_examples}
    leaked = [example.get("text") for example in HOLDOUT.intent_examples if normalise(example.get("text")) in trained]
    assert leaked == []


@pytest.mark.parametrize("dataset", [TRAINING, HOLDOUT], ids=["training", "holdout"])
def test_annotated_real_centres_and_labels_resolve_in_the_knowledge_file(dataset):
    for example in dataset.intent_examples:
        for entity in example.get("entities") or []:
            if entity["entity"] == "label":
                assert KNOWLEDGE.find_label(entity["value"]), f"unknown label in: {example.get('text')}"
            written = example.get("text")[entity["start"] : entity["end"]]
            if entity["entity"] == "centre" and entity["value"] != written:
                # A synonym annotation maps a spelling to a real centre's canonical name.
                assert KNOWLEDGE.find_centre(entity["value"]), f"unknown centre in: {example.get('text')}"


def test_every_inform_example_names_a_centre_a_label_a_year_or_a_position():
    """A follow-up that names nothing the bot can resolve would be trained to get the "I don't know"."""
    for dataset in (TRAINING, HOLDOUT):
        for example in dataset.intent_examples:
            if example.get("intent") == "inform" and not example.get("entities"):
                assert parse_mention(example.get("text")), f"inform naming nothing: {example.get('text')}"
