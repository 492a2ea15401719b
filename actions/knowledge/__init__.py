"""The assistant's knowledge: load, validate, look up, and normalise French text.

Pure Python (PyYAML and pydantic), with no dependency on Rasa, so that it can be used and
tested on its own. The knowledge file is the single source of truth for every fact the bot says;
see `knowledge/cite_des_metiers.yml`.

One module per job: `topics` (the questions a list of facts answers), `schema` (the file's entries),
`text` (normalisation of French text), `lookup` (the name index), `base` (`Knowledge`, the look-ups the
actions need), `references` (the checks between entries), `loading` (read and validate a file),
`sources` (the sources to check again), `cli` (the command line of `make validate`).
"""

from actions.knowledge.base import Knowledge
from actions.knowledge.cli import main
from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, load_knowledge
from actions.knowledge.schema import Centre, Detail, Fact, HistoryEvent, Label, Language, Need, Referral, Unknown
from actions.knowledge.sources import (
    DEFAULT_SOURCE_MAX_AGE_DAYS,
    SOURCE_MAX_AGE_ENV,
    describe_stale_sources,
    source_max_age_from_environment,
    stale_sources,
)
from actions.knowledge.text import normalise, strip_accents
from actions.knowledge.topics import Topic

__all__ = [
    "DEFAULT_KNOWLEDGE_FILE",
    "DEFAULT_SOURCE_MAX_AGE_DAYS",
    "SOURCE_MAX_AGE_ENV",
    "Centre",
    "Detail",
    "Fact",
    "HistoryEvent",
    "Knowledge",
    "KnowledgeError",
    "Label",
    "Language",
    "Need",
    "Referral",
    "Topic",
    "Unknown",
    "describe_stale_sources",
    "load_knowledge",
    "main",
    "normalise",
    "source_max_age_from_environment",
    "stale_sources",
    "strip_accents",
]
