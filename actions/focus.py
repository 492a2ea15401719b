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

from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Centre, Label
from actions.mentions import parse_mention
from actions.questions import last_list
from actions.replies import distinct_entity_values

FOCUS_SLOT = "focus"

CENTRE = "centre"
CENTRES = "centres"
LABEL = "label"
LABELS = "labels"
NEED = "need"
NETWORK = "network"
TOPIC = "topic"
YEAR = "year"


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


def listed_for(tracker: Tracker, knowledge: Knowledge) -> tuple[str, list[str]] | None:
    """The list a position ("le deuxième", "the other one") points into: the last list given, by the visitor
    ("Gap, Istres et Martigues ?") or by the bot; else the list of the kind in focus, as the bot lists it."""
    listed = last_list(tracker.applied_events(), knowledge)
    if listed is not None:
        return listed
    kind, _ = focus_of(tracker)
    if kind in (LABEL, LABELS):
        return LABEL, [label.id for label in knowledge.labels]
    if kind in (CENTRE, CENTRES):
        return CENTRE, [centre.id for centre in (knowledge.main_centre, *knowledge.associated_centres)]
    return None


def designated(tracker: Tracker, knowledge: Knowledge) -> tuple[str, list[str]] | None:
    """What the latest message points at without naming it, as (kind, ids): the label of a year ("celui de
    2011"), or an item of the last list by its position or its place beside the one in focus ("le deuxième",
    "le suivant", "celui-là")."""
    mention = parse_mention(message_text(tracker))
    if mention is None or mention.every:
        return None
    if mention.year is not None:
        labels = knowledge.labels_of_year(mention.year)
        return (LABEL, [label.id for label in labels]) if labels else None
    listed = listed_for(tracker, knowledge)
    if listed is None:
        return None
    kind, ids = listed
    focus_kind, current = focus_of(tracker)
    picked = mention.pick(ids, current if focus_kind == kind else None)
    return (kind, [picked]) if picked else None


def towns_asked(tracker: Tracker, knowledge: Knowledge) -> list[str]:
    """Towns the latest message names: the NLU's entities, else known centres (or towns of the wider
    network) found in its text, including any added to the knowledge file since the model was trained; else
    the centre it points at ("le deuxième")."""
    text = message_text(tracker)
    named = distinct_entity_values(tracker, "centre") or [
        *(centre.name for centre in knowledge.centres_in(text)),
        *(place.name for place in knowledge.network_places_in(text)),
    ]
    if named or distinct_entity_values(tracker, "label") or knowledge.labels_in(text):
        return named
    pointed = designated(tracker, knowledge)
    if pointed is None or pointed[0] != CENTRE:
        return []
    return [centre.name for centre_id in pointed[1] if (centre := knowledge.centre(centre_id)) is not None]


def labels_asked(tracker: Tracker, knowledge: Knowledge) -> list[Label]:
    """Labels the latest message names: the NLU's entities, else labels found in its text; else the label
    it points at ("celui de 2011", "le premier")."""
    text = message_text(tracker)
    names = distinct_entity_values(tracker, "label") or [label.id for label in knowledge.labels_in(text)]
    if not names and not distinct_entity_values(tracker, "centre") and not knowledge.centres_in(text):
        pointed = designated(tracker, knowledge)
        names = pointed[1] if pointed is not None and pointed[0] == LABEL else []
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


def label_talked_about(tracker: Tracker, knowledge: Knowledge) -> Label | None:
    """The last label the conversation was about, even if other things came since ("qui vous l'a donné ?"
    after the label, then the network); None when the labels were listed after it (which one is then unsaid)."""
    for event in reversed(tracker.events):
        if event.get("event") != "slot" or event.get("name") != FOCUS_SLOT:
            continue
        value = str(event.get("value") or "")
        if value == LABELS:
            return None
        if value.startswith(f"{LABEL}:"):
            return knowledge.find_label(value.partition(":")[2])
    return None
