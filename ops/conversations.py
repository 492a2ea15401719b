"""Visitors' turns read back from the tracker store, for the review of failures and the weekly report.

A turn is one visitor message and what the bot did with it: the masked text (the guard masked it before
Rasa stored it), the intent the NLU predicted and its confidence (and the next likeliest intents), the
actions that answered and the bot's answer, the response time, and the rating the visitor gave the answer
(`rate_answer`, 👍 / 👎), if any; and, to judge it in context, the turn before in the same conversation
(the visitor's previous message and the bot's answer to it). The bot's answers hold nothing of the visitor
but the masked text (the NLU and the actions only ever see it), so they are as masked as the messages.
A turn keeps its day, never the time of day, and no conversation id: what leaves this module identifies
nobody.
Conversations are only counted (`Turn.conversation` numbers them within one reading).

The parsing (`turns_from_events`) is pure: it reads Rasa's serialised events, so the unit tests feed it
events without a database. `read_conversations` reads them from the store `endpoints.yml` configures (SQLite
here, PostgreSQL in a scaled deployment), through Rasa's own SQLTrackerStore, as `make purge` does.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actions.names import (
    ASK_AFFIRMATION_ACTION,
    ASK_REPHRASE_ACTION,
    DEFAULT_FALLBACK_ACTION,
    DONT_KNOW_ACTION,
    HELPFUL,
    NOT_HELPFUL,
    NOT_IN_SOURCES_ACTION,
    OUT_OF_SCOPE_ACTION,
    RATING_ENTITY,
    RATING_INTENT,
    TWO_STAGE_FALLBACK_ACTION,
)
from ops import settings

if TYPE_CHECKING:
    from rasa.core.tracker_store import SQLTrackerStore

# The bot's honest "I don't know" or "not my subject": the visitor's message was not answered.
NOT_UNDERSTOOD_ACTIONS = frozenset(
    {
        TWO_STAGE_FALLBACK_ACTION,
        ASK_AFFIRMATION_ACTION,
        ASK_REPHRASE_ACTION,
        DEFAULT_FALLBACK_ACTION,
        DONT_KNOW_ACTION,
        OUT_OF_SCOPE_ACTION,
    }
)
# The question was understood, but the sources do not hold the answer (parking, phone, events...).
UNKNOWN_ANSWER_ACTIONS = frozenset({NOT_IN_SOURCES_ACTION})
FALLBACK_INTENT = "nlu_fallback"
# Rasa's bookkeeping actions, not answers.
_BOOKKEEPING_ACTIONS = frozenset({"action_listen", "action_session_start", "action_unlikely_intent"})


@dataclass
class Turn:
    """One visitor message and the bot's answer to it."""

    day: date
    # Which conversation of this reading the turn belongs to (0, 1, 2...): to count conversations, not
    # Rasa's conversation id, which never leaves this module.
    conversation: int
    text: str
    language: str
    intent: str
    confidence: float
    # The confidence of the second most likely intent: a small margin means the NLU hesitated.
    runner_up_confidence: float
    fell_back: bool = False
    actions: list[str] = field(default_factory=list)
    response_seconds: float | None = None
    rating: str | None = None
    # The bot's answer to this message: its messages' texts (and its buttons' titles), one message per line.
    answer: str = ""
    # The turn before in the same conversation: the visitor's message and the bot's answer ("" for none).
    previous_text: str = ""
    previous_answer: str = ""
    # The likeliest intents after the first, with their confidences (the NLU's ranking, at most 3).
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @property
    def not_understood(self) -> bool:
        return self.fell_back or any(action in NOT_UNDERSTOOD_ACTIONS for action in self.actions)

    @property
    def unknown_answer(self) -> bool:
        return any(action in UNKNOWN_ANSWER_ACTIONS for action in self.actions)

    @property
    def is_payload(self) -> bool:
        """A button's payload ("/greet{...}", "/ask_free") rather than words the visitor typed."""
        return self.text.startswith("/")

    @property
    def is_widget_opening(self) -> bool:
        """The greeting the widget sends by itself when it opens (web/chat.js), not a visitor's turn."""
        return self.is_payload and self.intent == "greet"


@dataclass
class Conversations:
    """Every turn kept in the store."""

    turns: list[Turn]


def _day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).date()


def _alternatives(parse_data: dict[str, Any], intent: str) -> list[tuple[str, float]]:
    """The next likeliest intents after `intent`, with their confidences, at most 3."""
    ranked = [
        (str(ranked.get("name")), float(ranked.get("confidence") or 0.0))
        for ranked in parse_data.get("intent_ranking") or []
        if ranked.get("name") not in (FALLBACK_INTENT, intent, None)
    ]
    return ranked[:3]


def _predicted(parse_data: dict[str, Any]) -> tuple[str, float, float, bool]:
    """The intent the NLU found most likely, its confidence, the runner-up's, and whether it fell back.

    When the FallbackClassifier replaced the intent by `nlu_fallback`, the intent kept is the one it
    hesitated on (the first real one of the ranking): a maintainer sees what the NLU thought.
    """
    ranking = [ranked for ranked in parse_data.get("intent_ranking") or [] if ranked.get("name") != FALLBACK_INTENT]
    confidences = [float(ranked.get("confidence") or 0.0) for ranked in ranking]
    runner_up = confidences[1] if len(confidences) > 1 else 0.0
    intent = parse_data.get("intent") or {}
    fell_back = intent.get("name") == FALLBACK_INTENT
    if fell_back or not intent.get("name"):
        name = str(ranking[0].get("name")) if ranking else FALLBACK_INTENT
        return name, confidences[0] if confidences else 0.0, runner_up, True
    return str(intent["name"]), float(intent.get("confidence") or 0.0), runner_up, False


