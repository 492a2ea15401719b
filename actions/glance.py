"""Answers read at a glance: no bubble over FIRST_BUBBLE_MAX_WORDS words; the rest on request.

An answer's message over the limit is cut after its last whole line (a fact, a list item) that fits, or else its
last whole sentence, and keeps its sources line; the answer's last message gets the quick reply "En savoir plus".
What was cut waits in the slot `more` until the visitor asks for it (ActionAnswerMore). The
rules, for whoever writes answers: docs/maintainers.md, "Des réponses lues d'un coup d'œil".
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import words
from actions.replies import cites_sources

MORE_SLOT = "more"
MORE_INTENT = "ask_more"
FIRST_BUBBLE_MAX_WORDS = 60
# A need's whole answer: what the centre does for it, how and where, and the public services that fit.
NEED_MAX_WORDS = 90

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[^\W_]")  # a token with a letter or a digit is a word; "-", ":", "?" alone are not
# A sentence ends with . ! ? or … before a space and a capital, a digit, a quote or a list mark.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Ý0-9«\"(-])")


def visible_words(text: str) -> int:
    """The words a visitor reads in a bubble of markdown: a link counts by its title, not its address."""
    return sum(1 for token in _LINK.sub(r"\1", text).split() if _WORD.search(token))


def more_button() -> dict[str, str]:
    return {"title": words().MORE_BUTTON, "payload": f"/{MORE_INTENT}"}


def _fitting_sentences(line: str, budget: int) -> tuple[str, str]:
    """The line's first sentences within `budget` words (at least one), and the rest of the line."""
    sentences = _SENTENCE_END.split(line)
    taken = 1
    while taken < len(sentences) and visible_words(" ".join(sentences[: taken + 1])) <= budget:
        taken += 1
    return " ".join(sentences[:taken]), " ".join(sentences[taken:])


def cut(text: str, limit: int = FIRST_BUBBLE_MAX_WORDS) -> tuple[str, str] | None:
    """A message over `limit` words as its lead (whole lines, else whole sentences, that fit) and its rest, each
    with the message's sources line; None when it fits, or when no whole sentence does."""
    if visible_words(text) <= limit:
        return None
    lines = text.strip().split("\n")
    sources = lines.pop() if cites_sources(text) else ""
    budget = limit - visible_words(sources)
    taken: list[str] = []
    while lines and visible_words("\n".join([*taken, lines[0]])) <= budget:
        taken.append(lines.pop(0))
    # No whole line fits, or only a heading ("En quelques dates :"): the next line's first sentences do.
    if lines and all(not line.strip() or line.rstrip().endswith(":") for line in taken):
        room = budget - visible_words("\n".join(taken))
        lead, rest = _fitting_sentences(lines[0], room)
        if visible_words(lead) <= room:
            lines.pop(0)
            taken.append(lead)
            if rest:
                lines.insert(0, rest)
        elif any(visible_words(line) for line in taken):  # the heading alone, as a sentence of its own
            taken[-1] = taken[-1].rstrip().removesuffix(":").rstrip() + "."
        else:
            return None
    # A list's heading ("Vous pouvez aussi :") goes with its items.
    while len(taken) > 1 and (not taken[-1].strip() or taken[-1].rstrip().endswith(":")):
        lines.insert(0, taken.pop())
    if not any(visible_words(line) for line in lines):
        return None

    def with_sources(body: list[str]) -> str:
        return "\n".join(body).strip() + (f"\n\n{sources}" if sources else "")

    return with_sources(taken), with_sources(lines)


def at_a_glance(
    dispatcher: CollectingDispatcher, first_message: int, tracker: Tracker, events: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Cuts each of an action's messages (from `first_message` on) over the limit; their rests wait, in order, for
    "En savoir plus", the quick reply of the last message. The events to add (the slot `more`). An action that set
    the slot itself (ActionAnswerMore, or one answering through other actions) is left as it is."""
    if any(event.get("event") == "slot" and event.get("name") == MORE_SLOT for event in events):
        return []
    messages = dispatcher.messages[first_message:]
    rests = []
    for message in messages:
        parts = cut(str(message.get("text") or "")) if not message.get("buttons") else None
        if parts is not None:
            message["text"], rest = parts
            rests.append(rest)
    if rests and not messages[-1].get("buttons"):
        messages[-1]["buttons"] = [more_button()]
        return [SlotSet(MORE_SLOT, rests)]
    return [SlotSet(MORE_SLOT, None)] if tracker.get_slot(MORE_SLOT) else []
