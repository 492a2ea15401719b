"""Bounded load test of the running assistant's REST channel.

N conversations run in parallel, each of T sequential turns with its own sender id. Every turn's question has an
answer that names something specific to that conversation at that moment (a centre, or "gratuit"), so that a reply
delivered to the wrong conversation, or stale, is caught, not only slow or failed requests.

    .venv/bin/python -m devtools.load_test --url http://localhost:5005/webhooks/rest/webhook \\
        --conversations 50 --turns 20 [--timeout 60] [--json results/load.json]

Exit status 0 when every turn was answered as expected, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import aiohttp

from actions.knowledge_store import get_knowledge
from ops.settings import OperationsSettings

DEFAULT_URL = f"http://localhost:{OperationsSettings.default('RASA_PORT')}/webhooks/rest/webhook"
FREE_QUESTION = "C'est gratuit ?"
MAX_EXAMPLES = 5
ERROR_KINDS = ("http_status", "exception", "wrong_recipient", "unexpected_answer")


@dataclass(frozen=True)
class Turn:
    question: str
    expected: str  # must be in the joined reply texts (compared case-insensitively)
    forbidden: tuple[str, ...] = ()  # must not be: another conversation's answer


def centre_phrase(centre: str) -> str:
    # "Gap" alone would also match the list of all centres given for an unknown town: ask for the whole phrase.
    return f"{centre} fait partie des"


@lru_cache(maxsize=1)
def centres() -> tuple[str, ...]:
    """The associated centres, from the knowledge file (read at the first call, not at import); the bot
    answers "Oui, <centre> fait partie des ... centres associés"."""
    return tuple(centre.name for centre in get_knowledge().associated_centres)


def _centre_order(rng: random.Random) -> Iterator[str]:
    """The centres shuffled, reshuffled each round, never the same twice in a row (a stale reply would pass)."""
    previous = None
    while True:
        order = list(centres())
        rng.shuffle(order)
        if order[0] == previous:
            order[0], order[-1] = order[-1], order[0]
        yield from order
        previous = order[-1]


def conversation_plan(index: int, turns: int) -> list[Turn]:
    """The turns of conversation `index`: seeded by the index, so that conversations ask about different centres at
    the same time and a run can be reproduced. Every 5th turn asks afresh, the 4th of each five asks whether it is
    free, the others are follow-ups ("et à Istres ?") that only make sense within the conversation."""
    centre_order = _centre_order(random.Random(index))
    plan = []
    for turn in range(turns):
        if turn % 5 == 3:
            plan.append(Turn(FREE_QUESTION, "gratuit", tuple(centre_phrase(c) for c in centres())))
            continue
        centre = next(centre_order)
        question = f"Avez-vous un centre à {centre} ?" if turn % 5 == 0 else f"et à {centre} ?"
        others = tuple(centre_phrase(c) for c in centres() if c != centre)
        plan.append(Turn(question, centre_phrase(centre), others))
    return plan


@dataclass
class LoadResult:
    url: str
    conversations: int
    turns: int
    answered: int = 0  # HTTP 200 with a non-empty list of replies
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ERROR_KINDS, 0))
    examples: list[dict[str, str]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)  # of every request that got an HTTP response
    wall_time_s: float = 0.0

    @property
    def expected_turns(self) -> int:
        return self.conversations * self.turns

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())

    @property
    def ok(self) -> bool:
        return self.total_errors == 0 and self.answered == self.expected_turns

    @property
    def turns_per_second(self) -> float:
        return self.answered / self.wall_time_s if self.wall_time_s > 0 else 0.0

    def percentile_ms(self, percent: float) -> float:
        """Nearest-rank percentile (no interpolation: every figure is a latency that was really measured)."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]

    def record_error(self, kind: str, sender: str, question: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append({"kind": kind, "sender": sender, "question": question, "reply": detail[:300]})

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "ok": self.ok,
            "conversations": self.conversations,
            "turns_per_conversation": self.turns,
            "turns_expected": self.expected_turns,
            "turns_answered": self.answered,
            "errors": dict(self.errors),
            "error_examples": self.examples,
            "wall_time_s": round(self.wall_time_s, 3),
            "turns_per_second": round(self.turns_per_second, 2),
            "latency_ms": {
                name: round(self.percentile_ms(p), 1) if self.latencies_ms else None
                for name, p in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
            },
        }

    def summary(self) -> str:
        errors = ", ".join(f"{kind} {count}" for kind, count in self.errors.items())
        latency = " / ".join(f"{self.percentile_ms(p):.0f}" for p in (50, 95, 99, 100)) if self.latencies_ms else "n/a"
        lines = [
            f"Load test of {self.url}: {'OK' if self.ok else 'FAILED'}",
            f"  conversations:     {self.conversations} in parallel, {self.turns} turns each",
            f"  turns answered:    {self.answered} / {self.expected_turns}",
            f"  errors:            {self.total_errors} ({errors})",
            f"  wall time:         {self.wall_time_s:.1f} s",
            f"  throughput:        {self.turns_per_second:.2f} turns/s",
            f"  latency ms:        p50 / p95 / p99 / max = {latency}",
        ]
        lines += [f"  - {e['kind']}: {e['sender']} asked {e['question']!r}: {e['reply']!r}" for e in self.examples]
        return "\n".join(lines)


