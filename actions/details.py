"""Any detail of the thing named or in focus, from the knowledge file: "il regroupe combien de pays ?",
"c'était quel jour ?", "qui organisait ?", "elle a ouvert quand ?".

Rasa's knowledge-base pattern, without an intent per attribute: the thing (object type and object: the Cité
des Métiers, a centre, a label, the network) comes from the message or the focus, the attribute from the
words of the question (`details:` of the knowledge file), and the answer from the fact the thing names for
that attribute; a thing without it gets the honest "my sources do not give it", for that thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.about import ActionAnswerNetwork
from actions.centres import say_detail_unknown, say_town
from actions.fact_search import NETWORK_ENTRY, ORGANISATION, look_up
from actions.feedback import AnswerAction
from actions.focus import CENTRE, LABEL, NETWORK, TOPIC, focus_of, focus_on, labels_asked, message_text, towns_asked
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Centre, Detail, Label
from actions.knowledge_store import get_knowledge
from actions.labels import say_label
from actions.language import turn_language, words
from actions.not_held import say_fact_of_detail
from actions.pinpoint import say_found
from actions.replies import (
    capitalised,
    distinct_entity_values,
    facts_sources,
    facts_text,
    label_years_template,
    of_place,
    say,
    sources_text,
    spoken_list,
    the_label,
    years_text,
)
from actions.topic_registry import Topic

# At most this many details answered for one question ("combien de pays et de villes ?").
MAX_DETAILS = 2
# Details a centre's own topic answers (hours, address, contact): the topic's facts for the main centre.
_CENTRE_TOPICS = {"hours": Topic.HOURS, "address": Topic.ADDRESS, "contact": Topic.CONTACT}


@dataclass(frozen=True)
class Thing:
    """What a detail is asked of: the organisation, the network, a centre or a label."""

    kind: str
    centre: Centre | None = None
    label: Label | None = None

    def details(self, knowledge: Knowledge) -> dict[str, str]:
        if self.label is not None:
            return dict(self.label.details)
        if self.centre is not None and self.centre.kind == "main":  # Marseille is the organisation's seat
            return {**knowledge.organisation.details, **self.centre.details}
        if self.centre is not None:
            return dict(self.centre.details)
        if self.kind == NETWORK:
            return dict(knowledge.network.details)
        return dict(knowledge.organisation.details)

    def named(self) -> str:
        if self.label is not None:
            return the_label(self.label)
        if self.centre is not None:
            return str(words().THE_CENTRE.format(of_centre=of_place(self.centre.name)))
        return str(words().THE_NETWORK if self.kind == NETWORK else words().THE_ORGANISATION)

    def searched_as(self) -> list[str]:
        """The `about` of the fact search's entries said of this thing (actions/fact_search.py)."""
        if self.label is not None:
            return [f"label:{self.label.id}"]
        if self.centre is not None and self.centre.kind == "associated":
            return [f"centre:{self.centre.id}"]
        return [NETWORK_ENTRY] if self.kind == NETWORK else [ORGANISATION]

    def focus(self) -> dict[str, Any]:
        if self.label is not None:
            return focus_on(LABEL, self.label.id)
        if self.centre is not None:
            return focus_on(CENTRE, self.centre.id)
        return focus_on(NETWORK) if self.kind == NETWORK else focus_on(TOPIC, "presentation")


def _held_by_organisation_only(knowledge: Knowledge, label: Label, details: list[Detail]) -> bool:
    """ "en 2011, combien de conseillers ?": a year or "la Cité des Métiers" points at a label, but only the
    organisation holds what is asked."""
    held = knowledge.organisation.details
    return bool(details) and all(detail.id in held and detail.id not in label.details for detail in details)


def thing_asked(tracker: Tracker, knowledge: Knowledge, details: list[Detail]) -> Thing | str:
    """The thing the question names (a label, a centre, the network), else the one in focus, else the Cité des
    Métiers; or the name of a town that is not a centre of the association. `details`: what the question asks."""
    labels = labels_asked(tracker, knowledge)
    if labels and not _held_by_organisation_only(knowledge, labels[0], details):
        return Thing(LABEL, label=labels[0])
    towns = towns_asked(tracker, knowledge)
    if towns:
        centre = knowledge.find_centre(towns[0])
        return Thing(CENTRE, centre=centre) if centre is not None else towns[0]
    if knowledge.names_network(message_text(tracker)):
        return Thing(NETWORK)
    kind, item_id = focus_of(tracker)
    if details and all(
        detail.id in knowledge.network.details and detail.id not in knowledge.organisation.details for detail in details
    ):  # "combien de pays ?", whatever was in focus: only the network has countries
        return Thing(NETWORK)
    if kind == LABEL and item_id and (label := knowledge.find_label(item_id)) is not None:
        return Thing(LABEL, label=label)
    if kind == CENTRE and item_id and (centre := knowledge.centre(item_id)) is not None:
        return Thing(CENTRE, centre=centre)
    if kind == NETWORK or (kind == TOPIC and item_id == NETWORK):
        return Thing(NETWORK)
    return Thing("organisation")


