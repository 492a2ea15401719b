"""The knowledge the actions answer from: loaded once per action-server process.

`CDM_KNOWLEDGE_FILE` (actions/settings.py) points to another knowledge file (a copy under test, a staging
file); by default the project's `knowledge/cite_des_metiers.yml` is used. Edited facts reach the bot
when the action server restarts; no retraining is needed.
"""

from functools import lru_cache
from pathlib import Path

from actions import settings
from actions.knowledge.base import Knowledge
from actions.knowledge.loading import load_knowledge

KNOWLEDGE_FILE_ENV = "CDM_KNOWLEDGE_FILE"


def knowledge_file() -> Path:
    """The knowledge file, as the environment names it now (the tests point the actions at other files)."""
    return settings.load().knowledge_file


@lru_cache(maxsize=1)
def get_knowledge() -> Knowledge:
    """The validated knowledge base, parsed once and not on every call."""
    return load_knowledge(knowledge_file())
