"""The assistant's knowledge: load, validate, look up, and normalise French text.

Pure Python (PyYAML and pydantic), with no dependency on Rasa, so that it can be used and
tested on its own. The knowledge file is the single source of truth for every fact the bot says;
see `knowledge/cite_des_metiers.yml`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, Extra, ValidationError, conint, conlist, constr, validator

# The topics are declared in their registry; re-exported here, beside the schema that checks their sections.
from actions.topic_registry import Topic as Topic

if TYPE_CHECKING:
    from pydantic.error_wrappers import ErrorDict

DEFAULT_KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "cite_des_metiers.yml"

# How close a misspelt name must be to a known one (difflib ratio) to be taken for it:
# "marsielle" -> "marseille" is 0.89, "istre" -> "istres" 0.91, while "arles" -> "istres" is 0.55.
FUZZY_MATCH_CUTOFF = 0.8
# Shorter words are too easily close to a name by chance ("gap" / "gaz").
_FUZZY_MIN_LENGTH = 4
# Within a sentence, only long words are corrected: "forme" must not become "former".
_TYPO_MIN_LENGTH = 7

# Abbreviations visitors use in place names, expanded before matching ("St Raphaël" -> "saint raphael").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# Words around a place or label name that do not identify it ("le centre de Gap", "à Istres", "the centre in Gap").
_FILLER_WORDS = frozenset(
    "a au aux de des du d l le la les en sur ville centre centres cite cites metiers antenne "
    "label labels votre vos et pour "
    "the in at of center centers city town your and".split()
)


class KnowledgeError(Exception):
    """The knowledge file cannot be used; the message names the file, each entry and what is wrong."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(
            f"Knowledge file {path} is invalid ({len(self.problems)} problem(s)):\n{lines}\n"
            f"Fix these entries, then check with `make validate`."
        )


# --- Schema of the knowledge file ------------------------------------------------------------

_WEB_URL_PATTERN = r"^https?://\S+$"

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
    WebUrl = constr(strip_whitespace=True, regex=_WEB_URL_PATTERN)
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
    day = _iso_day(value)
    if day is None:
        shown = "an empty value" if value is None or value == "" else repr(value)
        raise ValueError(f"{shown} is not a valid date (YYYY-MM-DD)")
    if day > today:
        raise ValueError(f"{day} is in the future (today is {today})")
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
_IdentifiedEntry = TypeVar("_IdentifiedEntry", bound=Centre | Label | Need | Unknown | Referral | Detail)


class _KnowledgeFile(_Entry):
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


# --- Normalisation of French text ------------------------------------------------------------


