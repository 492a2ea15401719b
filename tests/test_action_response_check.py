"""rasa_extensions/action_response_check.py: the action server's responses are validated as Rasa does, without
re-checking the schema at every call."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction

from rasa_extensions import action_response_check
from rasa_extensions.action_response_check import _response_validator

# Rasa's own validation, kept before any test applies the fix.
RASA_VALIDATION = RemoteAction._validate_action_result


@pytest.fixture
def remote_action() -> RemoteAction:
    action_response_check.apply()
    return RemoteAction("action_answer_free", action_endpoint=None)


def test_building_the_channels_applies_it(monkeypatch):
    from rasa_extensions.input_channels import VisitorRestInput

    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASA_VALIDATION)  # as Rasa comes
    assert not action_response_check.applied()
    VisitorRestInput.from_credentials({"website": "https://example.org"})  # what the Rasa server does at start
    assert action_response_check.applied()


def test_a_valid_response_passes(remote_action):
    result = {"events": [{"event": "slot", "name": "centre", "value": "Gap"}], "responses": [{"text": "Oui."}]}
    assert remote_action._validate_action_result(result) is True


@pytest.mark.parametrize(
    "result",
    [
        {"events": "not a list", "responses": []},
        {"events": [{"event": "no_such_event"}], "responses": []},
        {"events": [{"event": "slot"}], "responses": []},  # a slot event needs a name
    ],
)
def test_an_invalid_response_is_refused_with_rasas_message(remote_action, result):
    with pytest.raises(ValidationError, match="Failed to validate Action server response from API"):
        remote_action._validate_action_result(result)


def test_the_schema_is_checked_once_not_at_every_call(remote_action, monkeypatch):
    _response_validator.cache_clear()
    schema_checks = []
    validator_class = validators.validator_for(RemoteAction.action_response_format_spec())
    original_check = validator_class.check_schema

    def counting_check(schema):
        schema_checks.append(1)
        return original_check(schema)

    monkeypatch.setattr(validator_class, "check_schema", counting_check)
    for _ in range(20):
        remote_action._validate_action_result({"events": [], "responses": [{"text": "Oui."}]})
    assert len(schema_checks) == 1
