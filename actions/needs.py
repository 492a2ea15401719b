"""Answers to visitors who come with a need of their own: a training, a job, a new career, a business..."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.centres import centres_summary
from actions.feedback import AnswerAction
from actions.focus import NEED, TOPIC, focus_on, message_text
from actions.knowledge import Fact, Knowledge, Need
from actions.knowledge_store import get_knowledge
from actions.language import turn_language, words
from actions.referrals import NEED_ACTION, REFERRAL_ACTION, answer_by_subject, referred, say_referrals
from actions.replies import facts_sources, say, spoken_list


def _distinct(facts: list[Fact]) -> list[Fact]:
    return list(dict.fromkeys(facts))


def need_reply(knowledge: Knowledge, needs: list[Need]) -> tuple[Fact, str, list[Fact]]:
    """For the needs found (maybe none): the opening fact (what the centre is for), the details (one line
    each: the adviser, where, the resources, the needs' own facts, their public services) and every fact said.

    No individual advice and no figure without a source: only what the centre offers, where, and the
    public services the knowledge file names for these needs.
    """
    role, *help_facts = knowledge.need_help
    own = _distinct([fact for need in needs for fact in knowledge.facts(need.facts)])
    services = _distinct([fact for need in needs for fact in knowledge.facts(need.services)])
    lines = [f"- {fact.text_in(turn_language())}" for fact in help_facts[:1]]
    lines.append("- " + words().NEED_WHERE.format(**centres_summary(knowledge)))
    lines += [f"- {fact.text_in(turn_language())}" for fact in [*help_facts[1:], *own]]
    if services:
        lines.append(words().NEED_SERVICES)
        lines += [f"- {fact.text_in(turn_language())}" for fact in services]
    return role, "\n".join(lines), [role, *help_facts, *own, *services]


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
        role, details, facts = need_reply(knowledge, needs)
        sources = facts_sources(knowledge, facts)
        if not needs:
            say(dispatcher, words().NEED_UNNAMED, role=role.text_in(turn_language()), details=details, sources=sources)
            return [focus_on(TOPIC, "need")]
        need_titles = spoken_list([need.title_in(turn_language()) for need in needs])
        say(
            dispatcher,
            words().NEED,
            need=need_titles,
            role=role.text_in(turn_language()),
            details=details,
            sources=sources,
        )
        return [focus_on(NEED, needs[0].id)]


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
