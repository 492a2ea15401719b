"""Answers about the centres: the list, or whether there is one in a given town."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import AnswerAction
from actions.focus import CENTRE, CENTRES, focus_on, towns_asked
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Centre
from actions.knowledge_store import get_knowledge
from actions.language import words
from actions.replies import echoable, facts_text, of_place, say, sources_text, spoken_list


def centres_summary(knowledge: Knowledge) -> dict[str, Any]:
    """What every centre reply needs: the organisation, the main town and the associated ones."""
    associated = knowledge.associated_centres
    return {
        "organisation": knowledge.organisation.name,
        "main": knowledge.main_centre.name,
        "count": len(associated),
        "centres": spoken_list([centre.name for centre in associated]),
    }


def say_town(dispatcher: CollectingDispatcher, knowledge: Knowledge, town: str) -> list[dict[str, Any]]:
    """Whether there is a centre in `town`: the centre, a town of the wider network, or neither."""
    summary = centres_summary(knowledge)
    network = knowledge.network
    centre = knowledge.find_centre(town)
    if centre is None:
        # Not one of this association's centres; other Cités des Métiers exist, and the answer must not deny them.
        network_figures = {"cities": network.cities, "countries": network.countries, "url": network.url}
        place = knowledge.find_network_place(town)
        if place is not None:
            facts = knowledge.facts(place.facts)
            sources = sources_text(knowledge, [*(fact.source for fact in facts), network.source])
            say(
                dispatcher,
                words().CENTRE_OF_NETWORK,
                place=place.name,
                facts=facts_text(facts),
                sources=sources,
                **network_figures,
                **summary,
            )
        else:
            sources = sources_text(knowledge, [knowledge.main_centre.source, network.source])
            say(dispatcher, words().CENTRE_UNKNOWN, place=echoable(town), sources=sources, **network_figures, **summary)
        return [focus_on(CENTRES)]
    if centre.kind == "main":
        facts = knowledge.facts(centre.facts)
        say(
            dispatcher,
            words().CENTRE_MAIN,
            centre=centre.name,
            facts=facts_text(facts),
            sources=sources_text(knowledge, [centre.source, *(fact.source for fact in facts)]),
            **summary,
        )
    else:
        say(
            dispatcher,
            words().CENTRE_ASSOCIATED,
            centre=centre.name,
            website=knowledge.organisation.website,
            sources=sources_text(knowledge, [centre.source]),
            **summary,
        )
    return [focus_on(CENTRE, centre.id)]


def say_detail_unknown(
    dispatcher: CollectingDispatcher, knowledge: Knowledge, centre: Centre, detail: str
) -> list[dict[str, Any]]:
    """A detail the sources do not hold for this centre (`detail`: a key of `words().CENTRE_DETAILS`)."""
    say(
        dispatcher,
        words().CENTRE_DETAIL_UNKNOWN,
        detail=words().CENTRE_DETAILS[detail],
        of_centre=of_place(centre.name),
        main=knowledge.main_centre.name,
        website=knowledge.organisation.website,
    )
    return [focus_on(CENTRE, centre.id)]


def say_centres(dispatcher: CollectingDispatcher, knowledge: Knowledge) -> list[dict[str, Any]]:
    """The main centre and the associated ones."""
    centre_sources = [centre.source for centre in knowledge.centres]
    say(dispatcher, words().CENTRES_LIST, sources=sources_text(knowledge, centre_sources), **centres_summary(knowledge))
    return [focus_on(CENTRES)]


class ActionAnswerCentres(AnswerAction):
    """Lists the centres, or answers about each town the visitor named (real or not)."""

    def name(self) -> str:
        return "action_answer_centres"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        # Towns the NLU extracted; else centres the message names, including any added to the
        # knowledge file since the model was trained.
        towns = towns_asked(tracker, knowledge)
        if not towns:
            return say_centres(dispatcher, knowledge)
        events: list[dict[str, Any]] = []
        for town in towns:
            events = say_town(dispatcher, knowledge, town)
        return events
