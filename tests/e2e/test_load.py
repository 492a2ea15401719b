"""The bounded load test (devtools/load_test.py) against the real assistant: parallel conversations must all be
answered, each with its own replies. Size: LOAD_CONVERSATIONS (default 50) x LOAD_TURNS (default 20)."""

from __future__ import annotations

import os

from devtools.load_test import run_load
from tests.e2e.conftest import Assistant


async def test_parallel_conversations_are_all_answered_to_the_right_sender(assistant: Assistant, capsys):
    conversations = int(os.environ.get("LOAD_CONVERSATIONS", "50"))
    turns = int(os.environ.get("LOAD_TURNS", "20"))

    result = await run_load(assistant.rest_url, conversations, turns, timeout=60)
    with capsys.disabled():  # what the load held, in the output of every run
        print(f"\n{result.summary()}")

    assert result.errors["wrong_recipient"] == 0, result.summary()
    assert result.total_errors == 0, result.summary()
    assert result.answered == conversations * turns, result.summary()
