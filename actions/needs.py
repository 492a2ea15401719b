"""Answers to visitors who come with a need of their own: a training, a job, a new career, a business..."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.centres import centres_summary
from actions.feedback import AnswerAction
from actions.focus import NEED, TOPIC, focus_on, message_text
from actions.glance import MORE_SLOT, NEED_MAX_WORDS, more_button, visible_words
from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Fact, Need
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.not_held import is_dated
from actions.referrals import NEED_ACTION, REFERRAL_ACTION, answer_by_subject, referred, say_referrals
from actions.replies import facts_sources, sources_text, spoken_list


def _distinct(facts: list[Fact]) -> list[Fact]:
    return list(dict.fromkeys(facts))


def _lines(facts: list[Fact]) -> list[str]:
    return [f"- {fact.text_in(turn_language())}" for fact in facts]


@dataclass(frozen=True)
class NeedReply:
    """A need's answer, read at a glance (docs/maintainers.md): the lead (an adviser, free, anonymous, without
    appointment, and where), the one public service that fits, and the rest on "En savoir plus"."""

    lead: str
    service: str | None
    more: str


def need_reply(knowledge: Knowledge, needs: list[Need]) -> NeedReply:
    """For the needs found (maybe none). No individual advice and no figure without a source: only what the
    centre offers, where, and the public services the knowledge file names for these needs. Dated facts ("En
    2011, …") are history, not what a visitor finds today: a need's answer leaves them out."""
    said_for_every_need = knowledge.need_help
    if len(said_for_every_need) < 2:  # what the centre is for and its advisers have ended (`valid_until`)
        return NeedReply(words().NOT_IN_SOURCES_UNNAMED.format(website=knowledge.organisation.website), None, "")
    role, adviser, *help_facts = said_for_every_need
    own = _distinct([fact for need in needs for fact in knowledge.facts(need.facts)])
    services = _distinct([fact for need in needs for fact in knowledge.facts(need.services)])
    where = words().NEED_WHERE.format(**centres_summary(knowledge))
    lead_facts = [adviser]
    if needs:
        titles = spoken_list([need.title_in(turn_language()) for need in needs])
        lead = words().NEED.format(need=titles, adviser=adviser.text_in(turn_language()), where=where)
    else:
        lead = words().NEED_UNNAMED.format(adviser=adviser.text_in(turn_language()), where=where)
    lead += f"\n\n{sources_text(knowledge, [adviser.source, knowledge.main_centre.source])}"
    # The public services that fit, one for each need while the whole answer stays within NEED_MAX_WORDS.
    service, said = None, 0
    while said < len(services):
        shown = services[: said + 1]
        if len(shown) == 1:
            text = words().NEED_SERVICE.format(service=shown[0].text_in(turn_language()))
        else:
            text = "\n".join([words().NEED_SERVICES, *_lines(shown)])
        text += f"\n\n{facts_sources(knowledge, shown)}"
        if said and visible_words(lead) + visible_words(text) > NEED_MAX_WORDS:
            break
        service, said = text, said + 1
    services = services[said:]
    rest = [fact for fact in [role, *help_facts, *own] if fact not in lead_facts and not is_dated(fact.text)]
    more = "\n".join([role.text_in(turn_language()), *_lines(rest[1:])])
    if services:
        more += "\n\n" + "\n".join([words().NEED_SERVICES, *_lines(services)])
    more += f"\n\n{words().NO_PERSONAL_ADVICE}\n\n{facts_sources(knowledge, [*rest, *services])}"
    return NeedReply(lead, service, more)


class ActionAnswerNeed(AnswerAction):
    """A visitor's own need: yes, this is what the centre is for; how to get the help; what else to use."""

    def name(self) -> str:
        return "action_answer_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = get_knowledge()
        referral = referred(dispatcher, knowledge, message_text(tracker))
        if referral is not None:
            return referral
        needs = knowledge.needs_in(message_text(tracker))
        reply = need_reply(knowledge, needs)
        bubbles = [reply.lead, *([reply.service] if reply.service else [])]
        for bubble in bubbles[:-1]:
            dispatcher.utter_message(text=bubble)
        dispatcher.utter_message(text=bubbles[-1], buttons=[more_button()])
        focus = focus_on(NEED, needs[0].id) if needs else focus_on(TOPIC, "need")
        return [focus, SlotSet(MORE_SLOT, [reply.more])]


class ActionAnswerReferral(AnswerAction):
    """A question for a person or another public service (labour law, a salary, writing a CV for the visitor...):
    no advice or figure, where the answer is. Beside the needs: a message that names a need and no such
    subject ("comment faire une lettre de motivation ?") gets the need's answer."""

    def name(self) -> str:
        return REFERRAL_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge, text = get_knowledge(), message_text(tracker)
        if answer_by_subject(REFERRAL_ACTION, knowledge, text) == NEED_ACTION:
            events: list[dict[str, Any]] = await ActionAnswerNeed().run(dispatcher, tracker, domain)
            return events
        return say_referrals(dispatcher, knowledge, knowledge.referrals_in(text))
