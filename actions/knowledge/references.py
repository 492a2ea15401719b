"""The checks of the knowledge file that its schema cannot express: between entries, across the file. Each problem
says, in French, which entry and what to do, with the path to the entry (`loc`) for its line in the file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from actions.knowledge.schema import Centre, IdentifiedEntry, KnowledgeFile, Label
from actions.topic_registry import Topic


@dataclass(frozen=True)
class Problem:
    """What is wrong (a French sentence) and where: the keys and indexes that lead to it, and the entry in plain
    words (« fait "free" »)."""

    loc: tuple[str | int, ...]
    where: str
    sentence: str


def reference_problems(content: KnowledgeFile) -> list[Problem]:
    """Checks the schema cannot express: references resolve, ids are unique, nothing is missing."""
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], where: str, sentence: str) -> None:
        problems.append(Problem(loc, where, sentence))

    def check_source(loc: tuple[str | int, ...], where: str, source_id: str) -> None:
        if source_id not in content.sources:
            add(
                (*loc, "source"),
                where,
                f'la source "{source_id}" n\'est pas déclarée sous `sources:`. Corrigez son orthographe '
                f"(sources déclarées : {', '.join(content.sources)}) ou déclarez-la sous `sources:` "
                f"(title, url, checked_on).",
            )

    def check_facts(loc: tuple[str | int, ...], where: str, fact_ids: Iterable[str]) -> None:
        for index, fact_id in enumerate(fact_ids):
            if fact_id not in content.facts:
                add(
                    (*loc, index),
                    where,
                    f'le fait "{fact_id}" n\'est pas déclaré sous `facts:`. Corrigez son orthographe ou '
                    f"ajoutez-le sous `facts:` (text, text_en, source).",
                )

    check_source(("organisation",), "organisation", content.organisation.source)
    for fact_id, fact in content.facts.items():
        check_source(("facts", fact_id), f'fait "{fact_id}"', fact.source)
    for topic in Topic:
        if topic not in content.topics:
            add(
                ("topics",),
                "",
                f'le sujet "{topic.value}" manque sous `topics:`. Le bot en a besoin pour répondre : '
                f"ajoutez-le avec les clés de ses faits.",
            )
    for topic, fact_ids in content.topics.items():
        check_facts(("topics", topic.value), f'sujet "{topic.value}"', fact_ids)
    for index, event in enumerate(content.history):
        check_source(("history", index), f"historique, année {event.year}", event.source)

    def each_entry(
        loc: tuple[str | int, ...], kind: str, entries: Sequence[IdentifiedEntry]
    ) -> Iterable[tuple[tuple[str | int, ...], str, IdentifiedEntry]]:
        """(loc, where, entry) for each entry of a list, reporting an id used twice."""
        seen_ids = set()
        for index, entry in enumerate(entries):
            where = f'{kind} "{entry.id}"'
            if entry.id in seen_ids:
                add(
                    (*loc, index, "id"),
                    f"{kind} n° {index + 1}",
                    f'l\'identifiant "{entry.id}" est déjà pris par une autre entrée. Donnez à chacune le sien.',
                )
            seen_ids.add(entry.id)
            yield (*loc, index), where, entry

    sourced_entries: tuple[tuple[str, str, Sequence[Centre | Label]], ...] = (
        ("centres", "centre", content.centres),
        ("labels", "label", content.labels),
    )
    for section, kind, entries in sourced_entries:
        for loc, where, entry in each_entry((section,), kind, entries):
            check_source(loc, where, entry.source)
            check_facts((*loc, "facts"), where, entry.facts)
    for index, label in enumerate(content.labels):
        if (label.issuer is None) != (label.issuer_en is None):
            given, missing = ("issuer", "issuer_en") if label.issuer_en is None else ("issuer_en", "issuer")
            add(
                ("labels", index, given),
                f'label "{label.id}"',
                f"`{given}` est donné mais pas `{missing}`. L'organisme est dit en français (issuer) et en "
                f"anglais (issuer_en) : donnez les deux, ou aucun si aucune source ne le nomme.",
            )
    main_centres = [centre.id for centre in content.centres if centre.kind == "main"]
    if len(main_centres) != 1:
        add(
            ("centres",),
            "centres",
            f'il faut exactement un centre de type "main" ({len(main_centres)} trouvé(s)). Mettez '
            f"`kind: main` au centre de Marseille et `kind: associated` aux autres.",
        )
    check_source(("network",), "réseau", content.network.source)
    for index, place in enumerate(content.network.places):
        check_facts(("network", "places", index, "facts"), f'réseau, lieu "{place.name}"', place.facts)
    check_facts(("needs", "help"), "besoins, faits dits pour tout besoin", content.needs.help)
    for loc, where, need in each_entry(("needs", "items"), "besoin", content.needs.items):
        check_facts((*loc, "facts"), where, need.facts)
        check_facts((*loc, "services"), f"{where}, services", need.services)
    for loc, where, unknown in each_entry(("unknowns",), "sujet sans source", content.unknowns):
        check_facts((*loc, "facts"), where, unknown.facts)
    for index, centre in enumerate(content.centres):
        for key in ("address", "opened"):
            fact_id = getattr(centre, key)
            if fact_id:
                check_facts(("centres", index, key), f'centre "{centre.id}"', [fact_id])
    check_facts(("distress", "facts"), "détresse", content.distress.facts)
    for loc, where, referral in each_entry(("referrals",), "renvoi", content.referrals):
        check_facts((*loc, "facts"), where, referral.facts)
    detail_ids = [detail.id for _, _, detail in each_entry(("details",), "précision", content.details)]
    with_details: list[tuple[tuple[str | int, ...], str, dict[str, str]]] = [
        (("organisation",), "organisation", content.organisation.details),
        (("network",), "réseau", content.network.details),
        *(
            (("centres", index), f'centre "{centre.id}"', centre.details)
            for index, centre in enumerate(content.centres)
        ),
        *((("labels", index), f'label "{label.id}"', label.details) for index, label in enumerate(content.labels)),
    ]
    for loc, where, details in with_details:
        for detail_id, fact_id in details.items():
            check_facts((*loc, "details", detail_id), f"{where}, précisions", [fact_id])
            if detail_id not in detail_ids:
                add(
                    (*loc, "details", detail_id),
                    f"{where}, précisions",
                    f'la précision "{detail_id}" n\'est pas déclarée sous `details:`. Corrigez son orthographe '
                    f"(précisions déclarées : {', '.join(detail_ids)}) ou déclarez-la (name, name_en, aliases).",
                )
    return problems