def strip_accents(text: str) -> str:
    """'Égalité' -> 'Egalite'; ligatures opened ('œ' -> 'oe')."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return without_accents.replace("œ", "oe").replace("æ", "ae").replace("Œ", "OE").replace("Æ", "AE")


def normalise(text: str) -> str:
    """Fold French text for matching: lower case, no accents or punctuation, abbreviations expanded.

    >>> normalise("  Cité des MÉTIERS d'Aix-en-Provence, St-Raphaël !")
    'cite des metiers d aix en provence saint raphael'
    """
    words = re.sub(r"[^a-z0-9]+", " ", strip_accents(text.lower())).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def _significant_words(normalised: str) -> str:
    return " ".join(word for word in normalised.split() if word not in _FILLER_WORDS)


def _match_name(query: str, index: _NameIndex) -> str | None:
    """Find the id whose name or alias the query designates, tolerating accents, spacing and typos."""
    normalised = normalise(query)
    candidates = [normalised, _significant_words(normalised)]
    for candidate in candidates:
        # "la-garde", "la garde" and "lagarde" are one name.
        for key in (candidate, candidate.replace(" ", "")):
            if key and key in index.exact:
                return index.exact[key]
    for candidate in candidates:
        # Typos, checked against whole names only: "gard" must not be taken for "(la) garde".
        key = candidate.replace(" ", "")
        if len(key) >= _FUZZY_MIN_LENGTH:
            close = difflib.get_close_matches(key, index.fuzzy, n=1, cutoff=FUZZY_MATCH_CUTOFF)
            if close:
                return index.fuzzy[close[0]]
    return None


class _NameIndex:
    """Normalised names of entries: every accepted form for exact look-up, whole names for typos."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.exact: dict[str, str] = {}
        self.fuzzy: dict[str, str] = {}
        self.whole: dict[str, str] = {}
        for entry_id, names in entries:
            for name in names:
                normalised = normalise(name)
                self.whole.setdefault(normalised, entry_id)
                self.fuzzy.setdefault(normalised.replace(" ", ""), entry_id)
                for key in (normalised, _significant_words(normalised)):
                    if key:
                        self.exact.setdefault(key, entry_id)
                        self.exact.setdefault(key.replace(" ", ""), entry_id)

    def found_in(self, text: str) -> list[str]:
        """Like `mentioned_in`, and failing that, with each long word one typo away from a one-word name
        taken for that name ("reconvertion")."""
        return self.mentioned_in(text) or self.mentioned_in(self._corrected(text))

    def _corrected(self, text: str) -> str:
        """The text with each long word one typo away from a one-word name replaced by that name."""
        single_words = [name for name in self.whole if " " not in name and len(name) >= _TYPO_MIN_LENGTH]
        words = normalise(text).split()
        for index, word in enumerate(words):
            if len(word) >= _TYPO_MIN_LENGTH and word not in self.whole:
                close = difflib.get_close_matches(word, single_words, n=1, cutoff=FUZZY_MATCH_CUTOFF)
                if close:
                    words[index] = close[0]
        return " ".join(words)

    def mentioned_in(self, text: str) -> list[str]:
        """Ids of the entries whose whole name or alias appears as words in the text, in order of appearance.

        Longer names first, and a name found hides the words it covers: "charte de la diversité"
        names the charter, not also the label "diversité".
        """
        padded = f" {normalise(text)} "
        positions: dict[str, int] = {}
        for name in sorted(self.whole, key=len, reverse=True):
            position = padded.find(f" {name} ") if name else -1
            while position >= 0:
                entry_id = self.whole[name]
                positions[entry_id] = min(position, positions.get(entry_id, position))
                padded = padded[: position + 1] + "_" * len(name) + padded[position + 1 + len(name) :]
                position = padded.find(f" {name} ")
        return sorted(positions, key=positions.__getitem__)


# --- The knowledge base ----------------------------------------------------------------------


