"""Rate limits through REST on a real assistant (`cdm-run serve`): a client flooding from one address gets the
limit reply, what it sent beyond its limit is not stored, and another visitor is still answered about as fast.

Every address of 127.0.0.0/8 is this machine: each client sends from an address of its own."""

from __future__ import annotations

import multiprocessing
import sqlite3
import statistics
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from rasa_extensions import wording
from tests.e2e.conftest import Assistant, running_assistant

# Bursts of 5 per conversation and 10 per address, refilled at 0.5 and 1 a second.
PER_CONVERSATION = 5
PER_CLIENT = 10
WINDOW_S = 10
QUESTIONS = ["Bonjour", "C'est gratuit ?", "Vous êtes où ?", "Il faut un rendez-vous ?"]
VISITOR_CONVERSATIONS = 20  # 4 turns each, each conversation from an address of its own: under both limits


class _FromAddress(HTTPAdapter):
    """Sends from the given local address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def ask(session: requests.Session, url: str, sender: str, text: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    response = session.post(url, json={"sender": sender, "message": text}, timeout=60)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:300]
    return elapsed, [reply.get("text", "") for reply in response.json()]


def visitor_latencies(url: str, network: str, name: str) -> list[float]:
    """Visitors' conversations, each from its own address of `network` ("127.0.1"): their turns' latencies."""
    latencies = []
    for number in range(VISITOR_CONVERSATIONS):
        session = client(f"{network}.{number + 1}")
        for question in QUESTIONS:
            elapsed, replies = ask(session, url, f"{name}-{number}", question)
            assert replies and wording.TOO_MANY_MESSAGES not in replies
            latencies.append(elapsed)
    return latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def stored_user_events(tracker_db: Path, prefix: str) -> int:
    with closing(sqlite3.connect(tracker_db)) as connection:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM events WHERE type_name = 'user' AND sender_id LIKE ?", (f"{prefix}%",)
        ).fetchone()
    return int(count)


@pytest.fixture(scope="module")
def limited(trained_model: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    folder = tmp_path_factory.mktemp("rate-limits")
    with running_assistant(
        folder / "run.log",
        RATE_LIMIT_CONVERSATION=f"{PER_CONVERSATION}/{WINDOW_S}",
        RATE_LIMIT_CLIENT=f"{PER_CLIENT}/{WINDOW_S}",
    ) as running:
        yield running


def test_one_conversation_over_its_limit_gets_the_polite_reply(limited: Assistant):
    url = limited.rest_url.replace("localhost", "127.0.0.1")
    session = client("127.0.0.5")
    replies = [ask(session, url, "talkative", "c'est gratuit ?")[1] for _ in range(PER_CONVERSATION + 2)]
    assert all(wording.TOO_MANY_MESSAGES not in reply for reply in replies[:PER_CONVERSATION])
    assert replies[PER_CONVERSATION:] == [[wording.TOO_MANY_MESSAGES]] * 2
    assert ask(session, url, "talkative-en", "is it free?")[1] != [wording.TOO_MANY_MESSAGES_EN]
    assert ask(session, url, "talkative", "is it free?")[1] == [wording.TOO_MANY_MESSAGES_EN]
    # Only the allowed messages were stored.
    assert stored_user_events(limited.tracker_db, "talkative") == PER_CONVERSATION + 1


FLOOD_INTERVAL_S = 0.01  # a bounded flood: at most 100 messages a second


def flood(url: str, stop: Any, first_refusal: Any, replies: Any) -> None:
    """A flooding client, in a process of its own as it would be (not sharing the measuring process's
    interpreter): invented conversation ids from one address, until told to stop (1,000 at most)."""
    session = client("127.0.0.2")
    for number in range(1000):
        if stop.is_set():
            return
        text = ask(session, url, f"flood-{number}", "c'est gratuit ?")[1]
        refused = text == [wording.TOO_MANY_MESSAGES]
        replies.put(refused)
        if refused:
            first_refusal.set()
        time.sleep(FLOOD_INTERVAL_S)


def test_a_flood_is_refused_and_other_visitors_are_still_served(limited: Assistant, capsys):
    url = limited.rest_url.replace("localhost", "127.0.0.1")
    ask(client("127.0.0.9"), url, "warm-up", "Bonjour")
    unflooded = visitor_latencies(url, "127.0.1", "calm")

    context = multiprocessing.get_context("fork")
    stop, first_refusal, replies = context.Event(), context.Event(), context.Queue()
    flooder = context.Process(target=flood, args=(url, stop, first_refusal, replies))
    started = time.perf_counter()
    flooder.start()
    try:
        # Its first messages are within its limit, as any visitor's: the flood is what comes after.
        assert first_refusal.wait(timeout=60)
        flooded = visitor_latencies(url, "127.0.2", "during")
    finally:
        stop.set()
        flooder.join(timeout=60)
    elapsed = time.perf_counter() - started
    verdicts = []
    while not replies.empty():
        verdicts.append(replies.get())
    refused, allowed = sum(verdicts), len(verdicts) - sum(verdicts)
    with capsys.disabled():  # the figures, in the output of every run
        print(
            f"\nFlood from one address: {len(verdicts)} messages, {allowed} allowed, {refused} refused; another "
            f"visitor's p95 {p95(unflooded) * 1000:.0f} ms without the flood, {p95(flooded) * 1000:.0f} ms with it"
        )
    # The burst, then what the bucket refilled meanwhile.
    assert allowed <= PER_CLIENT + PER_CLIENT / WINDOW_S * elapsed + 1 and refused
    assert p95(flooded) <= 2 * p95(unflooded)
    # Nothing of what was refused is stored: only the allowed messages' conversations exist.
    assert stored_user_events(limited.tracker_db, "flood-") == allowed
