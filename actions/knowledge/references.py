"""The checks of the knowledge file that its schema cannot express: between entries, across the file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from actions.knowledge.schema import Centre, IdentifiedEntry, KnowledgeFile, Label
from actions.topic_registry import Topic


def reference_problems(content: KnowledgeFile) -> list[str]:
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

    def each_entry(kind: str, entries: Sequence[IdentifiedEntry]) -> Iterable[tuple[str, IdentifiedEntry]]:
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