class Knowledge:
    """Validated facts, with the look-ups the actions need."""

    def __init__(self, content: _KnowledgeFile) -> None:
        self._content = content
        self.organisation = content.organisation
        self.history = sorted(content.history, key=lambda event: event.year)
        self.centres = list(content.centres)
        self.labels = sorted(content.labels, key=lambda label: min(label.years))
        self.network = content.network
        self._centre_by_id = {centre.id: centre for centre in self.centres}
        self._label_by_id = {label.id: label for label in self.labels}
        self._centre_names = _NameIndex(
            (centre.id, [centre.name, centre.id, *centre.aliases]) for centre in self.centres
        )
        self._label_names = _NameIndex(
            (label.id, [label.name, label.name_en, label.id, *label.aliases]) for label in self.labels
        )
        # In free text, not the ids: "cite_des_metiers" would make "quels labels la cité des métiers a obtenu ?"
        # ask for the label Cité des Métiers, when the organisation's name alone names the organisation.
        self._label_text_names = _NameIndex(
            (label.id, [label.name, label.name_en, *label.aliases]) for label in self.labels
        )
        self.needs = list(content.needs.items)
        self._need_by_id = {need.id: need for need in self.needs}
        self._need_names = _NameIndex((need.id, need.aliases) for need in self.needs)
        self.unknowns = list(content.unknowns)
        self._unknown_by_id = {unknown.id: unknown for unknown in self.unknowns}
        self._unknown_names = _NameIndex((unknown.id, unknown.aliases) for unknown in self.unknowns)
        self._place_by_name = {place.name: place for place in self.network.places}
        self.referrals = list(content.referrals)
        self._referral_by_id = {referral.id: referral for referral in self.referrals}
        self._referral_names = _NameIndex((referral.id, referral.aliases) for referral in self.referrals)
        self.details = list(content.details)
        self.not_held_asked = list(content.not_held_asked)
        self._detail_by_id = {detail.id: detail for detail in self.details}
        self._detail_names = _NameIndex((detail.id, detail.aliases) for detail in self.details)
        self._network_names = _NameIndex([("network", self.network.aliases)])
        self._place_names = _NameIndex((place.name, [place.name, *place.aliases]) for place in self.network.places)

    @property
    def main_centre(self) -> Centre:
        return next(centre for centre in self.centres if centre.kind == "main")

    @property
    def associated_centres(self) -> list[Centre]:
        return [centre for centre in self.centres if centre.kind == "associated"]

    def all_facts(self) -> dict[str, Fact]:
        return dict(self._content.facts)

    def fact(self, fact_id: str) -> Fact:
        return self._content.facts[fact_id]

    def facts(self, fact_ids: Iterable[str]) -> list[Fact]:
        return [self.fact(fact_id) for fact_id in fact_ids]

    def topic(self, topic: Topic) -> list[Fact]:
        return self.facts(self._content.topics[topic])

    def topic_fact_ids(self, topic: Topic) -> list[str]:
        return list(self._content.topics[topic])

    def source(self, source_id: str) -> Source:
        return self._content.sources[source_id]

    @property
    def sources(self) -> dict[str, Source]:
        """Every source by key, in the file's order."""
        return dict(self._content.sources)

    def facts_on(self, source_id: str) -> list[str]:
        """The keys of the facts that rest on a source, in the file's order."""
        return [key for key, fact in self._content.facts.items() if fact.source == source_id]

    def entries_on(self, source_id: str) -> list[str]:
        """The other entries that name a source as theirs, in the file's order: 'organisation',
        'history > 1993', 'centres > gap', 'labels > spo', 'network'. (Topics, needs and subjects without a
        source name facts, not sources: they rest on a source through `facts_on`.)"""
        content = self._content
        named = [
            ("organisation", content.organisation.source),
            *((f"history > {event.year}", event.source) for event in content.history),
            *((f"centres > {centre.id}", centre.source) for centre in content.centres),
            *((f"labels > {label.id}", label.source) for label in content.labels),
            ("network", content.network.source),
        ]
        return [where for where, named_source in named if named_source == source_id]

    def label(self, label_id: str) -> Label:
        return self._label_by_id[label_id]

    def find_centre(self, query: str) -> Centre | None:
        """The centre a visitor's words designate ("lagarde", "marsielle", "St ..."), or None."""
        centre_id = _match_name(query, self._centre_names)
        return self._centre_by_id[centre_id] if centre_id else None

    def centres_in(self, text: str) -> list[Centre]:
        """The centres a free text names ("vous êtes à Gap ou à Istres ?"), as they come in it.

        "Marseille" within the organisation's own name ("la Cité des Métiers de Marseille") names no centre.
        """
        organisation = self.organisation
        text = f" {normalise(text)} "
        main = self.main_centre.name
        for own_name in (
            organisation.name,
            f"{organisation.short_name} de {main}",
            f"{organisation.short_name} in {main}",
        ):
            text = text.replace(f" {normalise(own_name)} ", " ")
        return [self._centre_by_id[centre_id] for centre_id in self._centre_names.mentioned_in(text)]

    def labels_in(self, text: str) -> list[Label]:
        """The labels a free text names, as they come in it."""
        return [self._label_by_id[label_id] for label_id in self._label_text_names.mentioned_in(text)]

    def find_label(self, query: str) -> Label | None:
        """The label a visitor's words (or an NLU entity value) designate, or None."""
        label_id = _match_name(query, self._label_names)
        return self._label_by_id[label_id] if label_id else None

    def centre(self, centre_id: str) -> Centre | None:
        return self._centre_by_id.get(centre_id)

    def labels_of_year(self, year: int) -> list[Label]:
        return [label for label in self.labels if year in label.years]

    @property
    def need_help(self) -> list[Fact]:
        """The facts said for every need: what the centre is for, the advisers, the resources."""
        return self.facts(self._content.needs.help)

    def needs_in(self, text: str) -> list[Need]:
        """The needs a visitor's message names ("une formation", "mon CV", "la VAE"), as they come in it.

        Besides exact words, a long word one typo away from a one-word alias counts ("reconvertion").
        """
        return [self._need_by_id[need_id] for need_id in self._need_names.found_in(text)]

    def unknowns_in(self, text: str) -> list[Unknown]:
        """The subjects without a source that a message asks about (parking, events...), as they come in it."""
        return [self._unknown_by_id[unknown_id] for unknown_id in self._unknown_names.found_in(text)]

    def network_places_in(self, text: str) -> list[NetworkPlace]:
        """The towns of the wider network a free text names ("une Cité des Métiers à Paris ?")."""
        return [self._place_by_name[name] for name in self._place_names.mentioned_in(text)]

    def referrals_in(self, text: str) -> list[Referral]:
        """What a message asks that only a person or another public service answers, as it comes in it."""
        return [self._referral_by_id[referral_id] for referral_id in self._referral_names.mentioned_in(text)]

    def referral(self, referral_id: str) -> Referral | None:
        return self._referral_by_id.get(referral_id)

    @property
    def distress_facts(self) -> list[Fact]:
        return self.facts(self._content.distress.facts)

    def details_in(self, text: str) -> list[Detail]:
        """The attributes a question asks for ("combien de pays", "quel jour"), as they come in it."""
        return [self._detail_by_id[detail_id] for detail_id in self._detail_names.mentioned_in(text)]

    def detail(self, detail_id: str) -> Detail:
        return self._detail_by_id[detail_id]

    def names_network(self, text: str) -> bool:
        """Whether a message names the international network ("le réseau", "the network")."""
        return bool(self._network_names.mentioned_in(text))

    def find_network_place(self, query: str) -> NetworkPlace | None:
        """A town the sources tie to the network though it is not a centre of this association ("Paris")."""
        name = _match_name(query, self._place_names)
        return self._place_by_name[name] if name else None


