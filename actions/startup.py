"""Loads and validates the knowledge file when the action server starts, and builds the fact search over it.

The action server imports every module of this package at start: on any error in the knowledge
file it stops there, rather than answer from a broken or partial file: every problem in its log (in French, each
with its line), one line on its way out, no traceback. The fact search (under a second) is built here rather than
on the first question that needs it.
"""

import logging

from actions.fact_search import search_of
from actions.knowledge.loading import KnowledgeError
from actions.knowledge_store import get_knowledge

try:
    search_of(get_knowledge())
except KnowledgeError as error:
    logging.getLogger(__name__).critical("%s", error)
    raise SystemExit(
        "Le serveur d'actions ne démarre pas : le fichier de connaissances n'est pas valide (erreurs ci-dessus)."
    ) from None
