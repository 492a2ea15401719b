"""Formatting of knowledge for replies, in the turn's language: lists, years, facts, sources, visitor words.

Wording lives in `actions.wording` (French) and `actions.wording_en` (English); these helpers only shape the
facts that fill it.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Fact, Label
from actions.knowledge.text import strip_accents
from actions.language import turn_language, words

# What of a visitor's words may be echoed in a reply: letters, digits, spaces, ' and -, briefly.
_ECHO_MAX_LENGTH = 40
_NOT_ECHOABLE = re.compile(r"[^\w\s'’-]|_")
# The line `sources_text` writes, in either language: "Source : …", "Sources: …".
_SOURCES_LINE = re.compile(r"^Sources? ?: ")
_URL_PREFIX = re.compile(r"^https?://(?:www\.)?")


def spoken_list(items: Sequence[str]) -> str:
    """'Gap', 'Gap et Istres', 'Gap, Istres et Martigues' ('Gap, Istres and Martigues' in English)."""
    if len(items) <= 1:
        return "".join(items)
    conjunction = "and" if turn_language() == "en" else "et"
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def colon() -> str:
    """French puts a space before a colon, English does not."""
    return ":" if turn_language() == "en" else " :"


def years_text(years: Iterable[int]) -> str:
    return spoken_list([str(year) for year in sorted(years)])


def facts_text(facts: Iterable[Fact]) -> str:
    return "\n".join(fact.text_in(turn_language()) for fact in facts)


def source_reference(url: str | None, title: str) -> str:
    """A source in few words: its link, titled by its address without "https://www." ("citedesmetiers.fr/projets"),
    else its title up to the first comma ("La Tribune")."""
    if url:
        return f"[{_URL_PREFIX.sub('', url).rstrip('/')}]({url})"
    return title.split(",", 1)[0]


def sources_text(knowledge: Knowledge, source_ids: Iterable[str]) -> str:
    """'Source : …' or 'Sources : … · …': one short line, the distinct sources, each as a link if it has one (the
    sources are French pages: their titles are said in French in both languages)."""
    distinct: list[str] = []
    for source_id in source_ids:
        source = knowledge.source(source_id)
        reference = source_reference(source.url, source.title)
        if reference not in distinct:
            distinct.append(reference)
    return f"{'Sources' if len(distinct) > 1 else 'Source'}{colon()} {' · '.join(distinct)}"


def cites_sources(reply: str) -> bool:
    """Whether a reply states facts: every template with facts ends with their sources (`sources_text`)."""
    return bool(_SOURCES_LINE.match(reply.rstrip().rsplit("\n", 1)[-1]))


def of_place(name: str) -> str:
    """'de Gap', "d'Istres" (French elision before a vowel); 'in Gap' in English."""
    if turn_language() == "en":
        return f"in {name}"
    return f"d'{name}" if strip_accents(name[:1]).lower() in "aeiouy" else f"de {name}"


def capitalised(text: str) -> str:
    """'label Diversité' -> 'Label Diversité', to open a sentence."""
    return text[:1].upper() + text[1:]


def facts_sources(knowledge: Knowledge, facts: Iterable[Fact]) -> str:
    return sources_text(knowledge, (fact.source for fact in facts))


def label_years_template(label: Label) -> str:
    """ "obtained in" for a label, "signed in" for a charter."""
    return str(words().CHARTER_YEARS if label.kind == "charter" else words().LABEL_YEARS)


def the_label(label: Label) -> str:
    """ "le label SPO", "la charte de la diversité": the label named with its article."""
    template = words().THE_CHARTER if label.kind == "charter" else words().THE_LABEL
    return str(template.format(label=label.name_in(turn_language())))


def label_line(label: Label) -> str:
    return f"- {years_text(label.years)}{colon()} {label.name_in(turn_language())}"


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
    """Send a reply: a wording template of `words()` filled with facts."""
    dispatcher.utter_message(text=template.format(**values))
