"""The topic registry (actions/topic_registry.py): each topic's intent, action, titles and rule agree."""

from __future__ import annotations

import inspect

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from actions import wording, wording_en
from actions.topic_registry import BUTTON_TITLES, BUTTONS, Topic
from actions.topics import TOPIC_ACTIONS, CentreTopicAction
from tests.conftest import DOMAIN, PROJECT_ROOT

RULES = yaml.safe_load((PROJECT_ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]


def answered_by(rules: list[dict[str, object]]) -> set[tuple[str, str]]:
    """(intent, action) of each one-question rule."""
    pairs = set()
    for rule in rules:
        steps = rule.get("steps")
        if isinstance(steps, list) and len(steps) == 2 and "intent" in steps[0] and "action" in steps[1]:
            pairs.add((steps[0]["intent"], steps[1]["action"]))
    return pairs


def test_each_intent_has_one_button_title_in_each_language():
    intents = [button.intent for button in BUTTONS]
    assert len(intents) == len(set(intents))
    for language in ("fr", "en"):
        assert set(BUTTON_TITLES[language]) == set(intents)
        assert all(title.strip() for title in BUTTON_TITLES[language].values())


def test_every_button_asks_an_intent_of_the_domain():
    assert {button.intent for button in BUTTONS} <= set(DOMAIN["intents"])


def test_every_topic_is_served_by_its_action_declared_in_the_domain():
    executor = ActionExecutor()
    executor.register_package("actions")
    for topic in Topic:
        assert topic.action in executor.actions, topic
        assert topic.action in DOMAIN["actions"], topic
        assert TOPIC_ACTIONS[topic]().name() == topic.action
        assert not inspect.isabstract(TOPIC_ACTIONS[topic])


@pytest.mark.parametrize("topic", list(Topic), ids=lambda topic: topic.value)
def test_every_topic_intent_is_answered_by_its_action_in_a_rule(topic):
    assert (topic.entry.intent, topic.action) in answered_by(RULES)


def test_an_action_answers_as_its_entry_says():
    for topic, action in TOPIC_ACTIONS.items():
        assert issubclass(action, CentreTopicAction) == (topic.entry.answer == "centre"), topic
        assert action.broad == (topic.entry.answer == "broad"), topic


def test_a_centre_topic_names_its_detail_in_both_languages():
    """A centre without the topic's facts is told as "je n'ai pas <le détail> du centre associé ..."."""
    for topic in Topic:
        if topic.entry.answer == "centre":
            assert topic.value in wording.CENTRE_DETAILS and topic.value in wording_en.CENTRE_DETAILS, topic
