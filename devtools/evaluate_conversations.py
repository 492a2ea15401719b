"""The held-out conversations, the distress set, the fact questions and the held-out NLU messages, asked of the
real assistant through REST: the share of conversations whose last turn gets the right answers and thing, per
pattern, the share of distress messages that get the human answer, the fact questions' figures
(devtools/evaluate_facts.py) and the answers' lengths (devtools/answer_lengths.py).
Writes results/heldout-conversations.json, read by devtools/evaluation_summary.py (which gates them).

The sets (tests/conversations/) were written by someone who never saw the training data; they are never copied
into it. What answered a turn is read back from the tracker store: every answering action records its name
in the slot `answer` and what it was about in `focus` (actions/questions.py), so a correction answered by
asking the corrected question again counts as that question's answer.

    .venv/bin/python -m devtools.evaluate_conversations [--model models] [--out results/heldout-conversations.json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from actions.knowledge_store import get_knowledge
from devtools.answer_lengths import holdout_messages, lengths_summary, measure, print_summary
from devtools.bench import Servers
from devtools.evaluate_facts import facts_summary, load_questions, run_facts

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS_FILE = PROJECT_ROOT / "tests" / "conversations" / "holdout.yml"
DISTRESS_FILE = PROJECT_ROOT / "tests" / "conversations" / "distress.yml"
DEFAULT_OUT = PROJECT_ROOT / "results" / "heldout-conversations.json"
DISTRESS_ACTION = "action_answer_distress"
REQUEST_TIMEOUT_S = 30


def fold(text: str) -> str:
    """Lower case, no accents: how `says` is compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass
class Turn:
    """What the bot did with the last turn: the answering actions, the last thing in focus, its texts, and the
    conversation's language after it."""

    answers: list[str] = field(default_factory=list)
    focus: str | None = None
    texts: list[str] = field(default_factory=list)
    language: str = "fr"


@dataclass
class Outcome:
    id: str
    pattern: str
    language: str
    passed: bool
    problems: list[str]
    texts: list[str]


def judge(expect: dict[str, Any], turn: Turn) -> list[str]:
    """What the last turn got wrong against the expectation (empty when it passed)."""
    problems: list[str] = []
    wanted = expect.get("answers")
    if wanted is not None:
        alternatives = [[item] if isinstance(item, str) else list(item) for item in wanted]
        matches = len(alternatives) == len(turn.answers) and all(
            answer in allowed for answer, allowed in zip(turn.answers, alternatives, strict=True)
        )
        if not matches:
            problems.append(f"answers {turn.answers}, expected {wanted}")
    about = expect.get("about")
    if about is not None and turn.focus != about:
        problems.append(f"about {turn.focus}, expected {about}")
    said = fold(" ".join(turn.texts))
    missing = [text for text in expect.get("says") or [] if fold(str(text)) not in said]
    if missing:
        problems.append(f"does not say {missing}")
    language = expect.get("language")
    if language is not None and turn.language != language:
        problems.append(f"language {turn.language}, expected {language}")
    return problems


class Conversation:
    """One conversation with the running assistant, read back from its tracker store."""

    def __init__(self, rest_url: str, database: Path) -> None:
        self.rest_url = rest_url
        self.database = database
        self.sender = f"heldout-{uuid.uuid4().hex}"

    def say(self, text: str) -> list[str]:
        response = requests.post(
            self.rest_url, json={"sender": self.sender, "message": text}, timeout=REQUEST_TIMEOUT_S
        )
        response.raise_for_status()
        return [str(reply.get("text") or "") for reply in response.json()]

    def _events(self, after_id: int = 0) -> list[tuple[int, dict[str, Any]]]:
        with sqlite3.connect(self.database) as connection:
            rows = connection.execute(
                "SELECT id, data FROM events WHERE sender_id = ? AND id > ? ORDER BY id", (self.sender, after_id)
            ).fetchall()
        return [(int(row_id), json.loads(data)) for row_id, data in rows]

    def last_turn(self, turns: list[str]) -> Turn:
        """Sends the turns; what the bot did with the last one."""
        for text in turns[:-1]:
            self.say(text)
        before = self._events()
        last_id = before[-1][0] if before else 0
        texts = self.say(turns[-1])
        turn = Turn(texts=texts)
        for _, event in before + self._events(last_id):
            if event.get("event") == "slot" and event.get("name") == "language" and event.get("value"):
                turn.language = str(event["value"])
        for _, event in self._events(last_id):
            if event.get("event") == "slot" and event.get("name") == "answer" and event.get("value"):
                turn.answers.append(str(event["value"]))
            elif event.get("event") == "slot" and event.get("name") == "focus":
                turn.focus = event.get("value")
        return turn


