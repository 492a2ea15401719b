"""actions/session.py: a new session carries each slot's last value over once, however many times it changed."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from tests.conftest import DOMAIN, make_tracker


async def test_each_slot_is_carried_over_once_with_its_last_value():
    tracker = make_tracker("et à Gap ?", "inform", focus="centre:gap", language="en")
    # Many changes of both slots in the session that ends: they are not repeated.
    tracker.events = [{"event": "slot", "name": "focus", "value": f"centre:{town}"} for town in ("istres", "gap")] * 50
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, tracker, DOMAIN)
    assert events[0]["event"] == "session_started"
    assert [(event["name"], event["value"]) for event in events if event["event"] == "slot"] == [
        ("focus", "centre:gap"),
        ("language", "en"),
    ]
    assert events[-1] == {**events[-1], "event": "action", "name": "action_listen"}
    assert dispatcher.messages == []  # the visitor is not told anything


async def test_slots_without_a_value_are_not_set_and_the_setting_is_honoured():
    tracker = make_tracker("bonjour", "greet")
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, DOMAIN)
    assert [event["name"] for event in events if event["event"] == "slot"] == ["language"]
    no_carry = {**DOMAIN, "session_config": {**DOMAIN["session_config"], "carry_over_slots_to_new_session": False}}
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, no_carry)
    assert [event["event"] for event in events] == ["session_started", "action"]


def test_the_domain_declares_it_and_carries_slots_over():
    assert "action_session_start" in DOMAIN["actions"]
    assert DOMAIN["session_config"]["carry_over_slots_to_new_session"] is True
