"""The command line of `python -m actions.knowledge` (`make validate`): check the knowledge file, or list its
sources to check again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, load_knowledge
from actions.knowledge.sources import (
    DEFAULT_SOURCE_MAX_AGE_DAYS,
    SOURCE_MAX_AGE_ENV,
    describe_stale_sources,
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
