"""The thing in focus: what the last answer was about, so that a follow-up can point at it.

Kept in the `focus` slot as "<kind>:<id>" ("centre:gap", "label:spo", "need:vae", "topic:free") or a
list's kind alone ("labels", "centres"), as Rasa SDK's knowledge-base actions keep the object type
and the last object in slots. Every answering action sets it; follow-ups ("qui l'a décerné ?",
"c'est où exactement ?", "et le premier ?") read it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.knowledge import Centre, Knowledge, Label
from actions.replies import distinct_entity_values

FOCUS_SLOT = "focus"

CENTRE = "centre"
CENTRES = "centres"
LABEL = "label"
LABELS = "labels"
NEED = "need"
TOPIC = "topic"


def focus_on(kind: str, item_id: str | None = None) -> dict[str, Any]:
    """The event that puts an item (or a whole list, without an id) in focus."""
    event: dict[str, Any] = SlotSet(FOCUS_SLOT, f"{kind}:{item_id}" if item_id else kind)
    return event


def focus_of(tracker: Tracker) -> tuple[str | None, str | None]:
    """(kind, id) of the thing in focus; (None, None) at the start of a conversation."""
    value = tracker.get_slot(FOCUS_SLOT)
    if not isinstance(value, str) or not value:
        return None, None
    kind, _, item_id = value.partition(":")
    return kind, item_id or None


def message_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def towns_asked(tracker: Tracker, knowledge: Knowledge) -> list[str]:
    """Towns the latest message names: the NLU's entities, else known centres (or towns of the wider
    network) found in its text, including any added to the knowledge file since the model was trained."""
    text = message_text(tracker)
    return distinct_entity_values(tracker, "centre") or [
        *(centre.name for centre in knowledge.centres_in(text)),
        *(place.name for place in knowledge.network_places_in(text)),
    ]


def labels_asked(tracker: Tracker, knowledge: Knowledge) -> list[Label]:
    """Labels the latest message names: the NLU's entities, else labels found in its text."""
    text = message_text(tracker)
    names = distinct_entity_values(tracker, "label") or [label.id for label in knowledge.labels_in(text)]
    labels: list[Label] = []
    for name in names:
        label = knowledge.find_label(name)
        if label is not None and label not in labels:
            labels.append(label)
    return labels


def centre_in_focus(tracker: Tracker, knowledge: Knowledge) -> Centre | None:
    kind, item_id = focus_of(tracker)
    return knowledge.centre(item_id) if kind == CENTRE and item_id else None


def label_in_focus(tracker: Tracker, knowledge: Knowledge) -> Label | None:
    kind, item_id = focus_of(tracker)
    return knowledge.find_label(item_id) if kind == LABEL and item_id else None
