"""Rate limits per conversation and per client address (rasa_extensions/rate_limit.py), and what the guard
does with a message over them: a short polite reply, and Rasa never sees the message (nothing parsed, nothing
stored)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_extensions import wording
from rasa_extensions.guard import guarded
from rasa_extensions.rate_limit import Rate, RateLimits, parse_rate
from tests.test_guard import WEBSITE, FakeRasa


@pytest.mark.parametrize(
    ("text", "rate"), [("20/60", Rate(20, 60)), (" 5/1.5 ", Rate(5, 1.5)), ("0", None), ("off", None)]
)
def test_a_rate_is_messages_per_seconds_or_off(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["20", "/60", "abc", "-1/60", "20/0", "vingt/60"])
def test_a_malformed_rate_is_refused_with_the_expected_form(text):
    with pytest.raises(ValueError, match="for instance '20/60'"):
        parse_rate(text)


async def test_a_conversation_over_its_limit_is_refused_and_others_are_not():
    limits = RateLimits(Rate(3, 60), None)
    assert [await limits.allow("visitor-1", "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert await limits.allow("visitor-2", "10.0.0.1")


async def test_a_client_inventing_conversations_is_stopped_by_its_address():
    limits = RateLimits(Rate(3, 60), Rate(5, 60))
    allowed = [await limits.allow(f"invented-{number}", "10.0.0.66") for number in range(8)]
    assert allowed == [True] * 5 + [False] * 3
    assert await limits.allow("visitor-1", "10.0.0.1")  # another address is not concerned


async def test_a_refused_message_does_not_use_up_the_other_limit():
    limits = RateLimits(Rate(2, 60), Rate(10, 60))
    for _ in range(5):
        await limits.allow("flood", "10.0.0.66")
    # The client sent 5 messages, 2 of them allowed: it still has 8 for its other conversations.
    assert [await limits.allow(f"other-{number}", "10.0.0.66") for number in range(9)] == [True] * 8 + [False]


async def test_the_limit_refills_with_time():
    limits = RateLimits(Rate(2, 0.2), None)
    assert [await limits.allow("visitor-1", None) for _ in range(3)] == [True, True, False]
    await asyncio.sleep(0.25)
    assert await limits.allow("visitor-1", None)


async def test_invented_ids_cannot_grow_the_memory():
    limits = RateLimits(Rate(1, 60), Rate(1000, 60), max_tracked=100)
    for number in range(1000):
        await limits.allow(f"invented-{number}", f"10.0.{number // 250}.{number % 250}")
    assert limits.conversations is not None and len(limits.conversations.buckets) == 100
    assert limits.clients is not None and len(limits.clients.buckets) == 100


async def test_the_guard_answers_a_flood_politely_and_rasa_never_sees_it():
    rasa = FakeRasa()
    handle = guarded(rasa, WEBSITE, RateLimits(Rate(2, 60), None))
    replies = []
    for text in ("c'est gratuit ?", "c'est gratuit ?", "c'est gratuit ?", "is it free?"):
        collector = CollectingOutputChannel()
        await handle(UserMessage(text, collector, "visitor-1"), "10.0.0.1")
        replies.append([message["text"] for message in collector.messages])
    assert len(rasa.received) == 2
    assert replies[2] == [wording.TOO_MANY_MESSAGES]
    assert replies[3] == [wording.TOO_MANY_MESSAGES_EN]


def test_the_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_CONVERSATION", "5/10")
    monkeypatch.setenv("RATE_LIMIT_CLIENT", "0")
    limits = RateLimits.from_environment()
    assert limits.conversations is not None and limits.conversations.rate == Rate(5, 10)
    assert limits.clients is None
    monkeypatch.delenv("RATE_LIMIT_CONVERSATION")
    monkeypatch.delenv("RATE_LIMIT_CLIENT")
    defaults = RateLimits.from_environment()
    assert defaults.conversations is not None and defaults.conversations.rate == Rate(10, 30)
    assert defaults.clients is not None and defaults.clients.rate == Rate(30, 15)


def test_the_rest_and_socketio_channels_share_one_set_of_limits(monkeypatch):
    from rasa.core.channels.rest import RestInput
    from rasa.core.channels.socketio import SocketIOInput

    from rasa_extensions import input_channels

    given: list[RateLimits | None] = []
    monkeypatch.setattr(
        input_channels, "guarded", lambda handler, website=None, rate_limits=None: given.append(rate_limits)
    )
    assert issubclass(input_channels.VisitorRestInput, RestInput)
    input_channels.VisitorRestInput().guard(FakeRasa())
    assert issubclass(input_channels.VisitorSocketIOInput, SocketIOInput)
    input_channels.VisitorSocketIOInput().guard(FakeRasa())
    assert len(given) == 2 and given[0] is not None and given[0] is given[1]
