"""The schema of the knowledge file: its entries as pydantic models, each field checked on loading."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, Extra, conint, conlist, constr, validator

from actions.topic_registry import Topic

WEB_URL_PATTERN = r"^https?://\S+$"

if TYPE_CHECKING:
    # What mypy sees: the values pydantic gives, as constr, conint and conlist validate plain str, int and list.
    _Item = TypeVar("_Item")
    NonEmptyText = str
    Identifier = str
    Year = int
    WebUrl = str
    Count = int
    NonEmptyList = list[_Item]
else:
    NonEmptyText = constr(strip_whitespace=True, min_length=1)
    Identifier = constr(regex=r"^[a-z][a-z0-9_]*$")
    Year = conint(ge=1900, le=2100)
    WebUrl = constr(strip_whitespace=True, regex=WEB_URL_PATTERN)
    Count = conint(ge=1)

    class NonEmptyList:
        """`NonEmptyList[T]`: a list of at least one T (pydantic's `conlist(T, min_items=1)`)."""

        def __class_getitem__(cls, item_type: Any) -> Any:
            return conlist(item_type, min_items=1)


class _Entry(BaseModel):
    class Config:
        extra = Extra.forbid  # a misspelt key is an error, not a silently ignored field
        frozen = True  # read-only, and hashable: a fact said for two reasons is said once


class Source(_Entry):
    title: NonEmptyText
    url: WebUrl | None = None
    # The day someone last read the source and checked the facts that rest on it (see `stale_sources`).
    checked_on: date

    @validator("checked_on", pre=True)
    def _a_past_day(cls, value: object) -> date:
        return _checked_day(value, today=date.today())


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _checked_day(value: object, today: date) -> date:
    """A day written YYYY-MM-DD, today or before: a source cannot have been checked in the future."""
    day = _written_day(value)
    if day > today:
        raise ValueError(f"{day} est dans le futur (nous sommes le {today})")
    return day


def _written_day(value: object) -> date:
    """A day written YYYY-MM-DD; ValueError, in French, for anything else (the staff read it)."""
    day = _iso_day(value)
    if day is None:
        shown = "la valeur est vide" if value is None or value == "" else f"« {value} » n'est pas une date valide"
        raise ValueError(f"{shown} (AAAA-MM-JJ)")
    return day


def _iso_day(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:  # 2026-02-30
            return None
    return None


# Every text the bot says is written in French and in English (`<field>_en`), saying the same thing; the
# bot says the one of the visitor's language. Names (organisation, centres, sources' titles) are said as
# they are in both languages.
Language = Literal["fr", "en"]


class _Said(_Entry):
    """An entry whose text the bot says, in French (`text`) or in English (`text_en`)."""

    text: NonEmptyText
    text_en: NonEmptyText

    def text_in(self, language: Language) -> str:
        return self.text_en if language == "en" else self.text


class Fact(_Said):
    source: Identifier
    # How visitors ask for this fact, in French or English: the fact search (actions/fact_search.py) finds it
    # from these and from its texts, with no retraining.
    asked: tuple[NonEmptyText, ...] = ()
    # The last day the fact is true (an event, this year's hours), when a source says so: the day after, the bot
    # stops saying it (`Knowledge`, at each look-up) and the weekly report lists it. None: true until edited.
    valid_until: date | None = None

    @validator("valid_until", pre=True)
    def _a_day(cls, value: object) -> date | None:
        return None if value is None else _written_day(value)

    def current_on(self, day: date) -> bool:
        """Whether the fact is still true on `day` (its `valid_until` is that day or later, or it has none)."""
        return self.valid_until is None or self.valid_until >= day


class Organisation(_Entry):
    name: NonEmptyText
    short_name: NonEmptyText
    website: WebUrl
    source: Identifier
    # The fact that answers each detail a visitor may ask of it (a key of `details`): "combien de visiteurs ?".
    details: dict[Identifier, Identifier] = {}


class HistoryEvent(_Said):
    year: Year
    source: Identifier
    asked: tuple[NonEmptyText, ...] = ()  # as a fact's


class Centre(_Entry):
    id: Identifier
    name: NonEmptyText
    kind: Literal["main", "associated"]
    aliases: list[NonEmptyText] = []
    facts: list[Identifier] = []
    # The fact that says where the centre is, and the one that says when it opened, when a source has them.
    address: Identifier | None = None
    opened: Identifier | None = None
    details: dict[Identifier, Identifier] = {}
    source: Identifier


class Label(_Entry):
    id: Identifier
    name: NonEmptyText
    name_en: NonEmptyText
    # A label is obtained; a charter is signed: the wording follows.
    kind: Literal["label", "charter"] = "label"
    years: NonEmptyList[Year]
    issuer: NonEmptyText | None = None
    issuer_en: NonEmptyText | None = None
    facts: NonEmptyList[Identifier]
    aliases: list[NonEmptyText] = []
    details: dict[Identifier, Identifier] = {}
    source: Identifier

    def name_in(self, language: Language) -> str:
        return self.name_en if language == "en" else self.name

    def issuer_in(self, language: Language) -> str | None:
        return self.issuer_en if language == "en" else self.issuer


class NetworkPlace(_Entry):
    """A town with a Cité des Métiers of the network that is not a centre of this association (Paris)."""

    name: NonEmptyText
    aliases: list[NonEmptyText] = []
    facts: NonEmptyList[Identifier]


class Network(_Said):
    cities: Count
    countries: Count
    url: WebUrl
    source: Identifier
    places: list[NetworkPlace] = []
    # The words that name the network in a question ("le réseau", "network").
    aliases: list[NonEmptyText] = []
    details: dict[Identifier, Identifier] = {}
    asked: tuple[NonEmptyText, ...] = ()  # as a fact's


class Need(_Entry):
    """A need visitors come with (a training, a job...): what the centre offers for it, and public services."""

    id: Identifier
    title: NonEmptyText
    title_en: NonEmptyText
    aliases: NonEmptyList[NonEmptyText]
    facts: list[Identifier] = []
    services: list[Identifier] = []

    def title_in(self, language: Language) -> str:
        return self.title_en if language == "en" else self.title


class Needs(_Entry):
    help: NonEmptyList[Identifier]
    items: NonEmptyList[Need]


class Unknown(_Entry):
    """Something visitors ask that no source holds (parking, events...): said plainly, with what helps anyway."""

    id: Identifier
    subject: NonEmptyText
    subject_en: NonEmptyText
    aliases: NonEmptyList[NonEmptyText]
    facts: list[Identifier] = []

    def subject_in(self, language: Language) -> str:
        return self.subject_en if language == "en" else self.subject


class Referral(_Entry):
    """A question only a person or another public service answers (labour law, a salary, writing a CV for the
    visitor...): the bot gives no advice or figure of its own, only where to get the answer."""

    id: Identifier
    subject: NonEmptyText
    subject_en: NonEmptyText
    aliases: NonEmptyList[NonEmptyText]
    facts: NonEmptyList[Identifier]

    def subject_in(self, language: Language) -> str:
        return self.subject_en if language == "en" else self.subject


class Distress(_Entry):
    """What the bot says to a person in distress, after a few human words: the numbers, then the advisers."""

    facts: NonEmptyList[Identifier]


class Detail(_Entry):
    """An attribute a visitor may ask of a thing ("il regroupe combien de pays ?"): its name, said in the
    honest "I don't have it" when the thing has none, and the words that ask for it."""

    id: Identifier
    name: NonEmptyText
    name_en: NonEmptyText
    aliases: NonEmptyList[NonEmptyText]

    def name_in(self, language: Language) -> str:
        return self.name_en if language == "en" else self.name


# An entry with an id of its own, unique within its list.
IdentifiedEntry = TypeVar("IdentifiedEntry", bound=Centre | Label | Need | Unknown | Referral | Detail)


class KnowledgeFile(_Entry):
    schema_version: Literal[1]
    sources: dict[Identifier, Source]
    organisation: Organisation
    facts: dict[Identifier, Fact]
    topics: dict[Topic, NonEmptyList[Identifier]]
    history: NonEmptyList[HistoryEvent]
    centres: NonEmptyList[Centre]
    labels: NonEmptyList[Label]
    network: Network
    needs: Needs
    unknowns: NonEmptyList[Unknown]
    distress: Distress
    referrals: NonEmptyList[Referral]
    details: NonEmptyList[Detail]
    # Questions about the centre that no source answers, for the fact search (actions/fact_search.py).
    not_held_asked: tuple[NonEmptyText, ...] = ()
