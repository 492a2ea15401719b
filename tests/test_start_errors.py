"""A broken knowledge file at start: one French block, with the line, and no traceback; nothing is started."""

from __future__ import annotations

import subprocess
import sys

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError
from actions.knowledge_store import KNOWLEDGE_FILE_ENV
from ops.run import knowledge_refusal
from tests.conftest import PROJECT_ROOT


def _apostrophe_copy(tmp_path):
    original = DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8")
    written = '    text: "Présente à Marseille, elle rayonne aussi en région grâce à ses centres associés."'
    path = tmp_path / "knowledge.yml"
    path.write_text(
        original.replace(written, written.replace('"', "'").replace("à ses", "à l'ensemble de ses")), "utf-8"
    )
    return path


def test_the_runner_checks_the_knowledge_file_before_starting_anything(tmp_path, monkeypatch):
    monkeypatch.setenv(KNOWLEDGE_FILE_ENV, str(_apostrophe_copy(tmp_path)))
    refusal = knowledge_refusal()
    assert refusal is not None
    lines = refusal.splitlines()
    assert lines[0] == "Le fichier de connaissances n'est pas valide (1 erreur) :"
    assert ", colonne " in lines[1] and "une apostrophe (') dans un texte entre apostrophes" in lines[1]
    assert lines[-1] == "Rien n'a été démarré."
    assert len(lines) <= 12 and "Traceback" not in refusal
    monkeypatch.setenv(KNOWLEDGE_FILE_ENV, str(DEFAULT_KNOWLEDGE_FILE))
    assert knowledge_refusal() is None


def test_many_problems_at_start_stay_within_a_screen():
    error = KnowledgeError(DEFAULT_KNOWLEDGE_FILE, [f'ligne {line}, fait "x{line}" : ...' for line in range(30)])
    block = error.summary()
    assert len(block.splitlines()) == 11  # the title, 8 problems, how many more, what to do
    assert "… et 22 autre(s) : `make validate` les liste toutes." in block
    assert len(str(error).splitlines()) == 32  # `make validate`: every one


def test_cdm_run_on_a_broken_file_prints_french_and_no_traceback(tmp_path):
    """`cdm-run actions` stops before any server starts."""
    env = {**_environment(), KNOWLEDGE_FILE_ENV: str(_apostrophe_copy(tmp_path))}
    completed = subprocess.run(
        [sys.executable, "-m", "ops.run", "actions"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "Traceback" not in completed.stdout + completed.stderr
    assert completed.stderr.startswith("Le fichier de connaissances n'est pas valide (1 erreur) :")
    assert "Starting" not in completed.stdout


def test_training_on_a_broken_file_prints_french_and_no_traceback(tmp_path):
    """`make train`, and so `make run`, first builds the entity data from the knowledge file."""
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.build_entity_data", "--check", "--knowledge", str(_apostrophe_copy(tmp_path))],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "Traceback" not in completed.stdout + completed.stderr
    assert "une apostrophe (') dans un texte entre apostrophes" in completed.stderr


def _environment() -> dict[str, str]:
    import os

    return dict(os.environ)
