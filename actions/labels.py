"""Answers about the labels: the list with their years, or the detail of one."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.knowledge_store import get_knowledge
from actions.replies import (
    capitalised,
    distinct_entity_values,
    facts_text,
    label_line,
    say,
    sources_text,
    years_text,
)


class ActionAnswerLabels(Action):
    """Lists every label with its years, or details each label the visitor named."""

    def name(self) -> str:
        return "action_answer_labels"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        labels_list = "\n".join(label_line(label) for label in knowledge.labels)
        names = distinct_entity_values(tracker, "label") or [
            label.id for label in knowledge.labels_in(tracker.latest_message.get("text") or "")
        ]
        if not names:
            say(
                dispatcher,
                wording.LABELS_LIST,
                organisation=knowledge.organisation.name,
                labels=labels_list,
                sources=sources_text(knowledge, [label.source for label in knowledge.labels]),
            )
            return []
        for name in names:
            label = knowledge.find_label(name)
            if label is None:
                say(dispatcher, wording.LABEL_UNKNOWN, labels=labels_list)
                continue
            facts = knowledge.facts(label.facts)
            say(
                dispatcher,
                wording.LABEL_DETAIL_WITH_ISSUER if label.issuer else wording.LABEL_DETAIL,
                label=capitalised(label.name),
                years=years_text(label.years),
                issuer=label.issuer or "",
                facts=facts_text(facts),
                sources=sources_text(knowledge, [label.source, *(fact.source for fact in facts)]),
            )
        return []
