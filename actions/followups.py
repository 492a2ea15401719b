"""Follow-ups that point at the thing in focus: "et celui de 2012 ?", "qui l'a décerné ?", "c'était quand ?"."""

from __future__ import annotations

import inspect
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.about import say_history, say_history_of_year, say_history_of_year_named, timeline
from actions.centres import say_centres, say_detail_unknown, say_town
from actions.details import Thing, say_detail
from actions.feedback import AnswerAction
from actions.focus import (
    CENTRE,
    CENTRES,
    LABEL,
    LABELS,
    NETWORK,
    YEAR,
    centre_in_focus,
    designated,
    focus_of,
    focus_on,
    label_in_focus,
    label_talked_about,
    labels_asked,
    message_text,
    towns_asked,
)
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Centre, Label, Language
from actions.knowledge.text import normalise
from actions.knowledge_store import get_knowledge
from actions.labels import labels_list, say_label, say_labels
from actions.language import SLOT as LANGUAGE_SLOT
from actions.language import WORDING, turn_language, words
from actions.mentions import parse_mention
from actions.not_held import said_not_held_of_label
from actions.questions import GO_BACK, INFORM, SWITCH_LANGUAGE, Question, followup_question, intent_of, questions_before
from actions.replies import (
    capitalised,
    distinct_entity_values,
    facts_sources,
    facts_text,
    label_years_template,
    say,
    sources_text,
    the_label,
    years_text,
)


def _label_asked_or_in_focus(tracker: Tracker, knowledge: Knowledge) -> Label | None:
    asked = labels_asked(tracker, knowledge)
    return asked[0] if asked else label_in_focus(tracker, knowledge)


def _centre_asked_or_in_focus(tracker: Tracker, knowledge: Knowledge) -> Centre | None:
    towns = towns_asked(tracker, knowledge)
    return knowledge.find_centre(towns[0]) if towns else centre_in_focus(tracker, knowledge)


def _listed(knowledge: Knowledge, kind: str | None) -> list[str]:
    """The list a follow-up's position refers to: the labels by year, or the centres as the bot lists them."""
    if kind in (LABEL, LABELS):
        return [label.id for label in knowledge.labels]
    if kind in (CENTRE, CENTRES):
        return [centre.id for centre in (knowledge.main_centre, *knowledge.associated_centres)]
    return []


class ActionAnswerMention(AnswerAction):
    """A follow-up naming no entity but a year, a position or a pronoun: "et celui de 2012 ?", "et le premier ?".

    A year designates the label obtained that year (else that year's history); a position, the item at
    that place in the list in focus (the labels by year, or the centres as the bot lists them); a
    pronoun, the item in focus.
    """

    def name(self) -> str:
        return "action_answer_mention"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        mention = parse_mention(message_text(tracker))
        if mention is not None and mention.year is not None:
            return self._year(dispatcher, knowledge, mention.year)
        kind, current = focus_of(tracker)
        if mention is not None and mention.offset is not None and kind == YEAR and current:
            # "et avant ça ?" after a year of the history: the year before or after it on the timeline.
            label_years = {year for label in knowledge.labels for year in label.years}
            years = sorted({event.year for event in knowledge.history} | label_years)
            # A year off the timeline ("en 1999 ?", then "et avant ça ?"): the nearest one on that side.
            before = [year for year in years if year < int(current)]
            after = [year for year in years if year > int(current)]
            side = before[-1:] if mention.offset < 0 else after[:1]
            if side:
                return self._year(dispatcher, knowledge, side[0])
        every = mention is not None and (mention.every or mention.other)
        if every and kind in (LABEL, LABELS):
            return say_labels(dispatcher, knowledge)
        if every and kind in (CENTRE, CENTRES):
            return say_centres(dispatcher, knowledge)
        picked = mention.pick(_listed(knowledge, kind), current) if mention is not None else None
        if picked and kind in (LABEL, LABELS):
            return say_label(dispatcher, knowledge, knowledge.label(picked))
        if picked:
            centre = knowledge.centre(picked)
            assert centre is not None  # picked among the centres' own ids
            return say_town(dispatcher, knowledge, centre.name)
        say(dispatcher, words().MENTION_NOT_FOUND)
        return []

    @staticmethod
    def _year(dispatcher: CollectingDispatcher, knowledge: Knowledge, year: int) -> list[dict[str, Any]]:
        labels = knowledge.labels_of_year(year)
        events: list[dict[str, Any]] = []
        for label in labels:
            events = say_label(dispatcher, knowledge, label)
        if not labels:
            events = say_history_of_year(dispatcher, knowledge, year) or []
        if not labels and not events:
            say(dispatcher, words().YEAR_NOT_FOUND, year=year, timeline=timeline(knowledge))
            events = [focus_on(YEAR, str(year))]  # asked about, so "et avant ça ?" counts from it
        return events


class ActionAnswerIssuer(AnswerAction):
    """Who awarded the label asked about, or the one in focus."""

    def name(self) -> str:
        return "action_answer_issuer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        # Only a label has an issuer: the last one talked about, when the message names none.
        label = _label_asked_or_in_focus(tracker, knowledge) or label_talked_about(tracker, knowledge)
        if label is None:
            say(dispatcher, words().LABEL_WHICH, labels=labels_list(knowledge))
            return [focus_on(LABELS)]
        sources = sources_text(knowledge, [label.source])
        language = turn_language()
        issuer = label.issuer_in(language)
        if issuer:
            say(
                dispatcher,
                words().LABEL_ISSUER,
                label=capitalised(the_label(label)),
                issuer=issuer,
                sources=sources,
            )
        else:
            say(
                dispatcher,
                words().LABEL_ISSUER_UNKNOWN,
                label=the_label(label),
                website=knowledge.organisation.website,
                sources=sources,
            )
        return [focus_on(LABEL, label.id)]


