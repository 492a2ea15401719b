"""Answers about the centres: the list, or whether there is one in a given town."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.knowledge import Knowledge
from actions.knowledge_store import get_knowledge
from actions.replies import distinct_entity_values, echoable, facts_text, french_list, say, sources_text


def _centres_summary(knowledge: Knowledge) -> dict[str, Any]:
    """What every centre reply needs: the organisation, the main town and the associated ones."""
    associated = knowledge.associated_centres
    return {
        "organisation": knowledge.organisation.name,
        "main": knowledge.main_centre.name,
        "count": len(associated),
        "centres": french_list([centre.name for centre in associated]),
    }


class ActionAnswerCentres(Action):
    """Lists the centres, or answers about each town the visitor named (real or not)."""

    def name(self) -> str:
        return "action_answer_centres"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        summary = _centres_summary(knowledge)
        # Towns the NLU extracted; else centres the message names, including any added to the
        # knowledge file since the model was trained.
        towns = distinct_entity_values(tracker, "centre") or [
            centre.name for centre in knowledge.centres_in(tracker.latest_message.get("text") or "")
        ]
        if not towns:
            centre_sources = [centre.source for centre in knowledge.centres]
            say(dispatcher, wording.CENTRES_LIST, sources=sources_text(knowledge, centre_sources), **summary)
            return []
        for town in towns:
            centre = knowledge.find_centre(town)
            if centre is None:
                say(dispatcher, wording.CENTRE_UNKNOWN, place=echoable(town), **summary)
            elif centre.kind == "main":
                facts = knowledge.facts(centre.facts)
                say(
                    dispatcher,
                    wording.CENTRE_MAIN,
                    centre=centre.name,
                    facts=facts_text(facts),
                    sources=sources_text(knowledge, [centre.source, *(fact.source for fact in facts)]),
                    **summary,
                )
            else:
                say(
                    dispatcher,
                    wording.CENTRE_ASSOCIATED,
                    centre=centre.name,
                    website=knowledge.organisation.website,
                    sources=sources_text(knowledge, [centre.source]),
                    **summary,
                )
        return []
