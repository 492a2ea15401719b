"""The action server uses a changed knowledge file without restart (actions/knowledge_store.py)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from actions import knowledge_store
from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE
from actions.knowledge_store import get_knowledge

NEW_TEXT = "Présente à Marseille, elle rayonne aussi en région (texte modifié pour le test)."


def test_a_changed_file_is_used_without_restart_and_an_invalid_one_is_not(
    tmp_path: Path,
    use_knowledge_file: Callable[[Path], None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    knowledge = tmp_path / "knowledge.yml"
    shutil.copy(DEFAULT_KNOWLEDGE_FILE, knowledge)
    use_knowledge_file(knowledge)
    clock = [1000.0]
    monkeypatch.setattr(get_knowledge, "clock", lambda: clock[0])
    old_text = get_knowledge().fact("region").text
    assert old_text != NEW_TEXT
    knowledge.write_text(knowledge.read_text(encoding="utf-8").replace(old_text, NEW_TEXT), encoding="utf-8")
    assert get_knowledge().fact("region").text == old_text  # not checked again yet: no stat at every turn
    clock[0] += knowledge_store.CHECK_EVERY_SECONDS
    assert get_knowledge().fact("region").text == NEW_TEXT
    text = knowledge.read_text(encoding="utf-8")
    knowledge.write_text(text.replace("schema_version: 1", "schema_version: 9"), encoding="utf-8")
    clock[0] += knowledge_store.CHECK_EVERY_SECONDS
    with caplog.at_level(logging.ERROR, logger=knowledge_store.__name__):
        assert get_knowledge().fact("region").text == NEW_TEXT
        clock[0] += knowledge_store.CHECK_EVERY_SECONDS
        get_knowledge()
    assert [record.getMessage()[:55] for record in caplog.records] == [
        "Le fichier de connaissances modifié n'est pas valide : "
    ]
    knowledge.write_text(text.replace(NEW_TEXT, old_text), encoding="utf-8")
    clock[0] += knowledge_store.CHECK_EVERY_SECONDS
    assert get_knowledge().fact("region").text == old_text
