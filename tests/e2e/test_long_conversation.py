"""One conversation of 1,000 turns through REST: a turn's cost stays bounded (rasa_extensions/session_limit.py
opens a fresh session every MAX_TURNS_PER_SESSION messages), and what the visitor needs of the context (the
thing in focus, the language) survives the new sessions."""

from __future__ import annotations

import sqlite3
import statistics
import time
from contextlib import closing

from rasa_extensions.session_limit import DEFAULT_MAX_TURNS
from tests.e2e.conftest import Assistant

TURNS = 1000
QUESTIONS = ["C'est gratuit ?", "Avez-vous un centre à Gap ?", "et à Istres ?", "Quels labels avez-vous ?"]


def test_turn_1000_costs_at_most_twice_an_early_turn(assistant: Assistant, capsys):
    visitor = "e2e-long-conversation"
    latencies = []
    for turn in range(1, TURNS + 1):
        # The last turn puts a centre in focus, for the check below.
        question = "Avez-vous un centre à Gap ?" if turn == TURNS else QUESTIONS[turn % len(QUESTIONS)]
        started = time.perf_counter()
        assert assistant.ask(question, visitor)
        latencies.append(time.perf_counter() - started)
    # Turns 2 to 6 (turn 1 also creates the conversation, which would flatter the ratio), against the last 5.
    early, late = statistics.median(latencies[1:6]), statistics.median(latencies[-5:])
    with capsys.disabled():  # the figures, in the output of every run
        print(
            f"\n{TURNS} turns of one conversation: median {early * 1000:.0f} ms early, {late * 1000:.0f} ms at the end"
        )
    assert late <= 2 * early

    with closing(sqlite3.connect(assistant.tracker_db)) as connection:
        (sessions,) = connection.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'session_started'", (visitor,)
        ).fetchone()
    assert sessions >= TURNS // DEFAULT_MAX_TURNS

    # The thing in focus crosses a new session: turn 1,001 opens one (1,000 is a multiple of the limit: turn
    # 1,000 was the last, costliest turn of its session), and "where exactly?" is still about Gap.
    assert TURNS % DEFAULT_MAX_TURNS == 0
    reply = assistant.texts("c'est où exactement ?", visitor)
    assert "Gap" in reply, reply
    with closing(sqlite3.connect(assistant.tracker_db)) as connection:
        (after,) = connection.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'session_started'", (visitor,)
        ).fetchone()
    assert after == sessions + 1
