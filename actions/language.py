"""The language of the turn: the actions answer in the visitor's language, French or English.

The Rasa server finds the language of each message (rasa_extensions/language_id.py) and keeps it in the slot
`language`, which a short or unclear message leaves unchanged; the widget sets it from the browser's
language. Each action reads the slot once, when it starts, and everything it says is then worded in that
language: `words()` gives the wording templates, `turn_language()` the language for the knowledge file's texts.
"""

from __future__ import annotations

import functools
from abc import ABCMeta, abstractmethod
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording, wording_en
from actions.knowledge.schema import Language
from actions.wording_type import Wording

SLOT = "language"
DEFAULT_LANGUAGE: Language = "fr"
# mypy checks each module against `Wording`: a template missing in one language is a type error here.
WORDING: dict[Language, Wording] = {"fr": wording, "en": wording_en}
# Set for the time of one action's run (each request to the action server runs in its own task).
_TURN_LANGUAGE: ContextVar[Language] = ContextVar("turn_language", default=DEFAULT_LANGUAGE)

RunMethod = Callable[[Any, CollectingDispatcher, Tracker, dict[str, Any]], Awaitable[list[dict[str, Any]]]]


def language_of(tracker: Tracker) -> Language:
    value = tracker.get_slot(SLOT)
    return "en" if value == "en" else DEFAULT_LANGUAGE


def turn_language() -> Language:
    return _TURN_LANGUAGE.get()


def words() -> Wording:
    """The wording templates of the turn's language: `words().FACTS`, as `actions.wording.FACTS`."""
    return WORDING[turn_language()]


def _in_turn_language(run: RunMethod) -> RunMethod:
    @functools.wraps(run)
    async def run_in_language(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        token = _TURN_LANGUAGE.set(language_of(tracker))
        first_message = len(dispatcher.messages)
        try:
            events = await run(self, dispatcher, tracker, domain)
            tag_language(dispatcher.messages[first_message:], events)
            return events
        finally:
            _TURN_LANGUAGE.reset(token)

    return run_in_language


def tag_language(messages: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    """Each message's language in its metadata, for the widget (`lang`, its own texts): the turn's, or the one
    the action switched to (its messages are in that one)."""
    language: str = turn_language()
    for event in events:
        if event.get("event") == "slot" and event.get("name") == SLOT and event.get("value") in WORDING:
            language = str(event["value"])
    for message in messages:
        message["metadata"] = {**(message.get("metadata") or {}), "language": language}


class BilingualAction(Action, metaclass=ABCMeta):
    """An action that answers in the turn's language: each subclass's `run` is wrapped to set it.

    Abstract, so that the action server registers only the actions themselves.
    """

    @abstractmethod
    def name(self) -> str: ...

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "run" in cls.__dict__:
            cls.run = _in_turn_language(cls.__dict__["run"])
