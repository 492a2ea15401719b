"""The trained model on the held-out examples (never trained on): intents and entities."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from rasa.core.agent import Agent
from rasa.model import get_latest_model
from rasa.shared.nlu.training_data.loading import load_data

from actions.knowledge import load_knowledge, normalise
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.e2e

# Floors under which the bot would misunderstand visitors too often to be deployed.
MIN_INTENT_ACCURACY = 0.90
MIN_ENTITY_RECALL = 0.85


def _resolved(entity: str, value: str) -> str:
    """What the bot makes of an entity value: the knowledge entry it designates, else the words."""
    knowledge = load_knowledge()
    entry = knowledge.find_centre(value) if entity == "centre" else knowledge.find_label(value)
    return entry.id if entry else normalise(value)


@pytest.fixture(scope="module")
def predictions(trained_model: None) -> list[tuple[dict, dict]]:
    agent = Agent.load(get_latest_model(str(PROJECT_ROOT / "models")))
    holdout = load_data(str(PROJECT_ROOT / "tests" / "nlu" / "holdout.yml")).intent_examples

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(example.get("text")) for example in holdout]

    parsed = asyncio.run(parse_all())
    return [(example.as_dict(), result) for example, result in zip(holdout, parsed, strict=True)]


def test_intent_accuracy_on_held_out_examples(predictions):
    errors = [
        (expected["text"], expected["intent"], result["intent"]["name"])
        for expected, result in predictions
        if result["intent"]["name"] != expected["intent"]
    ]
    accuracy = 1 - len(errors) / len(predictions)
    print(f"held-out intent accuracy: {accuracy:.3f} on {len(predictions)} examples")
    for text, expected, predicted in errors:
        print(f"  {expected} -> {predicted}: {text}")
    assert accuracy >= MIN_INTENT_ACCURACY, errors


def test_entity_recall_on_held_out_examples(predictions):
    expected_entities: Counter = Counter()
    found: Counter = Counter()
    missed = []
    for expected, result in predictions:
        predicted = {(e["entity"], _resolved(e["entity"], e["value"])) for e in result.get("entities", [])}
        for entity in expected.get("entities", []):
            key = (entity["entity"], _resolved(entity["entity"], entity["value"]))
            expected_entities[entity["entity"]] += 1
            if key in predicted:
                found[entity["entity"]] += 1
            else:
                missed.append((expected["text"], key, sorted(predicted)))
    recall = sum(found.values()) / sum(expected_entities.values())
    print(f"held-out entity recall: {recall:.3f} ({dict(found)} of {dict(expected_entities)})")
    assert recall >= MIN_ENTITY_RECALL, missed