def _rating(parse_data: dict[str, Any]) -> str | None:
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") == RATING_ENTITY and entity.get("value") in (HELPFUL, NOT_HELPFUL):
            return str(entity["value"])
    return None


def _language_of_message(parse_data: dict[str, Any]) -> str | None:
    """The language the NLU found the message written in (rasa_extensions/language_id.py), if it was sure."""
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") == "language" and entity.get("value") in ("fr", "en"):
            return str(entity["value"])
    return None


# Rasa's intent of the message that opens a new session (rasa.shared.core.constants.USER_INTENT_SESSION_START).
SESSION_START_INTENT = "session_start"


def turns_from_events(events: Iterable[dict[str, Any]], conversation: int = 0, language: str = "fr") -> list[Turn]:
    """The turns of one conversation, from its serialised events in order.

    A `rate_answer` message is not a turn: its rating goes to the turn whose answer it rates, the last
    one before it. Nor is the `/session_start` the Rasa server's guard sends before every
    MAX_TURNS_PER_SESSION-th message (rasa_extensions/session_limit.py): the visitor never typed it.
    """
    turns: list[Turn] = []
    current: Turn | None = None
    # Whether the current message's own language is known (the NLU's `language` entity): a turn records the
    # language the visitor wrote in, not the conversation's.
    own_language = False
    asked_at = 0.0
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "language" and event.get("value") in ("fr", "en"):
            language = str(event["value"])
            if current is not None and not own_language:
                current.language = language
        elif kind == "user":
            parse_data = event.get("parse_data") or {}
            if (parse_data.get("intent") or {}).get("name") == SESSION_START_INTENT:
                continue
            if (parse_data.get("intent") or {}).get("name") == RATING_INTENT:
                if turns:
                    turns[-1].rating = _rating(parse_data) or turns[-1].rating
                current = None
                continue
            intent, confidence, runner_up, fell_back = _predicted(parse_data)
            asked_at = float(event.get("timestamp") or 0.0)
            text = str(event.get("text") or "")
            written_in = _language_of_message(parse_data)
            own_language = written_in is not None
            current = Turn(
                _day(asked_at), conversation, text, written_in or language, intent, confidence, runner_up, fell_back
            )
            current.alternatives = _alternatives(parse_data, intent)
            if turns:
                current.previous_text, current.previous_answer = turns[-1].text, turns[-1].answer
            turns.append(current)
        elif current is not None and kind == "action" and event.get("name") not in _BOOKKEEPING_ACTIONS:
            current.actions.append(str(event.get("name")))
        elif current is not None and kind == "bot":
            if current.response_seconds is None:
                current.response_seconds = max(0.0, float(event.get("timestamp") or 0.0) - asked_at)
            said = str(event.get("text") or "").strip()
            # The buttons it offered ("Vouliez-vous dire : [Les horaires] [Est-ce gratuit ?]"), by their titles.
            buttons = (event.get("data") or {}).get("buttons") or []
            titles = " ".join(f"[{button.get('title')}]" for button in buttons if isinstance(button, dict))
            said = f"{said} {titles}".strip()
            if said:
                current.answer = f"{current.answer}\n{said}" if current.answer else said
    return turns


def conversations_from_events(events_by_conversation: Iterable[list[dict[str, Any]]]) -> Conversations:
    turns: list[Turn] = []
    for number, events in enumerate(events_by_conversation):
        turns += turns_from_events(events, number)
    return Conversations(turns)


def tracker_store_from(endpoints_file: str) -> SQLTrackerStore:
    """The SQL tracker store that `endpoints_file` configures (its ${...} read from the environment, endpoints.yml's
    with their defaults)."""
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    settings.provide_endpoint_variables()
    # Rasa's dependencies warn about their own deprecations (not the maintainer's business), and add
    # warning filters of their own when imported: ignore again after the imports.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
        from rasa.core.utils import AvailableEndpoints

        warnings.simplefilter("ignore")
        endpoints = AvailableEndpoints.read_endpoints(endpoints_file)
        config = endpoints.tracker_store
        if config is not None and config.kwargs.get("dialect") == "sqlite" and config.kwargs.get("db"):
            # The SQLite file's folder (endpoints.yml's ${TRACKER_DB}), as the runner makes it at start.
            Path(config.kwargs["db"]).parent.mkdir(parents=True, exist_ok=True)
        store = TrackerStore.create(endpoints.tracker_store)
    if not isinstance(store, SQLTrackerStore):
        raise SystemExit(f"ERROR: {endpoints_file} configures no SQL tracker store: no conversations to read.")
    return store


def _events_by_conversation(store: SQLTrackerStore) -> Iterator[list[dict[str, Any]]]:
    event = store.SQLEvent
    with store.session_scope() as session:
        rows = session.query(event.sender_id, event.data).order_by(event.sender_id, event.id)
        sender: str | None = None
        events: list[dict[str, Any]] = []
        for row_sender, data in rows:
            if row_sender != sender and events:
                yield events
                events = []
            sender = row_sender
            events.append(json.loads(data))
        if events:
            yield events


def read_conversations(endpoints_file: str = "endpoints.yml") -> Conversations:
    return conversations_from_events(_events_by_conversation(tracker_store_from(endpoints_file)))
