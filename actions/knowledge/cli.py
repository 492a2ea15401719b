"""The command line of `python -m actions.knowledge` (`make validate`): check the knowledge file, or list its
sources to check again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, load_knowledge
from actions.knowledge.sources import (
    DEFAULT_SOURCE_MAX_AGE_DAYS,
    ENDING_SOON_DAYS,
    SOURCE_MAX_AGE_ENV,
    describe_ending_facts,
    describe_stale_sources,
    ending_facts,
    source_max_age_from_environment,
    stale_sources,
)
from actions.topic_registry import Topic


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m actions.knowledge [--stale] [FILE]`: check a knowledge file and summarise it; with --stale,
    list (in French) its sources not checked for more than SOURCE_MAX_AGE_DAYS days (365 by default)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m actions.knowledge", description="Check the assistant's knowledge file."
    )
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
        print(error)  # every problem, in French, each with its line
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
        f"Le fichier de connaissances {path} est valide : {len(knowledge.centres)} centres, "
        f"{len(knowledge.labels)} labels, {len(knowledge.history)} étapes d'histoire, {len(Topic)} sujets, "
        f"{len(knowledge.needs)} besoins, {len(knowledge.unknowns)} sujets sans source."
    )
    ending = ending_facts(knowledge, date.today())
    if ending:  # a warning, not an error: the file is valid, the bot only stops saying the ended facts
        print(
            f"Attention : {len(ending)} information(s) terminée(s) ou qui se terminent dans les "
            f"{ENDING_SOON_DAYS} jours (`valid_until`) :"
        )
        print("\n".join(describe_ending_facts(ending, date.today())))
    return 0
