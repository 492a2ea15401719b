"""Security through the real servers: the HTTP API off or protected, the REST webhook robust to malformed
requests, the Socket.IO channel closed to other websites."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from ops.processes import RUNNER, free_port
from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import Assistant, running_assistant

# A malformed request gets its answer within this time: a 4xx or a polite reply, never a 5xx nor a hang.
ANSWER_WITHIN_S = 30


def test_http_api_of_make_run_refuses_requests_without_the_token_of_its_start(assistant: Assistant):
    """`make run` turns the API on for `make publish`, protected by a random token of its start, in a file only its
    user can read and that goes when it stops."""
    for path in ("/status", "/conversations/someone/tracker"):
        assert requests.get(f"{assistant.rasa_url}{path}", timeout=10).status_code == 401, path
        assert requests.get(f"{assistant.rasa_url}{path}", params={"token": "guess"}, timeout=10).status_code == 401
    assert requests.put(f"{assistant.rasa_url}/model", json={"model_file": "x"}, timeout=10).status_code == 401
    assert assistant.publish_access is not None
    assert assistant.publish_access.stat().st_mode & 0o777 == 0o600
    access = json.loads(assistant.publish_access.read_text(encoding="utf-8"))
    assert len(access["token"]) >= 40
    status = requests.get(f"{access['url']}/status", params={"token": access["token"]}, timeout=10)
    assert status.status_code == 200
    assert access["token"] not in assistant.log.read_text(encoding="utf-8", errors="replace")


def test_http_api_is_off_by_default_when_a_server_runs_alone(trained_model, tmp_path: Path):
    with running_assistant(tmp_path / "rasa.log", mode="rasa") as rasa:
        for path in ("/status", "/version", "/conversations/someone/tracker", "/model/parse"):
            assert requests.get(f"{rasa.rasa_url}{path}", timeout=10).status_code in (404, 405), path


def test_http_api_when_on_refuses_requests_without_its_token(trained_model, tmp_path: Path):
    token = uuid.uuid4().hex
    with running_assistant(tmp_path / "rasa.log", mode="rasa", RASA_ENABLE_API="true", RASA_API_TOKEN=token) as rasa:
        for path in ("/status", "/conversations/someone/tracker"):
            assert requests.get(f"{rasa.rasa_url}{path}", timeout=10).status_code == 401, path
            wrong = requests.get(f"{rasa.rasa_url}{path}", params={"token": "guess"}, timeout=10)
            assert wrong.status_code == 401, path
        assert requests.get(f"{rasa.rasa_url}/status", params={"token": token}, timeout=10).status_code == 200


def test_http_api_never_starts_without_a_credential(tmp_path: Path):
    env = {**os.environ, "RASA_ENABLE_API": "true", "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port())}
    env.pop("RASA_API_TOKEN", None)
    env.pop("RASA_JWT_SECRET", None)
    result = subprocess.run([*RUNNER, "serve"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "neither RASA_API_TOKEN nor RASA_JWT_SECRET is set" in result.stderr
    assert "Starting" not in result.stdout  # refused before anything starts


def _one_megabyte_message() -> bytes:
    return json.dumps({"sender": "big", "message": "é" * 500_000}).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"sender": "x"}',
        b'{"message": "bonjour"}',
        b'{"sender": 12, "message": "bonjour"}',
        b'{"sender": "x", "message": ["bonjour"]}',
        b'{"sender": "x", "message": null}',
        b'{"sender": "jean.dupont@example.fr", "message": "bonjour"}',
        b'{"sender": "' + b"x" * 500 + b'", "message": "bonjour"}',
        _one_megabyte_message(),
        b'{"sender": "x", "message": "' + b"a" * 1_000_000 + b'"}',
        b"\xff\xfe\xfa not utf-8 \x80",
        b'{"sender": "x", "message": "\xff\xfe bonjour"}',
        b'{"sender": "x", "message": "\\udc80\\ud800 bonjour \\u0000"}',
    ],
    ids=["malformed-json", "empty-body", "array", "string", "missing-message", "missing-sender",
         "sender-not-text", "message-list", "message-null", "sender-email", "sender-too-long", "1MB-utf8",
         "1MB-ascii", "not-utf8", "not-utf8-in-json", "lone-surrogates-and-nul"],
)  # fmt: skip
def test_malformed_requests_get_a_4xx_or_a_polite_reply(assistant: Assistant, body: bytes):
    response = requests.post(
        assistant.rest_url, data=body, headers={"Content-Type": "application/json"}, timeout=ANSWER_WITHIN_S
    )
    assert response.status_code < 500, response.text[:300]
    if response.status_code == 200:
        replies = response.json()
        assert replies and all(reply.get("text") for reply in replies), replies
        assert any(word in replies[0]["text"] for word in ("Désolé", "Votre message", "Bonjour", "bonjour")), replies
    else:
        assert 400 <= response.status_code < 500


def test_the_webhook_explains_a_bad_request_in_french(assistant: Assistant):
    response = requests.post(assistant.rest_url, json={"message": "bonjour"}, timeout=ANSWER_WITHIN_S)
    assert response.status_code == 400
    assert "Le champ « sender » est obligatoire" in response.json()["message"]


async def _socketio_answer(url: str, origin: str) -> str:
    """Connect to the Socket.IO channel as a page of `origin` would, ask, and return the answer."""
    client = socketio.AsyncClient(reconnection=False)
    answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def on_answer(data: dict[str, Any]) -> None:
        if not answer.done():
            answer.set_result(data.get("text", ""))

    client.on("bot_uttered", on_answer)
    session_id = uuid.uuid4().hex
    await client.connect(url, headers={"Origin": origin}, transports=["websocket"], wait_timeout=10)
    try:
        await client.emit("session_request", {"session_id": session_id})
        await client.emit("user_uttered", {"message": "C'est gratuit ?", "session_id": session_id})
        return await asyncio.wait_for(answer, timeout=60)
    finally:
        await client.disconnect()


async def test_socketio_admits_the_configured_origin_and_refuses_others(assistant: Assistant):
    page_origin = assistant.web_url.rstrip("/")
    assert "gratuit" in await _socketio_answer(assistant.rasa_url, page_origin)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _socketio_answer(assistant.rasa_url, "http://evil.example")
