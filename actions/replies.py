"""French formatting of knowledge for replies: lists, years, facts, sources, visitor words.

Wording lives in `actions.wording`; these helpers only shape the facts that fill it.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import Fact, Knowledge, Label, strip_accents

# What of a visitor's words may be echoed in a reply: letters, digits, spaces, ' and -, briefly.
_ECHO_MAX_LENGTH = 40
_NOT_ECHOABLE = re.compile(r"[^\w\s'’-]|_")


def french_list(items: Sequence[str]) -> str:
    """'Gap', 'Gap et Istres', 'Gap, Istres et Martigues'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def years_text(years: Iterable[int]) -> str:
    return french_list([str(year) for year in sorted(years)])


def facts_text(facts: Iterable[Fact]) -> str:
    return "\n".join(fact.text for fact in facts)


def sources_text(knowledge: Knowledge, source_ids: Iterable[str]) -> str:
    """'Source : …' or 'Sources : … ; …': the distinct sources, each as its link if it has one, else its title."""
    distinct: list[str] = []
    for source_id in source_ids:
        source = knowledge.source(source_id)
        reference = source.url or source.title
        if reference not in distinct:
            distinct.append(reference)
    return f"{'Sources' if len(distinct) > 1 else 'Source'} : {' ; '.join(distinct)}"


def of_place(name: str) -> str:
    """'de Gap', "d'Istres": French elision before a vowel."""
    return f"d'{name}" if strip_accents(name[:1]).lower() in "aeiouy" else f"de {name}"


def capitalised(text: str) -> str:
    """'label Diversité' -> 'Label Diversité', to open a sentence."""
    return text[:1].upper() + text[1:]


def facts_sources(knowledge: Knowledge, facts: Iterable[Fact]) -> str:
    return sources_text(knowledge, (fact.source for fact in facts))


def label_line(label: Label) -> str:
    return f"- {years_text(label.years)} : {label.name}"


def echoable(visitor_text: str) -> str:
    """A visitor's words made safe to repeat: no markup or symbols, short, capitalised."""
    return capitalised(" ".join(_NOT_ECHOABLE.sub(" ", visitor_text).split())[:_ECHO_MAX_LENGTH].strip())


def distinct_entity_values(tracker: Tracker, entity: str) -> list[str]:
    """The distinct values of an entity in the latest message, in the order the visitor wrote them."""
    values: list[str] = []
    for value in tracker.get_latest_entity_values(entity):
        if isinstance(value, str) and value.strip() and value not in values:
            values.append(value)
    return values


def say(dispatcher: CollectingDispatcher, template: str, **values: Any) -> None:
    """Send a reply: a wording template of `actions.wording` filled with facts."""
    dispatcher.utter_message(text=template.format(**values))
