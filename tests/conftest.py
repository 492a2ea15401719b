"""Shared helpers and fixtures: trackers and a dispatcher for action tests (as in Rasa's demo assistants), and
knowledge files to break or extend."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE
from actions.knowledge_store import KNOWLEDGE_FILE_ENV, get_knowledge

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Asked:
    """A question asked earlier in the conversation, and what answered it (the `answer` and `focus` slots)."""

    text: str
    intent: str
    entities: Sequence[tuple[str, str]] = ()
    answers: Sequence[str] = ()
    focus: str | None = None


def _parse_data(text: str, intent: str, entities: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.98},
        "entities": [{"entity": name, "value": value, "start": 0, "end": len(value)} for name, value in entities],
    }


def history_events(history: Sequence[Asked]) -> list[dict[str, Any]]:
    """The tracker's events of earlier questions, as the Rasa server sends them to the action server."""
    events: list[dict[str, Any]] = []
    for asked in history:
        events.append(
            {"event": "user", "text": asked.text, "parse_data": _parse_data(asked.text, asked.intent, asked.entities)}
        )
        events += [{"event": "slot", "name": "answer", "value": answer} for answer in asked.answers]
        if asked.focus is not None:
            events.append({"event": "slot", "name": "focus", "value": asked.focus})
    return events


def make_tracker(
    text: str,
    intent: str,
    entities: Sequence[tuple[str, str]] = (),
    focus: str | None = None,
    ranking: Sequence[tuple[str, float]] = (),
    language: str = "fr",
    history: Sequence[Asked] = (),
) -> Tracker:
    """A tracker whose latest message is `text`, classified as `intent` with `entities` (name, value),
    with `focus` as the thing in focus ("centre:gap"), `ranking` as the NLU's intent ranking, `language`
    as the conversation's language (the slot) and `history` the questions asked before (their focus, if
    `focus` is not given, is the last one's)."""
    latest_message = {
        **_parse_data(text, intent, entities),
        "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking],
    }
    if focus is None and history:
        focus = next((asked.focus for asked in reversed(history) if asked.focus), None)
    events = (
        [*history_events(history), {"event": "user", "text": text, "parse_data": latest_message}] if history else []
    )
    return Tracker(
        sender_id="test-visitor",
        slots={"focus": focus, "language": language},
        latest_message=latest_message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def run_action_with_events(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action as the action server would; return its messages and its events.

    An action may only set slots the domain declares: the thing in focus, nothing else.
    """
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    for event in events:
        assert event["event"] == "slot" and event["name"] in DOMAIN["slots"], event
    for message in dispatcher.messages:
        text = message["text"]
        assert "{" not in text and "}" not in text, f"unfilled placeholder in: {text}"
    return dispatcher.messages, events


async def run_action(action: Any, tracker: Tracker) -> list[str]:
    """Run an action as the action server would; return the texts of its replies, followed by the rest of its
    answer that waits for "En savoir plus" (actions/glance.py): the whole answer, as a visitor can read it."""
    messages, events = await run_action_with_events(action, tracker)
    rest = [event["value"] for event in events if event["name"] == "more"]
    return [message["text"] for message in messages] + (rest[-1] if rest and rest[-1] else [])


async def run_answer(action: Any, tracker: Tracker) -> str:
    """The whole answer as one text (its bubbles and the rest on "En savoir plus"), for what it says."""
    return "\n\n".join(await run_action(action, tracker))


async def focus_after(action: Any, tracker: Tracker) -> str | None:
    """The thing in focus after the action ran (the `focus` slot's last value), or None if it set none."""
    _, events = await run_action_with_events(action, tracker)
    values = [event["value"] for event in events if event["name"] == "focus"]
    return values[-1] if values else None


@pytest.fixture
def knowledge_data() -> dict[str, Any]:
    """A deep copy of the real knowledge file's content, to alter in a test."""
    return copy.deepcopy(yaml.safe_load(DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")))


@pytest.fixture
def write_knowledge(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / "knowledge.yml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def use_knowledge_file(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Point the actions at another knowledge file, as CDM_KNOWLEDGE_FILE does for the action server."""

    def use(path: Path) -> None:
        monkeypatch.setenv(KNOWLEDGE_FILE_ENV, str(path))
        get_knowledge.cache_clear()

    yield use
    get_knowledge.cache_clear()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server of `handler` (the review page's) on a free loopback port, in a thread: its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def with_a_model(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A models folder of its own with one model file, so that the tests run before any training (CI's order)."""
    models = folder / "models"
    models.mkdir()
    (models / "20260101-000000-000000000000.tar.gz").write_bytes(b"a model file: the tests using it start no server")
    monkeypatch.setenv("RASA_MODEL", str(models))
