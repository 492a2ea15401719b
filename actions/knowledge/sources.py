"""What to check again: the sources not read for too long and the facts that rest on them; the facts past their
end date (`valid_until`), or soon past it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Fact, Source

# Sources are checked again at least once a year; the command line reads another age from the environment.
DEFAULT_SOURCE_MAX_AGE_DAYS = 365
SOURCE_MAX_AGE_ENV = "SOURCE_MAX_AGE_DAYS"
# `make validate` warns of the facts that end within this many days.
ENDING_SOON_DAYS = 30


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


def source_max_age_from_environment() -> int:
    """SOURCE_MAX_AGE_DAYS (actions/settings.py); ValueError when it is not a whole number of days."""
    from actions import settings  # it imports this module's default

    return settings.load().source_max_age_days


@dataclass(frozen=True)
class EndingFact:
    """A fact with an end date: past it (`ended`), the bot no longer says it."""

    id: str
    fact: Fact
    valid_until: date
    ended: bool


def ending_facts(knowledge: Knowledge, today: date, within_days: int | None = ENDING_SOON_DAYS) -> list[EndingFact]:
    """The facts ended on `today` (their `valid_until` is before it) and, unless `within_days` is None, those that
    end within that many days; soonest first, then in the file's order."""
    found = [
        EndingFact(key, fact, fact.valid_until, ended=fact.valid_until < today)
        for key, fact in knowledge.every_fact().items()
        if fact.valid_until is not None
        and (fact.valid_until < today or (within_days is not None and (fact.valid_until - today).days <= within_days))
    ]
    return sorted(found, key=lambda entry: entry.valid_until)


def describe_ending_facts(ending: Sequence[EndingFact], today: date) -> list[str]:
    """The ended and soon-ended facts in French, one line each, with what to do; no line when there is none."""
    lines = []
    for entry in ending:
        text = entry.fact.text if len(entry.fact.text) <= 70 else entry.fact.text[:69] + "…"
        if entry.ended:
            state = f"terminée le {entry.valid_until} : le bot ne la dit plus"
        else:
            state = f"se termine le {entry.valid_until} (dans {_days((entry.valid_until - today).days)})"
        lines.append(f"- {entry.id} : « {text} », {state}")
    if lines:
        lines.append(
            "Pour chacune : si elle est toujours vraie (une source le dit), repoussez son `valid_until` ; sinon "
            "mettez-la à jour d'après sa source, ou retirez-la (et sa clé des sujets qui la citent)."
        )
    return lines