# --- Sources to check again ------------------------------------------------------------------

# Sources are checked again at least once a year; the command line reads another age from the environment.
DEFAULT_SOURCE_MAX_AGE_DAYS = 365
SOURCE_MAX_AGE_ENV = "SOURCE_MAX_AGE_DAYS"


@dataclass(frozen=True)
class StaleSource:
    """A source not checked for too long, and what rests on it."""

    id: str
    source: Source
    age_days: int  # days since `source.checked_on`
    facts: tuple[str, ...]  # keys of the facts that rest on it
    entries: tuple[str, ...]  # the other entries naming it: 'organisation', 'centres > gap'... (`entries_on`)


def stale_sources(
    knowledge: Knowledge, today: date, max_age_days: int = DEFAULT_SOURCE_MAX_AGE_DAYS
) -> list[StaleSource]:
    """The sources last checked more than `max_age_days` days before `today`, oldest first (then in the
    file's order), each with the facts and entries that rest on it."""
    if max_age_days < 0:
        raise ValueError(f"max_age_days must be 0 or more, not {max_age_days}")
    stale = [
        StaleSource(
            id=source_id,
            source=source,
            age_days=(today - source.checked_on).days,
            facts=tuple(knowledge.facts_on(source_id)),
            entries=tuple(knowledge.entries_on(source_id)),
        )
        for source_id, source in knowledge.sources.items()
        if (today - source.checked_on).days > max_age_days
    ]
    return sorted(stale, key=lambda entry: entry.source.checked_on)