def _named(tracker: Tracker, knowledge: Knowledge, thing: Thing) -> bool:
    """Whether the latest message names the thing (not only points at it, nor leaves it in focus)."""
    text = message_text(tracker)
    if thing.label is not None:
        return thing.label in knowledge.labels_in(text) or thing.label.id in distinct_entity_values(tracker, "label")
    return thing.kind == NETWORK and knowledge.names_network(text)


def fact_of(knowledge: Knowledge, thing: Thing, detail: Detail) -> str | None:
    """The key of the fact that answers `detail` for `thing`, if it has one."""
    known = thing.details(knowledge)
    if detail.id == "year":  # a date, a founding or an opening says the year too
        return known.get("year") or known.get("date") or known.get("founded") or known.get("opened")
    return known.get(detail.id)


def say_detail(
    dispatcher: CollectingDispatcher, knowledge: Knowledge, thing: Thing, detail: Detail, text: str = ""
) -> None:
    """The fact that answers `detail` for `thing` (`text`: the question), or the honest "my sources do not
    give it"."""
    language = turn_language()
    label, centre = thing.label, thing.centre
    if detail.id == "year" and label is not None and "year" not in label.details:
        say(dispatcher, label_years_template(label), label=capitalised(label.name_in(language)),
            years=years_text(label.years), sources=sources_text(knowledge, [label.source]))  # fmt: skip
        return
    if detail.id == "issuer" and label is not None and label.issuer:
        say(dispatcher, words().LABEL_ISSUER, label=capitalised(the_label(label)),
            issuer=label.issuer_in(language), sources=sources_text(knowledge, [label.source]))  # fmt: skip
        return
    if centre is not None and centre.kind == "associated" and detail.id in words().CENTRE_DETAILS:
        say_detail_unknown(dispatcher, knowledge, centre, detail.id)
        return
    fact_id = fact_of(knowledge, thing, detail)
    if fact_id is not None:
        say_fact_of_detail(dispatcher, knowledge, fact_id, detail.id, text)
        return
    topic = _CENTRE_TOPICS.get(detail.id)
    if topic is not None and thing.kind in (CENTRE, "organisation"):
        facts = knowledge.topic(topic)
        say(dispatcher, words().FACTS, facts=facts_text(facts), sources=facts_sources(knowledge, facts))
        return
    say(dispatcher, words().DETAIL_UNKNOWN, detail=detail.name_in(language), thing=thing.named(),
        website=knowledge.organisation.website)  # fmt: skip


class ActionAnswerDetail(AnswerAction):
    """A detail of the thing named or in focus; what can be asked of it when the detail is not recognised."""

    def name(self) -> str:
        return "action_answer_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        details = knowledge.details_in(message_text(tracker))[:MAX_DETAILS]
        thing = thing_asked(tracker, knowledge, details)
        if isinstance(thing, str):  # a town without a centre of the association: say so, and what exists
            return say_town(dispatcher, knowledge, thing)
        if not details and thing.kind in (NETWORK, LABEL) and _named(tracker, knowledge, thing):
            # "pour en revenir au réseau, vous pouvez me redonner la réponse ?": no attribute, the thing itself
            if thing.label is not None:
                return say_label(dispatcher, knowledge, thing.label)
            events: list[dict[str, Any]] = await ActionAnswerNetwork().run(dispatcher, tracker, domain)
            return events
        if not details:
            # An attribute no `details:` entry names ("à quels profils s'adresse-t-elle ?"): the fact search, among
            # the thing's facts, before asking which detail is wanted.
            question = message_text(tracker)
            # A question too vague for it ("et alors ?") still gets the list of what can be asked.
            found = look_up(knowledge, question, thing.searched_as()).found
            if found is not None:
                return [say_found(dispatcher, knowledge, found.entry, question)]
            known = [knowledge.detail(detail_id).name_in(turn_language()) for detail_id in thing.details(knowledge)]
            if known:
                say(dispatcher, words().DETAIL_WHICH, thing=thing.named(), details=spoken_list(known))
            else:
                say(dispatcher, words().DETAIL_WHICH_NOTHING, thing=thing.named())
            return [thing.focus()]
        said: set[str | None] = set()
        for detail in details:
            fact_id = fact_of(knowledge, thing, detail)
            if fact_id is None or fact_id not in said:  # "elle a ouvert quel jour ?": one fact, said once
                say_detail(dispatcher, knowledge, thing, detail, message_text(tracker))
            said.add(fact_id)
        return [thing.focus()]
