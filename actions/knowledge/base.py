"""The knowledge base: the validated file, with the look-ups the actions need."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from actions.knowledge.lookup import NameIndex, match_name
from actions.knowledge.schema import (
    Centre,
    Detail,
    Fact,
    KnowledgeFile,
    Label,
    Need,
    Network,
    NetworkPlace,
    Organisation,
    Referral,
    Source,
    Unknown,
)
from actions.knowledge.text import normalise
from actions.topic_registry import Topic


@dataclass(frozen=True)
class _Index:
    """The entries of a day's content, by id."""

    centres: list[Centre]
    labels: list[Label]  # by their first year
    needs: list[Need]
    unknowns: list[Unknown]
    referrals: list[Referral]
    centre_by_id: dict[str, Centre]
    label_by_id: dict[str, Label]
    need_by_id: dict[str, Need]
    unknown_by_id: dict[str, Unknown]
    referral_by_id: dict[str, Referral]
    place_by_name: dict[str, NetworkPlace]

    @classmethod
    def of(cls, content: KnowledgeFile) -> _Index:
        labels = sorted(content.labels, key=lambda label: min(label.years))
        return cls(
            centres=list(content.centres),
            labels=labels,
            needs=list(content.needs.items),
            unknowns=list(content.unknowns),
            referrals=list(content.referrals),
            centre_by_id={centre.id: centre for centre in content.centres},
            label_by_id={label.id: label for label in labels},
            need_by_id={need.id: need for need in content.needs.items},
            unknown_by_id={unknown.id: unknown for unknown in content.unknowns},
            referral_by_id={referral.id: referral for referral in content.referrals},
            place_by_name={place.name: place for place in content.network.places},
        )


def current_content(content: KnowledgeFile, ended: frozenset[str]) -> KnowledgeFile:
    """The content without the ended facts and every reference to them: lists lose the key, a centre's address
    or opening becomes unknown, a detail answered by it becomes one the sources do not give."""
    if not ended:
        return content

    def kept(fact_ids: Iterable[str]) -> list[str]:
        return [fact_id for fact_id in fact_ids if fact_id not in ended]

    def kept_details(details: dict[str, str]) -> dict[str, str]:
        return {detail: fact_id for detail, fact_id in details.items() if fact_id not in ended}

    def single(fact_id: str | None) -> str | None:
        return None if fact_id in ended else fact_id

    network = content.network
    return content.copy(
        update={
            "facts": {key: fact for key, fact in content.facts.items() if key not in ended},
            "topics": {topic: kept(fact_ids) for topic, fact_ids in content.topics.items()},
            "organisation": content.organisation.copy(update={"details": kept_details(content.organisation.details)}),
            "centres": [
                centre.copy(
                    update={
                        "facts": kept(centre.facts),
                        "address": single(centre.address),
                        "opened": single(centre.opened),
                        "details": kept_details(centre.details),
                    }
                )
                for centre in content.centres
            ],
            "labels": [
                label.copy(update={"facts": kept(label.facts), "details": kept_details(label.details)})
                for label in content.labels
            ],
            "network": network.copy(
                update={
                    "details": kept_details(network.details),
                    "places": [place.copy(update={"facts": kept(place.facts)}) for place in network.places],
                }
            ),
            "needs": content.needs.copy(
                update={
                    "help": kept(content.needs.help),
                    "items": [
                        need.copy(update={"facts": kept(need.facts), "services": kept(need.services)})
                        for need in content.needs.items
                    ],
                }
            ),
            "unknowns": [unknown.copy(update={"facts": kept(unknown.facts)}) for unknown in content.unknowns],
            "distress": content.distress.copy(update={"facts": kept(content.distress.facts)}),
            "referrals": [referral.copy(update={"facts": kept(referral.facts)}) for referral in content.referrals],
        }
    )


