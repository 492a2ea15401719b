"""Faults through the real servers: the action server down, then back; the Rasa server restarted."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from actions.knowledge_store import get_knowledge
from ops.processes import free_port
from tests.e2e.conftest import running_assistant

API_TOKEN = "faults-test-token"


def test_action_server_down_then_back_then_rasa_restarted(trained_model, tmp_path: Path):
    website = get_knowledge().organisation.website
    actions_port = free_port()
    rasa_settings: dict[str, Any] = {
        "mode": "rasa",
        "actions_port": actions_port,
        "TRACKER_DB": str(tmp_path / "conversations.db"),
        "RASA_ENABLE_API": "true",
        "RASA_API_TOKEN": API_TOKEN,
    }
    visitor = "faults-visitor"
    with ExitStack() as servers:
        first_rasa = servers.enter_context(ExitStack())
        rasa = first_rasa.enter_context(running_assistant(tmp_path / "rasa-1.log", **rasa_settings))

        # 1. No action server: a short French apology with the website, not silence nor an error.
        down = rasa.ask("C'est gratuit ?", visitor)
        assert [reply["text"] for reply in down] == [
            "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques "
            f"minutes, ou consultez le site de la Cité des Métiers : {website}"
        ]

        # 2. The action server comes back: the same conversation gets real answers again.
        servers.enter_context(running_assistant(tmp_path / "actions.log", mode="actions", actions_port=actions_port))
        assert rasa.texts("C'est gratuit ?", visitor).startswith("Oui, c'est gratuit")
        assert rasa.texts("Avez-vous un centre à Gap ?", visitor).startswith("Oui, Gap fait partie")

        # 3. The Rasa server restarts on the same tracker store: the conversation goes on where it was.
        first_rasa.close()
        rasa = servers.enter_context(running_assistant(tmp_path / "rasa-2.log", **rasa_settings))
        assert rasa.stored_user_texts(visitor, API_TOKEN) == [
            "C'est gratuit ?",
            "C'est gratuit ?",
            "Avez-vous un centre à Gap ?",
        ]
        assert rasa.texts("et à Istres ?", visitor).startswith("Oui, Istres fait partie")
        assert rasa.stored_user_texts(visitor, API_TOKEN)[-2:] == ["Avez-vous un centre à Gap ?", "et à Istres ?"]