def describe_stale_sources(stale: Sequence[StaleSource], today: date, max_age_days: int) -> str:
    """The stale sources in French, for maintainers: what to read again, and which facts to check on it."""
    if not stale:
        return (
            f"Aucune source à revérifier : toutes ont été vérifiées il y a {_days(max_age_days)} ou moins (au {today})."
        )
    plural = "s" if len(stale) > 1 else ""
    lines = [f"{len(stale)} source{plural} non vérifiée{plural} depuis plus de {_days(max_age_days)} (au {today}) :"]
    for entry in stale:
        link = f", {entry.source.url}" if entry.source.url else ""
        lines += [
            "",
            f"- {entry.id} : « {entry.source.title} »{link}",
            f"  vérifiée le {entry.source.checked_on}, il y a {_days(entry.age_days)}",
            f"  informations : {', '.join(entry.facts) or 'aucune'}",
        ]
        if entry.entries:
            lines.append(f"  autres entrées : {', '.join(entry.entries)}")
    lines += [
        "",
        "Pour chacune : relire la source, corriger ou retirer les informations qu'elle ne dit plus, puis écrire "
        "la date du jour dans son `checked_on` (AAAA-MM-JJ) et lancer `make validate`.",
    ]
    return "\n".join(lines)


def _days(count: int) -> str:
    return f"{count} jour{'s' if count > 1 else ''}"


# --- Loading and validation ------------------------------------------------------------------


