"""A fresh session every MAX_TURNS_PER_SESSION messages of a conversation (rasa_extensions/session_limit.py),
sent by the guard as Rasa's own `/session_start` message before the visitor's."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_extensions.guard import guarded
from rasa_extensions.rate_limit import RateLimits
from rasa_extensions.session_limit import SESSION_START_MESSAGE, SessionTurns
from tests.test_guard import WEBSITE, FakeRasa


def test_every_nth_message_of_a_conversation_opens_a_session_first():
    turns = SessionTurns(3)
    assert [turns.new_session_before("visitor-1") for _ in range(7)] == [False, False, False, True, False, False, True]
    assert turns.new_session_before("visitor-2") is False  # each conversation counts its own


def test_zero_is_no_limit():
    turns = SessionTurns(0)
    assert not any(turns.new_session_before("visitor-1") for _ in range(1000))


def test_invented_ids_cannot_grow_the_memory():
    turns = SessionTurns(50, max_tracked=100)
    for number in range(1000):
        turns.new_session_before(f"invented-{number}")
    assert len(turns.turns) == 100


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAX_TURNS_PER_SESSION", "7")
    assert SessionTurns.from_environment().max_turns == 7
    monkeypatch.delenv("MAX_TURNS_PER_SESSION")
    assert SessionTurns.from_environment().max_turns == 20
    monkeypatch.setenv("MAX_TURNS_PER_SESSION", "beaucoup")
    with pytest.raises(ValueError, match="MAX_TURNS_PER_SESSION"):
        SessionTurns.from_environment()


async def test_the_guard_sends_rasa_the_session_start_before_the_message(monkeypatch):
    monkeypatch.setenv("MAX_TURNS_PER_SESSION", "2")
    rasa = FakeRasa()
    handle = guarded(rasa, WEBSITE, RateLimits(None, None))
    replies = []
    for _ in range(3):
        collector = CollectingOutputChannel()
        await handle(UserMessage("c'est gratuit ?", collector, "visitor-1"))
        replies.append([message["text"] for message in collector.messages])
    assert [message.text for message in rasa.received] == [
        "c'est gratuit ?",
        "c'est gratuit ?",
        SESSION_START_MESSAGE,
        "c'est gratuit ?",
    ]
    assert SESSION_START_MESSAGE == "/session_start"
    # The visitor sees only the answers, never what the new session said.
    assert replies == [["Oui, c'est gratuit."]] * 3