class ActionAnswerYear(AnswerAction):
    """When the thing asked about, or in focus, happened: a label's years, a centre's opening; else the history."""

    def name(self) -> str:
        return "action_answer_year"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        # What the message names comes first; else the thing in focus.
        labels, towns = labels_asked(tracker, knowledge), towns_asked(tracker, knowledge)
        label = labels[0] if labels else None if towns else label_in_focus(tracker, knowledge)
        if label is not None:
            said_not_held_of_label(dispatcher, knowledge, message_text(tracker), label)
        if label is not None and "year" in label.details:  # several years, each its own step: the fact says which
            facts = [knowledge.fact(label.details["year"])]
            say(dispatcher, words().FACTS, facts=facts_text(facts), sources=facts_sources(knowledge, facts))
            return [focus_on(LABEL, label.id)]
        if label is not None:
            say(
                dispatcher,
                label_years_template(label),
                label=capitalised(label.name_in(turn_language())),
                years=years_text(label.years),
                sources=sources_text(knowledge, [label.source]),
            )
            return [focus_on(LABEL, label.id)]
        centre = _centre_asked_or_in_focus(tracker, knowledge)
        if centre is not None and centre.opened:
            facts = [knowledge.fact(centre.opened)]
            say(dispatcher, words().FACTS, facts=facts_text(facts), sources=facts_sources(knowledge, facts))
            return [focus_on(CENTRE, centre.id)]
        if centre is not None:
            return say_detail_unknown(dispatcher, knowledge, centre, "opened")
        events = say_history_of_year_named(dispatcher, knowledge, tracker)
        if events is not None:
            return events
        if knowledge.names_network(message_text(tracker)) or focus_of(tracker)[0] == NETWORK:
            network = Thing(NETWORK)  # "le réseau, il a été créé quand ?": the network's own date
            say_detail(dispatcher, knowledge, network, knowledge.detail(YEAR))
            return [network.focus()]
        say_history(dispatcher, knowledge)
        return []


def _answer_actions() -> dict[str, AnswerAction]:
    """Every concrete answering action by name, to answer a question again."""
    found: dict[str, AnswerAction] = {}
    pending: list[type[AnswerAction]] = list(AnswerAction.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not inspect.isabstract(cls):
            action = cls()
            found[action.name()] = action
    return found


def _target_language(text: str) -> Language | None:
    """The language a visitor asks for ("in English please", "en français svp"), if the message names one."""
    words = f" {normalise(text)} "
    english = any(f" {word} " in words for word in ("anglais", "english", "angl", "eng", "anglai", "inglish"))
    french = any(f" {word} " in words for word in ("francais", "french", "franc", "fr"))
    if english != french:
        return "en" if english else "fr"
    return None


async def answer_again(
    question: Question,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
    language: Language | None = None,
) -> list[dict[str, Any]]:
    """Runs the actions that answered `question`, as if it were the latest message (in `language` if given)."""
    slots = dict(tracker.slots)
    if language is not None:
        slots[LANGUAGE_SLOT] = language
    asked = Tracker(
        tracker.sender_id,
        slots,
        question.parse_data(),
        tracker.events,
        False,
        None,
        tracker.active_loop,
        tracker.latest_action_name,
    )
    actions = _answer_actions()
    events: list[dict[str, Any]] = []
    for name in question.answers:
        action = actions.get(name)
        if action is not None:
            events += await action.run(dispatcher, asked, domain)
    return events


class ActionAnswerFollowup(AnswerAction):
    """A message whose answer is another question's: "non, je voulais dire Istres" or "et à Istres ?" (the last
    question, about Istres), "le deuxième ?" (the second of the last list), "pour revenir à ma première
    question", "in English please" (the last answer again, in English, kept from then on).

    actions/questions.py finds the question; the actions that answered it answer it again.
    """

    def name(self) -> str:
        return "action_answer_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        message = tracker.latest_message
        earlier = questions_before(tracker.applied_events(), knowledge)
        intent = intent_of(message)
        language: Language | None = None
        events: list[dict[str, Any]] = []
        if intent == SWITCH_LANGUAGE:
            language = _target_language(message_text(tracker)) or turn_language()
            events.append(SlotSet(LANGUAGE_SLOT, language))
            say(dispatcher, WORDING[language].LANGUAGE_SWITCHED)
        resolved = _resolved_entities(tracker, knowledge) if intent == INFORM else ()
        question = followup_question(message, earlier, knowledge, resolved)
        if question is not None:
            return events + await answer_again(question, dispatcher, tracker, domain, language)
        if intent == INFORM:
            return events + await ActionAnswerMention().run(dispatcher, tracker, domain)
        if intent == GO_BACK or not earlier:
            say(dispatcher, WORDING[language or turn_language()].NOTHING_TO_GO_BACK_TO)
        return events


def _resolved_entities(tracker: Tracker, knowledge: Knowledge) -> tuple[tuple[str, str], ...]:
    """The centres and labels a follow-up names, else the one it points at ("le deuxième", "celui de 2011")."""
    named = tuple(
        (entity, value) for entity in ("centre", "label") for value in distinct_entity_values(tracker, entity)
    )
    if named:
        return named
    text = message_text(tracker)
    found = tuple(("centre", centre.name) for centre in knowledge.centres_in(text)) + tuple(
        ("label", label.id) for label in knowledge.labels_in(text)
    )
    if found:
        return found
    pointed = designated(tracker, knowledge)
    if pointed is None:
        return ()
    kind, ids = pointed
    if kind == CENTRE:
        return tuple(("centre", centre.name) for centre_id in ids if (centre := knowledge.centre(centre_id)))
    return tuple(("label", label_id) for label_id in ids)
