"""The conversation so far, read back from the tracker's events: the questions the visitor asked, what answered
each, and the last list given (by the visitor or by the bot).

What lets a follow-up point back: "non, je voulais dire Istres" (the last question, about Istres), "le deuxième"
(the second of the last list: "Gap, Istres et Martigues" as the visitor wrote it, or the bot's list of labels),
"pour revenir à ma première question", "in English please" (the last question again). Every answering action
records its name in the slot `answer` (actions/feedback.py), and the focus slot what it was about: the events
of a turn say what answered it, and the replay of a question is a pure function of the events before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from actions.knowledge.base import Knowledge
from actions.knowledge.text import normalise

ANSWER_SLOT = "answer"
FOCUS_SLOT = "focus"
# The intents whose answer is another question's, replayed (actions/followups.py, ActionAnswerFollowup).
INFORM = "inform"
GO_BACK = "go_back"
SWITCH_LANGUAGE = "switch_language"
FOLLOWUP_INTENTS = frozenset({INFORM, GO_BACK, SWITCH_LANGUAGE})
# The answers that take a centre, or a label, from the message: a question to ask again about another one.
TAKES_CENTRE = frozenset(
    {
        "action_answer_centres",
        "action_answer_hours",
        "action_answer_address",
        "action_answer_contact",
        "action_answer_year",
        "action_answer_detail",
    }
)
TAKES_LABEL = frozenset({"action_answer_labels", "action_answer_issuer", "action_answer_year", "action_answer_detail"})
TAKES_TEXT = frozenset({"action_answer_need", "action_answer_not_in_sources", "action_answer_referral"})
# Details of a centre that have an intent and an action of their own (`ask_hours`, `action_answer_hours`...).
CENTRE_TOPICS = ("hours", "address", "contact")
# What answers a thing named alone when the last question cannot take it ("et à Istres ?" after "c'est gratuit ?").
DEFAULT_ANSWER = {"centre": "action_answer_centres", "label": "action_answer_labels"}
# "et à Aubagne, vous avez quelque chose ?": whether there is a centre, whatever the last question was.
_EXISTENCE_WORDS = (
    "vous avez",
    "avez vous",
    "il y a",
    "y a t il",
    "ya",
    "y a",
    "existe",
    "do you have",
    "is there",
    "any",
)
# "pour revenir à ma première question", "back to my first question".
_FIRST_WORDS = ("premiere", "premier", "debut", "first", "beginning", "start")
# The words that name a kind of thing, in a message going back to it ("et le label de tout à l'heure ?").
_KIND_WORDS = (
    ("label", ("label", "charte", "charter")),
    ("centre", ("centre", "center", "ville", "town", "antenne")),
    ("network", ("reseau", "network")),
)


@dataclass(frozen=True)
class Question:
    """A visitor's message as the bot answered it: its text, intent and entities (after a follow-up's
    resolution: "non, Istres" is stored as the question it corrected, about Istres), the answering actions in
    order, and the focus after them."""

    text: str
    intent: str
    entities: tuple[tuple[str, str], ...]
    answers: tuple[str, ...]
    focus: str | None = None

    def parse_data(self) -> dict[str, Any]:
        """The message as Rasa's parse data, for an action to answer it again."""
        return {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": 1.0},
            "entities": [{"entity": entity, "value": value} for entity, value in self.entities],
        }

    def values(self, entity: str) -> list[str]:
        return [value for name, value in self.entities if name == entity]


@dataclass
class _Turn:
    parse_data: dict[str, Any]
    answers: list[str] = field(default_factory=list)
    focus: str | None = None


def _turns(events: Iterable[dict[str, Any]]) -> list[_Turn]:
    """The visitor's messages with the answers recorded after each (the `answer` and `focus` slots)."""
    turns: list[_Turn] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            turns.append(_Turn(dict(event.get("parse_data") or {}, text=event.get("text") or "")))
        elif kind == "slot" and turns and event.get("name") == ANSWER_SLOT and event.get("value"):
            turns[-1].answers.append(str(event["value"]))
        elif kind == "slot" and turns and event.get("name") == FOCUS_SLOT:
            turns[-1].focus = str(event["value"]) if event.get("value") else None
    return turns


