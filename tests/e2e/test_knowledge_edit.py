"""A change to the knowledge file alone reaches visitors without retraining (here at a start; a running action
server reloads it too: tests/test_knowledge_reload.py)."""

from __future__ import annotations

from tests.e2e.conftest import running_assistant


def test_new_centre_and_changed_link_are_answered_without_retraining(
    trained_model, knowledge_data, write_knowledge, tmp_path
):
    # A town that no training example names, so that only the knowledge file knows it.
    new_centre = {"id": "forcalquier", "name": "Forcalquier", "kind": "associated", "source": "seed"}
    knowledge_data["centres"].append(new_centre)
    knowledge_data["network"]["url"] = "https://example.org/reseau"
    edited = write_knowledge(knowledge_data)
    with running_assistant(tmp_path / "run.log", CDM_KNOWLEDGE_FILE=str(edited)) as assistant:
        centre = assistant.texts("Avez-vous un centre à Forcalquier ?", "edit-1")
        assert centre.startswith("Oui, Forcalquier fait partie des 8 centres associés")
        centres = assistant.texts("Quels sont vos centres ?", "edit-2")
        assert "Gap, Istres, Martigues, Aubagne, La Garde, Sisteron, Antibes et Forcalquier" in centres
        network = assistant.texts("Parlez-moi du réseau international des Cités des Métiers", "edit-3")
        assert "https://example.org/reseau" in network
