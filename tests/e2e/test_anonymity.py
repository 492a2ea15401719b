"""Anonymity through the real servers: personal data never reaches the tracker store nor the logs, and the
visitor's question is still answered."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import Assistant


def new_visitor() -> str:
    return f"anon-{uuid.uuid4().hex[:12]}"


def stored_events(tracker_db: Path, visitor: str) -> list[dict]:
    """The visitor's events as the SQL tracker store holds them."""
    with closing(sqlite3.connect(tracker_db)) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (visitor,)).fetchall()
    return [json.loads(data) for (data,) in rows]


@pytest.mark.parametrize(
    ("message", "secrets", "answer"),
    [
        ("Bonjour, je suis jean.dupont@example.fr, est-ce que c'est gratuit ?", ["jean.dupont", "example.fr"],
         "Oui, c'est gratuit"),
        ("Je m'appelle Karim Benali, 06 12 34 56 78. Faut-il prendre rendez-vous ?",
         ["Karim", "Benali", "06 12 34 56 78", "12 34 56"], "Pas besoin de rendez-vous"),
        ("mon numéro de sécu est 1 85 05 78 006 084 36, est ce que c'est anonyme ?", ["85 05 78", "006 084"],
         "Oui, c'est anonyme"),
        ("voici mon IBAN FR76 3000 6000 0112 3456 7890 189, c'est payant ?", ["FR76", "3000 6000", "7890"],
         "Oui, c'est gratuit"),
        ("J'habite 12 rue Paradis, 13006 Marseille. Avez-vous un centre à Gap ?", ["Paradis", "13006"],
         "Oui, Gap fait partie"),
    ],
    ids=["email", "name-and-phone", "social-security-number", "iban", "postal-address"],
)  # fmt: skip
def test_personal_data_is_masked_before_storage_and_the_question_answered(
    assistant: Assistant, message: str, secrets: list[str], answer: str
):
    visitor = new_visitor()
    replies = assistant.texts(message, visitor)
    assert replies.startswith("Pour protéger votre anonymat, j'ai effacé de votre message")
    assert answer in replies

    events = stored_events(assistant.tracker_db, visitor)
    (user_event,) = [event for event in events if event["event"] == "user"]
    assert "masqu" in user_event["text"]  # "[… masqué]" / "[adresse masquée]" stands where the data was
    assert user_event["metadata"].keys() <= {"model_id", "assistant_id"}  # nothing the visitor's client sent
    stored = json.dumps(events, ensure_ascii=False)
    for secret in secrets:
        assert secret not in stored
        assert secret not in assistant.log.read_text(encoding="utf-8", errors="replace")


def test_logs_hold_no_message_text_at_the_default_level(assistant: Assistant):
    """Whatever the message (answered, not understood, too long, malformed), its text is not logged."""
    markers = [f"Zorglub{uuid.uuid4().hex[:8]}" for _ in range(5)]
    assistant.ask(f"Bonjour, je suis {markers[0]}, c'est gratuit ?", new_visitor())
    assistant.ask(f"{markers[1]} {markers[1]} ?", new_visitor())
    assistant.ask(f"{markers[2]} " + "a" * 3000, new_visitor())
    requests.post(assistant.rest_url, data=f'{{"sender": "x", "message": "{markers[3]}"', timeout=30)
    requests.post(assistant.rest_url, json={"sender": "x@y", "message": markers[4]}, timeout=30)
    time.sleep(1)  # let the servers' log lines reach the file
    log = assistant.log.read_text(encoding="utf-8", errors="replace")
    assert "Rasa server is up and running" in log  # the log is the servers' own
    for marker in markers:
        assert marker not in log