async def _ask(
    session: aiohttp.ClientSession, url: str, sender: str, turn: Turn, timeout: float, result: LoadResult
) -> None:
    """One turn: send, time, check; any failure is counted, never raised, so the conversation goes on."""
    started = time.perf_counter()
    try:
        async with session.post(
            url, json={"sender": sender, "message": turn.question}, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            body = await response.text()
            status = response.status
    except asyncio.TimeoutError:
        result.record_error("exception", sender, turn.question, f"no reply within {timeout:g} s")
        return
    except Exception as error:  # connection refused, reset, bad encoding...: counted, the run goes on
        result.record_error("exception", sender, turn.question, f"{type(error).__name__}: {error}")
        return
    result.latencies_ms.append((time.perf_counter() - started) * 1000)

    if status != 200:
        result.record_error("http_status", sender, turn.question, f"HTTP {status}: {body}")
        return
    try:
        replies = json.loads(body)
    except json.JSONDecodeError:
        replies = None
    if not isinstance(replies, list) or not replies or not all(isinstance(reply, dict) for reply in replies):
        result.record_error("unexpected_answer", sender, turn.question, f"not a non-empty list of replies: {body}")
        return
    result.answered += 1

    recipients = {reply.get("recipient_id") for reply in replies}
    if recipients != {sender}:
        result.record_error("wrong_recipient", sender, turn.question, f"recipients {sorted(map(str, recipients))}")
    text = "\n".join(str(reply.get("text") or "") for reply in replies)
    folded = text.casefold()
    if turn.expected.casefold() not in folded or any(other.casefold() in folded for other in turn.forbidden):
        result.record_error("unexpected_answer", sender, turn.question, f"expected {turn.expected!r}, got {text}")


async def _conversation(
    session: aiohttp.ClientSession, url: str, index: int, turns: int, timeout: float, result: LoadResult
) -> None:
    sender = f"load-{uuid.uuid4().hex}"  # random: a rerun never continues an earlier run's tracker
    for turn in conversation_plan(index, turns):
        await _ask(session, url, sender, turn, timeout, result)


async def run_load(url: str = DEFAULT_URL, conversations: int = 50, turns: int = 20, timeout: float = 60) -> LoadResult:
    """Runs the conversations in parallel and returns what was measured (single event loop: no locking needed)."""
    if conversations < 1 or turns < 1 or timeout <= 0:
        raise ValueError("conversations and turns must be at least 1, and timeout positive")
    result = LoadResult(url=url, conversations=conversations, turns=turns)
    # One connection per conversation, so that the client's pool never queues requests and hides server latency.
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(_conversation(session, url, k, turns, timeout, result) for k in range(conversations)))
        result.wall_time_s = time.perf_counter() - started
    return result


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bounded load test of the assistant's REST channel.")
    parser.add_argument("--url", default=DEFAULT_URL, help=f"REST webhook (default {DEFAULT_URL})")
    parser.add_argument("--conversations", type=_positive_int, default=50, help="parallel conversations (50)")
    parser.add_argument("--turns", type=_positive_int, default=20, help="sequential turns per conversation (20)")
    parser.add_argument("--timeout", type=_positive_float, default=60.0, help="seconds allowed per turn (60)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the summary as JSON to PATH")
    args = parser.parse_args(argv)

    result = asyncio.run(run_load(args.url, args.conversations, args.turns, args.timeout))
    print(result.summary())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
