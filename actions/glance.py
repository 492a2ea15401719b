"""Answers read at a glance: no bubble over FIRST_BUBBLE_MAX_WORDS words; the rest on request.

An answer's message over the limit is cut after its last whole line (a fact, a list item) that fits, or else
its last whole sentence, the line that answers the visitor's question first; it keeps its sources line, and the
answer's last message gets the quick reply "En savoir plus". What was cut waits in the slot `more` until the
visitor asks for it (ActionAnswerMore). The rules, for whoever writes answers: docs/maintainers.md, "Des
réponses lues d'un coup d'œil".
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fact_search import found_fact
from actions.knowledge.text import normalise
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
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


# Words too common in questions and answers about the centre to tell one fact from another.
_COMMON = frozenset(
    "avec dans pour quel quelle quels quelles vous votre vos nous notre elle elles sont cette ceux celle "
    "quoi comment combien quand depuis est-ce what which with your have does when where that this from about "
    "there their they cite cites metier metiers marseille provence alpes cote azur".split()
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _content_words(text: str) -> set[str]:
    return {word for word in normalise(text).split() if (len(word) >= 4 or _YEAR.match(word)) and word not in _COMMON}


def _asked(line: str, question_words: set[str]) -> bool:
    """Whether a line of the answer says what the question asks: two of its words, or a year it names."""
    shared = _content_words(line) & question_words
    return len(shared) >= 2 or any(_YEAR.match(word) for word in shared)


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


def _asked_first(lines: list[str], question: str, budget: int, asked_fact: str = "") -> list[str]:
    """The lines, with the one that says what the question asks moved up (after the headings) when it would not be
    in the lead: the answer to the question first, the rest of the topic after it. That line says the words of
    `asked_fact` (the fact search's answer to the question), else shares the most words with the question."""
    question_words = _content_words(question)
    scores = [len(_content_words(line) & question_words) if _asked(line, question_words) else 0 for line in lines]
    fact_words = _content_words(asked_fact)
    if fact_words:
        # The line that says the fact: its words (a timeline says "ouvre au public en mars 2005" of the fact
        # "a ouvert ses portes au public en mars 2005").
        said = [len(_content_words(line) & fact_words) for line in lines]
        best_said = max(range(len(lines)), key=lambda index: said[index], default=0)
        if lines and said[best_said] >= min(3, len(fact_words)):
            scores[best_said] = 100
    best = max(range(len(lines)), key=lambda index: scores[index], default=0)
    headings = 0
    while headings < len(lines) and lines[headings].rstrip().endswith(":"):
        headings += 1
    in_lead = 0
    while in_lead < len(lines) and visible_words("\n".join(lines[: in_lead + 1])) <= budget:
        in_lead += 1
    if not scores or scores[best] == 0 or best < in_lead or best < headings:
        return lines
    return [*lines[:headings], lines[best], *lines[headings:best], *lines[best + 1 :]]


def cut(
    text: str, limit: int = FIRST_BUBBLE_MAX_WORDS, question: str = "", asked_fact: str = ""
) -> tuple[str, str] | None:
    """A message over `limit` words as its lead (whole lines, else whole sentences, that fit) and its rest, each
    with the message's sources line; None when it fits, or when no whole sentence does. The line that says what
    `question` asks (the one holding `asked_fact`, if given) comes in the lead, when it can."""
    if visible_words(text) <= limit:
        return None
    lines = text.strip().split("\n")
    sources = lines.pop() if cites_sources(text) else ""
    budget = limit - visible_words(sources)
    parts = None
    if question:
        parts = _cut_lines(_asked_first(lines, question, budget, asked_fact), budget)
    parts = parts or _cut_lines(lines, budget)
    if parts is None:
        return None

    def with_sources(body: list[str]) -> str:
        return "\n".join(body).strip() + (f"\n\n{sources}" if sources else "")

    return with_sources(parts[0]), with_sources(parts[1])


def _cut_lines(lines: list[str], budget: int) -> tuple[list[str], list[str]] | None:
    """The lead's lines (whole lines, else whole sentences, within `budget` words) and the rest's; None if none."""
    lines = list(lines)
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
        elif visible_words(lines[0]) <= budget:  # the line alone; the heading goes before the rest
            lines[1:1] = taken
            taken = [lines.pop(0)]
        elif any(visible_words(line) for line in taken):  # the heading alone, as a sentence of its own
            taken[-1] = taken[-1].rstrip().removesuffix(":").rstrip() + "."
        else:
            return None
    # A list's heading ("Vous pouvez aussi :") goes with its items.
    while len(taken) > 1 and (not taken[-1].strip() or taken[-1].rstrip().endswith(":")):
        lines.insert(0, taken.pop())
    if not any(visible_words(line) for line in lines):
        return None
    return taken, lines


def at_a_glance(
    dispatcher: CollectingDispatcher, first_message: int, tracker: Tracker, events: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Cuts each of an action's messages (from `first_message` on) over the limit; their rests wait, in order, for
    "En savoir plus", the quick reply of the last message. The events to add (the slot `more`). An action that set
    the slot itself (ActionAnswerMore, or one answering through other actions) is left as it is."""
    if any(event.get("event") == "slot" and event.get("name") == MORE_SLOT for event in events):
        return []
    messages = dispatcher.messages[first_message:]
    # "En savoir plus" asks for no fact: the rest stays in its order.
    asking_more = (tracker.latest_message.get("intent") or {}).get("name") == MORE_INTENT
    question = "" if asking_more else str(tracker.latest_message.get("text") or "")
    asked_fact: str | None = None
    rests = []
    for message in messages:
        text = str(message.get("text") or "")
        if visible_words(text) <= FIRST_BUBBLE_MAX_WORDS or message.get("buttons"):
            continue
        if asked_fact is None:  # looked up once, for the first message to cut
            found = found_fact(get_knowledge(), question) if question else None
            asked_fact = found.entry.text_in(turn_language()) if found else ""
        parts = cut(text, question=question, asked_fact=asked_fact)
        if parts is not None:
            message["text"], rest = parts
            rests.append(rest)
    if rests and not messages[-1].get("buttons"):
        messages[-1]["buttons"] = [more_button()]
        return [SlotSet(MORE_SLOT, rests)]
    return [SlotSet(MORE_SLOT, None)] if tracker.get_slot(MORE_SLOT) else []
