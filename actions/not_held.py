"""The details a question asks of a thing beside its main answer: "le réseau a été fondé quand ?", "qui a fondé
la Cité des Métiers ?", "la date exacte du label Égalité ?". Each detail the thing holds is answered with its fact;
each it does not gets the honest "my sources do not give it", never a nearby fact in its place."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Label
from actions.knowledge.text import normalise
from actions.language import turn_language, words
from actions.replies import facts_sources, facts_text, say, the_label

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATED = re.compile(r"(?:En|In) (?:19|20)\d\d\b")
# Words that ask how things are now (accents and apostrophes folded): a fact dated by its year ("En 2011, une
# dizaine de conseillers…") does not say it.
_NOW = re.compile(
    r"\b(?:aujourd hui|auj|actuellement|actuel|actuelle|actuels|actuelles|en ce moment|maintenant|a present|"
    r"de nos jours|cette annee|l an dernier|l annee derniere|l an passe|toujours|encore|now|nowadays|today|"
    r"currently|current|these days|at the moment|at present|this year|last year|still|anymore)\b"
)


def is_dated(fact_text: str) -> bool:
    """Whether a fact is said as of a year ("En 2011, une dizaine de conseillers…"): history, not today."""
    return bool(_DATED.match(fact_text))


def other_year_asked(question: str, fact_text: str) -> str | None:
    """The year the question asks about, when the fact is dated by other years only ("combien de visiteurs en
    2023 ?" of "En 2013, …")."""
    asked, dated = set(_YEAR.findall(question)), set(_YEAR.findall(fact_text))
    return min(asked) if asked and dated and not asked & dated else None


def asks_now_of_dated(question: str, fact_text: str) -> bool:
    """Whether the question asks how things are now of a fact dated by its year ("combien de conseillers
    aujourd'hui ?" of "En 2011, …")."""
    return bool(_YEAR.search(fact_text)) and bool(_NOW.search(normalise(question)))


def dated_template(question: str, fact_text: str, of_other_year: str) -> tuple[str, str | None]:
    """How to say a fact in answer to the question: as the answer, or as what the sources hold when it is dated by
    other years than the question's (`of_other_year`, a template) or the question asks about now; with the year
    asked, if any."""
    other_year = other_year_asked(question, fact_text)
    if other_year is not None:
        return of_other_year, other_year
    if asks_now_of_dated(question, fact_text):
        return words().DATED_FACT_NOW, None
    return words().FACTS, None


def say_fact_of_detail(
    dispatcher: CollectingDispatcher, knowledge: Knowledge, fact_id: str, detail_id: str, text: str
) -> None:
    """The fact that answers a detail; a fact dated by other years than the question's, or asked of now, is said as
    what the sources hold, not as the answer."""
    facts = [knowledge.fact(fact_id)]
    template, other_year = dated_template(text, facts[0].text, words().DETAIL_OF_OTHER_YEAR)
    say(dispatcher, template, detail=knowledge.detail(detail_id).name_in(turn_language()), year=other_year or "",
        facts=facts_text(facts), sources=facts_sources(knowledge, facts))  # fmt: skip


def said_details(
    dispatcher: CollectingDispatcher,
    knowledge: Knowledge,
    text: str,
    held: Mapping[str, str],
    thing: str,
    answered_anyway: Collection[str] = (),
    website: str | None = None,
) -> bool:
    """Says each detail `text` asks that `thing` holds (its fact) or not (the honest answer, pointing to
    `website`, the organisation's by default); the details in `answered_anyway` the thing's own answer says.
    Whether every detail asked was said: the caller's own answer is then not needed."""
    asked = [detail for detail in knowledge.details_in(text) if detail.id not in answered_anyway]
    said: set[str] = set()
    for detail in asked:
        name = detail.name_in(turn_language())
        if detail.id not in held:
            say(dispatcher, words().DETAIL_UNKNOWN, detail=name, thing=thing,
                website=website or knowledge.organisation.website)  # fmt: skip
            continue
        if held[detail.id] in said:  # one fact answers two details ("quand et à quelle occasion ?")
            continue
        said.add(held[detail.id])
        say_fact_of_detail(dispatcher, knowledge, held[detail.id], detail.id, text)
    return bool(asked)


def said_not_held_of_label(dispatcher: CollectingDispatcher, knowledge: Knowledge, text: str, label: Label) -> bool:
    """The honest answer for each detail asked of a label that it does not hold ("renouvelé ?", "quel jour ?");
    its years, issuer, held details and what its facts say it brings ("pourquoi ?") are the label's own answer."""
    held = {"year", "issuer", "founded", "opened", "purpose", *label.details}
    return said_details(dispatcher, knowledge, text, {}, the_label(label), held)
