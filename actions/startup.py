"""Loads and validates the knowledge file when the action server starts.

The action server imports every module of this package at start: on any error in the knowledge
file it stops there with the list of problems, rather than answer from a broken or partial file.
"""

import logging

from actions.knowledge import KnowledgeError
from actions.knowledge_store import get_knowledge

try:
    get_knowledge()
except KnowledgeError as error:
    logging.getLogger(__name__).critical("%s", error)
    raise SystemExit(f"The action server cannot start.\n{error}") from error
