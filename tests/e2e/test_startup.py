"""Starting the servers: a broken knowledge file stops everything with a clear message."""

from __future__ import annotations

import os
import subprocess

from ops.processes import RUNNER, free_port
from tests.conftest import PROJECT_ROOT


def test_broken_knowledge_file_stops_the_start_with_the_problem(trained_model, knowledge_data, write_knowledge):
    knowledge_data["labels"][1]["years"] = ["deux mille onze"]
    env = {
        **os.environ,
        "CDM_KNOWLEDGE_FILE": str(write_knowledge(knowledge_data)),
        "ACTIONS_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
    }
    result = subprocess.run([*RUNNER, "serve"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    # One French block a member of staff can act on: the file, the line, the entry, the field, how to fix it.
    assert "Le fichier de connaissances n'est pas valide (1 erreur) :" in output
    assert 'label "spo" : le champ "years" (années), élément 1 doit être un nombre entier' in output
    assert ", ligne " in output and "Rien n'a été démarré." in output
    assert "Traceback" not in output
    assert "Starting the Rasa server" not in output  # nothing answers from a broken file