def load_knowledge(path: Path | str = DEFAULT_KNOWLEDGE_FILE) -> Knowledge:
    """Read and validate the whole knowledge file; raise KnowledgeError naming every problem."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_KnowledgeLoader)
    except OSError as error:
        raise KnowledgeError(path, [f"cannot read the file: {error.strerror or error}"]) from error
    except UnicodeDecodeError as error:
        raise KnowledgeError(path, [f"the file is not UTF-8 text ({error.reason} at byte {error.start})"]) from error
    except yaml.YAMLError as error:
        raise KnowledgeError(path, [f"not valid YAML: {_describe_yaml_error(error)}"]) from error
    if not isinstance(raw, dict):
        raise KnowledgeError(path, ["the file must be a YAML mapping of sections (sources, facts, topics, ...)"])
    try:
        content = _KnowledgeFile.parse_obj(raw)
    except ValidationError as error:
        raise KnowledgeError(path, [_describe_schema_error(raw, item) for item in error.errors()]) from error
    problems = _reference_problems(content)
    if problems:
        raise KnowledgeError(path, problems)
    return Knowledge(content)


class _KnowledgeLoader(yaml.SafeLoader):
    """YAML's safe loader, with dates left as text for the schema to check: `checked_on: 2026-02-30` is then an
    error naming its source, where the safe loader fails on it without saying where."""


_KnowledgeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _describe_yaml_error(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _describe_schema_error(raw: dict[str, Any], error: ErrorDict) -> str:
    """'labels[2] (id: spo) > years[0]: value is not a valid integer' from a pydantic error."""
    parts: list[str] = []
    node: Any = raw
    for step in error["loc"]:
        if isinstance(step, int):
            parts[-1] += f"[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, dict) and "id" in node:
                parts[-1] += f" (id: {node['id']})"
        elif step != "__root__":
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    where = " > ".join(parts) or "top level"
    return f"{where}: {error['msg']}; {_fix_hint(error)}"


def _fix_hint(error: ErrorDict) -> str:
    """How a maintainer fixes a schema error, in words."""
    field = str(error["loc"][-1]) if error["loc"] else ""
    if field == "checked_on":
        return "write the day the source was last read and its facts checked (today or earlier), e.g. 2026-11-25"
    if error["type"] == "value_error.missing" and field.endswith("_en"):
        french = field.removesuffix("_en")
        return f"the English text is missing: add `{field}`, saying in English what `{french}` says in French"
    pattern = str(error.get("ctx", {}).get("pattern", ""))
    if error["type"] == "value_error.str.regex" and pattern == _WEB_URL_PATTERN:
        return "write a full link starting with https://, e.g. https://www.citedesmetiers.fr"
    if error["type"] == "value_error.str.regex":
        return "write a key in lower-case letters, digits and _, e.g. my_source"
    return _FIX_HINTS.get(error["type"], "see the examples in the file and the maintainers' guide")


_FIX_HINTS = {
    "value_error.missing": "add this field",
    "value_error.extra": "fix the field's spelling or remove it",
    "type_error.integer": "write a whole number, e.g. 2011",
    "type_error.none.not_allowed": "give it a value",
    "type_error.str": "write a text between quotes",
    "type_error.list": "write a list, e.g. [2002, 2005]",
    "type_error.dict": "write a mapping of keys to entries, as in the rest of the file",
    "value_error.any_str.min_length": "write a text; it must not be empty",
    "value_error.list.min_items": "list at least one item",
    "value_error.number.not_ge": "write a larger number",
    "value_error.number.not_le": "write a smaller number",
    "value_error.const": "use one of the permitted values",
    "type_error.enum": "use one of the permitted values",
}


def _reference_problems(content: _KnowledgeFile) -> list[str]:
    """Checks the schema cannot express: references resolve, ids are unique, nothing is missing."""
    problems: list[str] = []

    def check_source(where: str, source_id: str) -> None:
        if source_id not in content.sources:
            problems.append(
                f"{where}: source '{source_id}' is not declared under 'sources'; declare it there "
                f"(title, url) or use one of: {', '.join(content.sources)}"
            )

    def check_facts(where: str, fact_ids: Iterable[str]) -> None:
        for fact_id in fact_ids:
            if fact_id not in content.facts:
                problems.append(
                    f"{where}: fact '{fact_id}' is not declared under 'facts'; add it there (text, source) "
                    f"or fix the key's spelling"
                )

    check_source("organisation", content.organisation.source)
    for fact_id, fact in content.facts.items():
        check_source(f"facts > {fact_id}", fact.source)
    for topic in Topic:
        if topic not in content.topics:
            problems.append(
                f"topics: topic '{topic.value}' is missing; the bot needs it to answer: add it with its facts' keys"
            )
    for topic, fact_ids in content.topics.items():
        check_facts(f"topics > {topic.value}", fact_ids)
    for index, event in enumerate(content.history):
        check_source(f"history[{index}] ({event.year})", event.source)

    def each_entry(kind: str, entries: Sequence[_IdentifiedEntry]) -> Iterable[tuple[str, _IdentifiedEntry]]:
        """(where, entry) for each entry of a list, reporting an id used twice."""
        seen_ids = set()
        for index, entry in enumerate(entries):
            where = f"{kind}[{index}] (id: {entry.id})"
            if entry.id in seen_ids:
                problems.append(f"{where}: id '{entry.id}' is used twice; give each entry its own id")
            seen_ids.add(entry.id)
            yield where, entry

    sourced_entries: tuple[tuple[str, Sequence[Centre | Label]], ...] = (
        ("centres", content.centres),
        ("labels", content.labels),
    )
    for kind, entries in sourced_entries:
        for where, entry in each_entry(kind, entries):
            check_source(where, entry.source)
            check_facts(where, entry.facts)
    for index, label in enumerate(content.labels):
        if (label.issuer is None) != (label.issuer_en is None):
            given, missing = ("issuer", "issuer_en") if label.issuer_en is None else ("issuer_en", "issuer")
            problems.append(
                f"labels[{index}] (id: {label.id}): `{given}` is given but not `{missing}`; the issuer is said in "
                f"French (issuer) and in English (issuer_en): give both, or neither when no source names it"
            )
    main_centres = [centre.id for centre in content.centres if centre.kind == "main"]
    if len(main_centres) != 1:
        problems.append(
            f"centres: exactly one centre must be of kind 'main', found {len(main_centres)}; "
            f"mark the Marseille centre 'main' and the others 'associated'"
        )
    check_source("network", content.network.source)
    for index, place in enumerate(content.network.places):
        check_facts(f"network > places[{index}] ({place.name})", place.facts)
    check_facts("needs > help", content.needs.help)
    for where, need in each_entry("needs > items", content.needs.items):
        check_facts(where, need.facts)
        check_facts(f"{where} > services", need.services)
    for where, unknown in each_entry("unknowns", content.unknowns):
        check_facts(where, unknown.facts)
    for index, centre in enumerate(content.centres):
        check_facts(f"centres[{index}] (id: {centre.id})", [key for key in (centre.address, centre.opened) if key])
    check_facts("distress", content.distress.facts)
    for where, referral in each_entry("referrals", content.referrals):
        check_facts(where, referral.facts)
    detail_ids = [detail.id for _, detail in each_entry("details", content.details)]
    with_details: list[tuple[str, dict[str, str]]] = [
        ("organisation", content.organisation.details),
        ("network", content.network.details),
        *((f"centres > {centre.id}", centre.details) for centre in content.centres),
        *((f"labels > {label.id}", label.details) for label in content.labels),
    ]
    for where, details in with_details:
        check_facts(f"{where} > details", details.values())
        for detail_id in details:
            if detail_id not in detail_ids:
                problems.append(
                    f"{where} > details: detail '{detail_id}' is not declared under 'details'; declare it there "
                    f"(name, name_en, aliases) or use one of: {', '.join(detail_ids)}"
                )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m actions.knowledge [--stale] [FILE]`: check a knowledge file and summarise it; with --stale,
    list (in French) its sources not checked for more than SOURCE_MAX_AGE_DAYS days (365 by default)."""
    import argparse

    parser = argparse.ArgumentParser(description="Check the assistant's knowledge file.")
    parser.add_argument("file", nargs="?", default=str(DEFAULT_KNOWLEDGE_FILE), help="knowledge file to check")
    parser.add_argument(
        "--stale",
        action="store_true",
        help=f"list the sources not checked for more than ${SOURCE_MAX_AGE_ENV} days "
        f"(default {DEFAULT_SOURCE_MAX_AGE_DAYS}) and the facts that rest on them",
    )
    arguments = parser.parse_args(argv)
    path = Path(arguments.file)
    try:
        knowledge = load_knowledge(path)
    except KnowledgeError as error:
        print(error)
        return 1
    if arguments.stale:
        try:
            max_age_days = source_max_age_from_environment()
        except ValueError as error:
            parser.error(str(error))
        today = date.today()
        print(describe_stale_sources(stale_sources(knowledge, today, max_age_days), today, max_age_days))
        return 0
    print(
        f"Knowledge file {path} is valid: {len(knowledge.centres)} centres, {len(knowledge.labels)} labels, "
        f"{len(knowledge.history)} history events, {len(Topic)} topics, {len(knowledge.needs)} needs, "
        f"{len(knowledge.unknowns)} subjects without a source."
    )
    return 0


def source_max_age_from_environment() -> int:
    """SOURCE_MAX_AGE_DAYS (actions/settings.py); ValueError when it is not a whole number of days."""
    from actions import settings  # it imports this module's defaults

    return settings.load().source_max_age_days


if __name__ == "__main__":
    raise SystemExit(main())
