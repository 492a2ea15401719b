"""The knowledge the actions answer from: loaded once per action-server process, then reloaded when the file changes.

`CDM_KNOWLEDGE_FILE` (actions/settings.py) points to another knowledge file (a copy under test, a staging
file); by default the project's `knowledge/cite_des_metiers.yml` is used. Edited facts (by hand, or on the
facts page of the review app) reach the bot within a few seconds, without restart or retraining: at most every
`CHECK_EVERY_SECONDS`, the file's modification time is read, and a changed file is loaded again. A changed file
that does not load is not used: the bot keeps the knowledge it had, and one French line says why in the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from actions import settings
from actions.knowledge.base import Knowledge
from actions.knowledge.loading import KnowledgeError, load_knowledge

KNOWLEDGE_FILE_ENV = "CDM_KNOWLEDGE_FILE"
# How often, at most, the file's modification time is read (a stat, cheap).
CHECK_EVERY_SECONDS = 3.0

logger = logging.getLogger(__name__)


def knowledge_file() -> Path:
    """The knowledge file, as the environment names it now (the tests point the actions at other files)."""
    return settings.load().knowledge_file


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@dataclass
class _Held:
    path: Path
    knowledge: Knowledge
    modified: int | None
    checked_at: float


class KnowledgeStore:
    """`get_knowledge()`: the validated knowledge base, parsed once and again only when its file changed.

    The first load raises KnowledgeError (the action server refuses to start on an invalid file); later, an
    invalid file is logged once and the knowledge loaded before is kept.
    """

    def __init__(self) -> None:
        self._held: _Held | None = None
        self.clock: Callable[[], float] = time.monotonic  # the tests give another

    def __call__(self) -> Knowledge:
        path = knowledge_file()
        held = self._held
        now = self.clock()
        if held is None or held.path != path:
            modified = _modified(path)
            self._held = _Held(path, load_knowledge(path), modified, now)
            return self._held.knowledge
        if now - held.checked_at < CHECK_EVERY_SECONDS:
            return held.knowledge
        held.checked_at = now
        modified = _modified(path)
        if modified == held.modified:
            return held.knowledge
        held.modified = modified  # an invalid file is reported once, not at every check
        try:
            held.knowledge = load_knowledge(path)
        except KnowledgeError as error:
            first = error.problems[0] if error.problems else ""
            logger.error(
                "Le fichier de connaissances modifié n'est pas valide : le bot garde les faits d'avant (%s).", first
            )
        else:
            logger.info("Le fichier de connaissances a changé : les nouveaux faits sont utilisés.")
        return held.knowledge

    def cache_clear(self) -> None:
        """Forget the knowledge loaded: the next call loads the file again (the tests change files)."""
        self._held = None


get_knowledge = KnowledgeStore()