class Knowledge:
    """Validated facts, with the look-ups the actions need.

    A fact past its `valid_until` is no longer said: every look-up reads the facts current on `today()`, the
    file's content without the ended facts and every reference to them (`current_content`), made again when the
    day changes, so that an action server that runs for weeks stops saying a fact the day after it ends.
    """

    def __init__(self, content: KnowledgeFile, today: Callable[[], date] = date.today) -> None:
        self._content = content
        self.today = today
        self._day: date | None = None
        self._current = content
        self._ended: frozenset[str] = frozenset()
        # The names do not end: indexed once, from the whole file.
        self._centre_names = NameIndex(
            (centre.id, [centre.name, centre.id, *centre.aliases]) for centre in content.centres
        )
        self._label_names = NameIndex(
            (label.id, [label.name, label.name_en, label.id, *label.aliases]) for label in content.labels
        )
        # In free text, not the ids: "cite_des_metiers" would make "quels labels la cité des métiers a obtenu ?"
        # ask for the label Cité des Métiers, when the organisation's name alone names the organisation.
        self._label_text_names = NameIndex(
            (label.id, [label.name, label.name_en, *label.aliases]) for label in content.labels
        )
        self._need_names = NameIndex((need.id, need.aliases) for need in content.needs.items)
        self._unknown_names = NameIndex((unknown.id, unknown.aliases) for unknown in content.unknowns)
        self._referral_names = NameIndex((referral.id, referral.aliases) for referral in content.referrals)
        self._detail_by_id = {detail.id: detail for detail in content.details}
        self._detail_names = NameIndex((detail.id, detail.aliases) for detail in content.details)
        self._network_names = NameIndex([("network", content.network.aliases)])
        self._place_names = NameIndex((place.name, [place.name, *place.aliases]) for place in content.network.places)
        self.history = sorted(content.history, key=lambda event: event.year)
        self.details = list(content.details)
        self.not_held_asked = list(content.not_held_asked)
        self._now()

    def _now(self) -> KnowledgeFile:
        """The content current today; made again (about a millisecond) only when the day has changed."""
        day = self.today()
        if day != self._day:
            self._ended = frozenset(key for key, fact in self._content.facts.items() if not fact.current_on(day))
            self._current = current_content(self._content, self._ended)
            self._day = day
            self._index = _Index.of(self._current)
        return self._current

    def _today_index(self) -> _Index:
        self._now()
        return self._index

    def ended_facts(self) -> frozenset[str]:
        """The keys of the facts past their `valid_until` today: the bot no longer says them."""
        self._now()
        return self._ended

    def every_fact(self) -> dict[str, Fact]:
        """Every fact of the file, ended ones too (for the maintainers' lists, never for what the bot says)."""
        return dict(self._content.facts)

    @property
    def organisation(self) -> Organisation:
        return self._now().organisation

    @property
    def network(self) -> Network:
        return self._now().network

    @property
    def centres(self) -> list[Centre]:
        return list(self._today_index().centres)

    @property
    def labels(self) -> list[Label]:
        return list(self._today_index().labels)

    @property
    def needs(self) -> list[Need]:
        return list(self._today_index().needs)

    @property
    def unknowns(self) -> list[Unknown]:
        return list(self._today_index().unknowns)

    @property
    def referrals(self) -> list[Referral]:
        return list(self._today_index().referrals)

    @property
    def main_centre(self) -> Centre:
        return next(centre for centre in self.centres if centre.kind == "main")

    @property
    def associated_centres(self) -> list[Centre]:
        return [centre for centre in self.centres if centre.kind == "associated"]

    def all_facts(self) -> dict[str, Fact]:
        """The facts the bot may say today, by key."""
        return dict(self._now().facts)

    def fact(self, fact_id: str) -> Fact:
        """A fact the bot may say today; KeyError for an ended one (the references to it are gone too)."""
        return self._now().facts[fact_id]

    def facts(self, fact_ids: Iterable[str]) -> list[Fact]:
        """The facts of these keys that the bot may say today, in order: an ended one is left out."""
        facts = self._now().facts
        return [facts[fact_id] for fact_id in fact_ids if fact_id in facts]

    def topic(self, topic: Topic) -> list[Fact]:
        """A topic's facts that the bot may say today (maybe none: every one has ended)."""
        return self.facts(self._now().topics[topic])

    def topic_fact_ids(self, topic: Topic) -> list[str]:
        return list(self._now().topics[topic])

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
        return self._today_index().label_by_id[label_id]

    def find_centre(self, query: str) -> Centre | None:
        """The centre a visitor's words designate ("lagarde", "marsielle", "St ..."), or None."""
        centre_id = match_name(query, self._centre_names)
        return self._today_index().centre_by_id[centre_id] if centre_id else None

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
        return [self._today_index().centre_by_id[centre_id] for centre_id in self._centre_names.mentioned_in(text)]

    def labels_in(self, text: str) -> list[Label]:
        """The labels a free text names, as they come in it."""
        return [self._today_index().label_by_id[label_id] for label_id in self._label_text_names.mentioned_in(text)]

    def find_label(self, query: str) -> Label | None:
        """The label a visitor's words (or an NLU entity value) designate, or None."""
        label_id = match_name(query, self._label_names)
        return self._today_index().label_by_id[label_id] if label_id else None

    def centre(self, centre_id: str) -> Centre | None:
        return self._today_index().centre_by_id.get(centre_id)

    def labels_of_year(self, year: int) -> list[Label]:
        return [label for label in self.labels if year in label.years]

    @property
    def need_help(self) -> list[Fact]:
        """The facts said for every need: what the centre is for, the advisers, the resources."""
        return self.facts(self._now().needs.help)

    def needs_in(self, text: str) -> list[Need]:
        """The needs a visitor's message names ("une formation", "mon CV", "la VAE"), as they come in it.

        Besides exact words, a long word one typo away from a one-word alias counts ("reconvertion").
        """
        return [self._today_index().need_by_id[need_id] for need_id in self._need_names.found_in(text)]

    def unknowns_in(self, text: str) -> list[Unknown]:
        """The subjects without a source that a message asks about (parking, events...), as they come in it."""
        return [self._today_index().unknown_by_id[unknown_id] for unknown_id in self._unknown_names.found_in(text)]

    def network_places_in(self, text: str) -> list[NetworkPlace]:
        """The towns of the wider network a free text names ("une Cité des Métiers à Paris ?")."""
        return [self._today_index().place_by_name[name] for name in self._place_names.mentioned_in(text)]

    def referrals_in(self, text: str) -> list[Referral]:
        """What a message asks that only a person or another public service answers, as it comes in it."""
        return [
            self._today_index().referral_by_id[referral_id] for referral_id in self._referral_names.mentioned_in(text)
        ]

    def referral(self, referral_id: str) -> Referral | None:
        return self._today_index().referral_by_id.get(referral_id)

    @property
    def distress_facts(self) -> list[Fact]:
        return self.facts(self._now().distress.facts)

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
        name = match_name(query, self._place_names)
        return self._today_index().place_by_name[name] if name else None
