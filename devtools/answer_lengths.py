"""How long the bot's answers are, read as a visitor reads them: the held-out NLU messages (tests/nlu/holdout*.yml),
each as a conversation's first message, asked of the real assistant through REST (one reply, one bubble).
Run by devtools/evaluate_conversations.py on its servers; gated by devtools/evaluation_summary.py.

Words are those on screen: a link counts by its title, not its address; list marks and emphasis do not count.
The rules (docs/maintainers.md, "Des réponses lues d'un coup d'œil"): the first bubble of any answer at most
FIRST_BUBBLE_MAX_WORDS words, a need's whole answer at most NEED_MAX_WORDS; the rest on request ("En savoir plus").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from actions.glance import FIRST_BUBBLE_MAX_WORDS, NEED_MAX_WORDS, visible_words

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HOLDOUT_FILES = {"fr": PROJECT_ROOT / "tests/nlu/holdout.yml", "en": PROJECT_ROOT / "tests/nlu/holdout_en.yml"}
NEED_INTENT = "ask_need"


@dataclass(frozen=True)
class Answer:
    """The bot's answer to one held-out message: its bubbles' word counts."""

    intent: str
    language: str
    text: str
    bubbles: tuple[int, ...]
    replies: tuple[str, ...] = ()

    @property
    def first(self) -> int:
        return self.bubbles[0] if self.bubbles else 0

    @property
    def total(self) -> int:
        return sum(self.bubbles)


def holdout_messages(files: dict[str, Path] = HOLDOUT_FILES) -> list[tuple[str, str, str]]:
    """(intent, language, text) of each held-out example, its entity marks removed."""
    from rasa.shared.nlu.training_data.loading import load_data  # Rasa's reader of its own format

    messages = []
    for language, path in files.items():
        for example in load_data(str(path)).intent_examples:
            messages.append((str(example.get("intent")), language, str(example.get("text"))))
    return messages


def measure(ask: Callable[[str], list[str]], messages: Iterable[tuple[str, str, str]]) -> list[Answer]:
    answers = []
    for intent, language, text in messages:
        replies = [reply for reply in ask(text) if reply.strip()]
        answers.append(Answer(intent, language, text, tuple(visible_words(reply) for reply in replies), tuple(replies)))
    return answers


def _spread(values: list[int]) -> dict[str, float]:
    ordered = sorted(values) or [0]
    return {
        "median": float(statistics.median(ordered)),
        "p90": float(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]),
        "largest": float(ordered[-1]),
    }


def lengths_summary(answers: list[Answer]) -> dict[str, Any]:
    """Median, 90th percentile and largest, of the first bubble and of the whole answer, overall and per intent;
    the answers over the rules, longest first."""
    by_intent: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_intent[answer.intent].append(answer)
    too_long = [
        answer
        for answer in answers
        if answer.first > FIRST_BUBBLE_MAX_WORDS or (answer.intent == NEED_INTENT and answer.total > NEED_MAX_WORDS)
    ]
    return {
        "messages": len(answers),
        "first_bubble": _spread([answer.first for answer in answers]),
        "whole_answer": _spread([answer.total for answer in answers]),
        "need_whole_answer": _spread([answer.total for answer in by_intent.get(NEED_INTENT, [])]),
        "per_intent": {
            intent: {
                "messages": len(group),
                "first_bubble": _spread([answer.first for answer in group]),
                "whole_answer": _spread([answer.total for answer in group]),
            }
            for intent, group in sorted(by_intent.items())
        },
        "limits": {"first_bubble": FIRST_BUBBLE_MAX_WORDS, "need_whole_answer": NEED_MAX_WORDS},
        "over_limits": [
            {key: value for key, value in asdict(answer).items() if key != "replies"}
            for answer in sorted(too_long, key=lambda answer: -answer.total)
        ],
    }


def print_summary(summary: dict[str, Any]) -> None:
    first, whole, need = summary["first_bubble"], summary["whole_answer"], summary["need_whole_answer"]

    def spread(figures: dict[str, float]) -> str:
        return f"median {figures['median']:.0f}, p90 {figures['p90']:.0f}, largest {figures['largest']:.0f}"

    print(f"answer lengths on {summary['messages']} held-out messages, in words:")
    print(f"  first bubble: {spread(first)} (limit {FIRST_BUBBLE_MAX_WORDS})")
    print(f"  whole answer: {spread(whole)}; a need's: {spread(need)} (limit {NEED_MAX_WORDS})")
    print(f"  over the limits: {len(summary['over_limits'])}")
    for answer in summary["over_limits"]:
        print(f"  {answer['intent']} ({answer['language']}) {list(answer['bubbles'])}: {answer['text'][:70]}")


def main(argv: list[str] | None = None) -> int:
    """Only the lengths, on servers of their own (`make evaluate` measures them with the conversations)."""
    import argparse
    import json
    import tempfile

    from devtools.bench import Servers
    from devtools.evaluate_conversations import ask_first

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models")
    parser.add_argument("--out", type=Path, default=None, help="also write every answer's word counts (JSON)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cdm-lengths-") as folder:
        servers = Servers(args.model, Path(folder) / "servers.log")
        try:
            servers.wait_for_first_answer()
            ask = ask_first(servers.rest_url, Path(folder) / "servers.db")
            answers = measure(lambda text: ask(text)[0], holdout_messages())
        finally:
            servers.stop()
    summary = lengths_summary(answers)
    print_summary(summary)
    if args.out:
        args.out.write_text(json.dumps([asdict(answer) for answer in answers], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
