"""The knowledge base: the validated file, with the look-ups the actions need."""

from __future__ import annotations

from collections.abc import Iterable

from actions.knowledge.lookup import NameIndex, match_name
from actions.knowledge.schema import (
    Centre,
    Detail,
    Fact,
    KnowledgeFile,
    Label,
    Need,
    NetworkPlace,
    Referral,
    Source,
    Unknown,
)
from actions.knowledge.text import normalise
from actions.topic_registry import Topic


class Knowledge:
    """Validated facts, with the look-ups the actions need."""

    def __init__(self, content: KnowledgeFile) -> None:
        self._content = content
        self.organisation = content.organisation
        self.history = sorted(content.history, key=lambda event: event.year)
        self.centres = list(content.centres)
        self.labels = sorted(content.labels, key=lambda label: min(label.years))
        self.network = content.network
        self._centre_by_id = {centre.id: centre for centre in self.centres}
        self._label_by_id = {label.id: label for label in self.labels}
        self._centre_names = NameIndex(
            (centre.id, [centre.name, centre.id, *centre.aliases]) for centre in self.centres
        )
        self._label_names = NameIndex(
            (label.id, [label.name, label.name_en, label.id, *label.aliases]) for label in self.labels
        )
        # In free text, not the ids: "cite_des_metiers" would make "quels labels la cité des métiers a obtenu ?"
        # ask for the label Cité des Métiers, when the organisation's name alone names the organisation.
        self._label_text_names = NameIndex(
            (label.id, [label.name, label.name_en, *label.aliases]) for label in self.labels
        )
        self.needs = list(content.needs.items)
        self._need_by_id = {need.id: need for need in self.needs}
        self._need_names = NameIndex((need.id, need.aliases) for need in self.needs)
        self.unknowns = list(content.unknowns)
        self._unknown_by_id = {unknown.id: unknown for unknown in self.unknowns}
        self._unknown_names = NameIndex((unknown.id, unknown.aliases) for unknown in self.unknowns)
        self._place_by_name = {place.name: place for place in self.network.places}
        self.referrals = list(content.referrals)
        self._referral_by_id = {referral.id: referral for referral in self.referrals}
        self._referral_names = NameIndex((referral.id, referral.aliases) for referral in self.referrals)
        self.details = list(content.details)
        self.not_held_asked = list(content.not_held_asked)
        self._detail_by_id = {detail.id: detail for detail in self.details}
        self._detail_names = NameIndex((detail.id, detail.aliases) for detail in self.details)
        self._network_names = NameIndex([("network", self.network.aliases)])
        self._place_names = NameIndex((place.name, [place.name, *place.aliases]) for place in self.network.places)

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
        centre_id = match_name(query, self._centre_names)
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
        label_id = match_name(query, self._label_names)
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
        name = match_name(query, self._place_names)
        return self._place_by_name[name] if name else None