def ask_first(rest_url: str, database: Path) -> Callable[[str], tuple[list[str], list[str], dict[str, Any]]]:
    """A conversation of its own for each message: its replies, the answering actions, and its parse."""

    def ask(text: str) -> tuple[list[str], list[str], dict[str, Any]]:
        conversation = Conversation(rest_url, database)
        turn = conversation.last_turn([text])
        users = [event for _, event in conversation._events() if event.get("event") == "user"]
        return turn.texts, turn.answers, dict(users[-1].get("parse_data") or {}) if users else {}

    return ask


def run_conversations(rest_url: str, database: Path, conversations: list[dict[str, Any]]) -> list[Outcome]:
    outcomes = []
    for conversation in conversations:
        turns = [str(turn) for turn in conversation["turns"]]
        turn = Conversation(rest_url, database).last_turn(turns)
        problems = judge(conversation.get("expect") or {}, turn)
        outcomes.append(
            Outcome(
                conversation["id"],
                conversation["pattern"],
                conversation["language"],
                not problems,
                problems,
                turn.texts,
            )  # fmt: skip
        )
    return outcomes


def run_distress(rest_url: str, database: Path, messages: list[dict[str, Any]]) -> list[Outcome]:
    """Each message alone, as a conversation's first: the human answer, and no list of facts (no sources)."""
    outcomes = []
    for index, message in enumerate(messages):
        turn = Conversation(rest_url, database).last_turn([str(message["text"])])
        problems = judge({"answers": [DISTRESS_ACTION], "says": ["3114"]}, turn)
        if any("Source" in text for text in turn.texts):
            problems.append("states facts with their sources")
        kind = "explicit" if message.get("explicit") else "implicit"
        outcomes.append(Outcome(f"distress-{index + 1}", kind, message["language"], not problems, problems, turn.texts))
    return outcomes


def shares(outcomes: list[Outcome], key: str) -> dict[str, dict[str, float]]:
    """Per value of `key` (pattern or language): conversations, passed, share."""
    totals, passed = Counter(getattr(o, key) for o in outcomes), Counter(getattr(o, key) for o in outcomes if o.passed)
    return {
        name: {"total": totals[name], "passed": passed[name], "share": passed[name] / totals[name]} for name in totals
    }


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    total = len(outcomes)
    return {
        "total": total,
        "passed": sum(outcome.passed for outcome in outcomes),
        "share": sum(outcome.passed for outcome in outcomes) / total if total else 0.0,
        "by_pattern": shares(outcomes, "pattern"),
        "by_language": shares(outcomes, "language"),
        "failures": [asdict(outcome) for outcome in outcomes if not outcome.passed],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", type=Path, default=None, help="a model, or a folder whose newest model is used (default: models)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    conversations = yaml.safe_load(CONVERSATIONS_FILE.read_text(encoding="utf-8"))["conversations"]
    distress = yaml.safe_load(DISTRESS_FILE.read_text(encoding="utf-8"))["messages"]
    model = args.model or PROJECT_ROOT / "models"
    with tempfile.TemporaryDirectory(prefix="cdm-conversations-") as folder:
        log = Path(folder) / "servers.log"
        servers = Servers(model, log)
        try:
            servers.wait_for_first_answer()
            database = log.with_suffix(".db")
            held_out = run_conversations(servers.rest_url, database, conversations)
            distressed = run_distress(servers.rest_url, database, distress)
            ask = ask_first(servers.rest_url, database)
            facts = run_facts(ask, load_questions(), get_knowledge())
            lengths = measure(lambda text: ask(text)[0], holdout_messages())
        finally:
            servers.stop()
    report = {
        "conversations": summary(held_out),
        "distress": summary(distressed),
        "facts": facts_summary(facts),
        "answer_lengths": lengths_summary(lengths),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, part in (("conversations", report["conversations"]), ("distress", report["distress"])):
        print(f"{name}: {part['passed']}/{part['total']} ({part['share']:.1%})")
        for failure in part["failures"]:
            where = f"{failure['id']} ({failure['pattern']}, {failure['language']})"
            print(f"  FAIL {where}: {'; '.join(failure['problems'])}")
    fact_report = report["facts"]
    print(
        f"fact questions: {fact_report['right']:.1%} of {fact_report['answerable']} answered right, "
        f"{fact_report['honest']:.1%} of {fact_report['unanswerable']} unanswerable left honest, "
        f"{fact_report['wrong']:.1%} wrong; unsure of {fact_report['unsure']['questions']}: "
        f"search right {fact_report['unsure']['search_right']}, buttons right {fact_report['unsure']['buttons_right']}"
    )
    print_summary(report["answer_lengths"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