def _entities(parse_data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for entity in parse_data.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if name in ("centre", "label") and isinstance(value, str) and (name, value) not in found:
            found.append((str(name), value))
    return tuple(found)


def _focus_entity(turn: _Turn) -> tuple[tuple[str, str], ...]:
    """A question that named nothing was about the thing in focus after it ("qui l'a décerné ?": the label the
    answer was about): asked again later, it is about that thing, not about whatever is in focus then."""
    kind, _, item_id = (turn.focus or "").partition(":")
    takes = TAKES_CENTRE if kind == "centre" else TAKES_LABEL if kind == "label" else frozenset()
    return ((kind, item_id),) if item_id and set(turn.answers) & takes else ()


def intent_of(parse_data: dict[str, Any]) -> str:
    return str((parse_data.get("intent") or {}).get("name") or "")


def questions_before(events: Sequence[dict[str, Any]], knowledge: Knowledge) -> list[Question]:
    """The questions answered before the latest message, oldest first; a follow-up as the question it replayed."""
    questions: list[Question] = []
    for turn in _turns(events)[:-1]:
        if not turn.answers:
            continue
        own = Question(
            str(turn.parse_data.get("text") or ""),
            intent_of(turn.parse_data),
            _entities(turn.parse_data) or _focus_entity(turn),
            tuple(turn.answers),
            turn.focus,
        )
        if own.intent in FOLLOWUP_INTENTS:
            replayed = followup_question(own.parse_data(), questions, knowledge)
            if replayed is not None:
                own = Question(replayed.text, replayed.intent, replayed.entities, own.answers, turn.focus)
        questions.append(own)
    return questions


def last_list(events: Sequence[dict[str, Any]], knowledge: Knowledge) -> tuple[str, list[str]] | None:
    """The kind and ids of the last list given before the latest message: the visitor's (a message naming two
    centres or labels or more, in their order) or the bot's (the centres as listed, the labels by year)."""
    for question in reversed(questions_before(events, knowledge)):
        for kind in ("centre", "label"):
            named = max(question.values(kind), _named_in(kind, question.text, knowledge), key=len)
            ids = _ids(kind, named, knowledge)
            if len(ids) >= 2:
                return kind, ids
        if question.focus == "centres":
            return "centre", [centre.id for centre in (knowledge.main_centre, *knowledge.associated_centres)]
        if question.focus == "labels":
            return "label", [label.id for label in knowledge.labels]
    return None


def _named_in(kind: str, text: str, knowledge: Knowledge) -> list[str]:
    """The centres or labels a text names, when the NLU found fewer ("La Garde ou Aubagne ?")."""
    if kind == "centre":
        return [centre.id for centre in knowledge.centres_in(text)]
    return [label.id for label in knowledge.labels_in(text)]


def _ids(kind: str, values: Iterable[str], knowledge: Knowledge) -> list[str]:
    ids: list[str] = []
    for value in values:
        found = knowledge.find_centre(value) if kind == "centre" else knowledge.find_label(value)
        if found is not None and found.id not in ids:
            ids.append(found.id)
    return ids


def followup_question(
    message: dict[str, Any], earlier: Sequence[Question], knowledge: Knowledge, resolved: Sequence[tuple[str, str]] = ()
) -> Question | None:
    """The question a follow-up asks again, or None when it refers to nothing answered before.

    - "in English please" (switch_language): the last question;
    - "pour revenir à ma première question", "et pour le label de tout à l'heure ?" (go_back): the first
      question, the last one about a label or a centre when the message names the kind, else the one before
      the last;
    - "non, je voulais dire Istres", "et à Istres ?" (inform): the last question, about the thing now named
      (`resolved`: the entities the message names or designates), when that question takes such a thing; else
      the default question about the thing ("et à Istres ?" after "c'est gratuit ?": the centre of Istres),
      as for a town asked about with "vous avez" ("et à Aubagne, vous avez quelque chose ?").
    """
    intent = intent_of(message)
    text = str(message.get("text") or "")
    if not earlier and intent != INFORM:
        return None
    if intent == SWITCH_LANGUAGE:
        return earlier[-1]
    if intent == GO_BACK:
        return _gone_back_to(text, earlier, knowledge)
    entities = tuple(resolved) or _entities(message)
    kinds = {kind for kind, _ in entities}
    # "et l'adresse de l'autre ?", "and how do I contact the last one?": that centre's topic, whatever was asked.
    topics = [detail.id for detail in knowledge.details_in(text) if detail.id in CENTRE_TOPICS]
    if topics and kinds <= {"centre"}:
        return Question(text, f"ask_{topics[0]}", entities, tuple(f"action_answer_{topic}" for topic in topics), None)
    last = earlier[-1] if earlier else None
    words = f" {normalise(text)} "
    if kinds == {"centre"} and any(f" {existence} " in words for existence in _EXISTENCE_WORDS):
        return Question(text, INFORM, entities, (DEFAULT_ANSWER["centre"],), None)
    if last is not None and kinds and all(_takes(last, kind) for kind in kinds):
        kept = tuple(entity for entity in last.entities if entity[0] not in kinds)
        return Question(text, last.intent, kept + entities, last.answers, last.focus)
    if last is not None and not kinds and set(last.answers) & TAKES_TEXT and _names_something(text, knowledge):
        return Question(text, last.intent, (), last.answers, last.focus)
    if len(kinds) == 1:
        kind = next(iter(kinds))
        return Question(text, INFORM, entities, (DEFAULT_ANSWER[kind],), None)
    return None


def _takes(question: Question, kind: str) -> bool:
    accepted = TAKES_CENTRE if kind == "centre" else TAKES_LABEL
    return bool(set(question.answers) & accepted)


def _names_something(text: str, knowledge: Knowledge) -> bool:
    """Whether a correction names a need or a subject ("non, je voulais dire la VAE", "plutôt le parking")."""
    return bool(knowledge.needs_in(text) or knowledge.unknowns_in(text) or knowledge.referrals_in(text))


def _gone_back_to(text: str, earlier: Sequence[Question], knowledge: Knowledge) -> Question:
    """The question a visitor goes back to: among those about the kind of thing the message names (a label, a
    centre), or all; the first when the message says so, else the last about that kind, else the one before
    the last."""
    words = f" {normalise(text)} "
    first = any(f" {word} " in words for word in _FIRST_WORDS)
    for kind, names in _KIND_WORDS:
        about = [question for question in earlier if (question.focus or "").partition(":")[0] == kind]
        if about and any(f" {name}" in words for name in names):
            return about[0] if first else about[-1]
    if first:
        return earlier[0]
    return earlier[-2] if len(earlier) >= 2 else earlier[-1]
