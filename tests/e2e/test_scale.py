"""The scale-out profile (deploy/endpoints.scale.yml, docs/deployment.md) on real servers: PostgreSQL and Redis from
the machine's packages, two action servers, two Rasa servers started by `cdm-run rasa` with the profile, and
nginx with deploy/nginx.conf.template as the one address in front of them.

The tests run in file order on one set of servers: the last one stops the first Rasa server."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from actions.knowledge_store import get_knowledge
from devtools.load_test import FREE_QUESTION, LoadResult, centre_phrase, centres, run_load
from ops import run
from ops.processes import RUNNER, free_port, session_processes
from rasa_extensions import wording
from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import Assistant, running_assistant
from tests.e2e.services import Postgres, Redis, nginx_server, postgres_server, redis_server

SCALE_ENDPOINTS = "deploy/endpoints.scale.yml"
API_TOKEN = "scale-test-token"
NGINX_FAIL_TIMEOUT_S = 10


@dataclass
class Cluster:
    postgres: Postgres
    redis: Redis
    servers: list[Assistant]  # the two Rasa servers, reached directly
    balancer_url: str  # nginx in front of both
    server_stacks: list[ExitStack]  # closing one stops that Rasa server (SIGTERM, as a scale-down would)
    server_settings: list[dict[str, Any]]  # how each Rasa server was started (running_assistant's arguments)
    work_dir: Path

    @property
    def balancer_rest_url(self) -> str:
        return f"{self.balancer_url}/webhooks/rest/webhook"

    def restart_server(self, index: int) -> float:
        """Starts Rasa server `index` again on its port, as a service manager would after it died; the seconds
        it took to answer."""
        self.server_stacks[index].close()
        settings = {**self.server_settings[index], "rasa_port": self.servers[index].rasa_port}
        started = time.monotonic()
        self.servers[index] = self.server_stacks[index].enter_context(running_assistant(**settings))
        took = time.monotonic() - started
        # nginx tries a server it found down again only after `fail_timeout` (deploy/nginx.conf.template).
        time.sleep(NGINX_FAIL_TIMEOUT_S)
        return took


@pytest.fixture(scope="module")
def cluster(trained_model: None, tmp_path_factory: pytest.TempPathFactory):
    work_dir = tmp_path_factory.mktemp("scale")
    with ExitStack() as stack:
        postgres = stack.enter_context(postgres_server(work_dir / "postgres.log"))
        redis = stack.enter_context(redis_server(work_dir / "redis.log"))
        stores: dict[str, Any] = {**postgres.endpoint_env(), **redis.endpoint_env()}
        servers, server_stacks, server_settings = [], [], []
        for name in ("a", "b"):
            actions = stack.enter_context(running_assistant(work_dir / f"actions-{name}.log", mode="actions"))
            settings = {
                "log": work_dir / f"rasa-{name}.log",
                "mode": "rasa",
                "RASA_ENDPOINTS": SCALE_ENDPOINTS,
                "ACTION_SERVER_URL": f"http://localhost:{actions.actions_port}/webhook",
                "RASA_ENABLE_API": "true",
                "RASA_API_TOKEN": API_TOKEN,
                **stores,
            }
            server_stack = stack.enter_context(ExitStack())
            servers.append(server_stack.enter_context(running_assistant(**settings)))
            server_stacks.append(server_stack)
            server_settings.append(settings)
        (work_dir / "nginx").mkdir()
        balancer = stack.enter_context(
            nginx_server(work_dir / "nginx", [f"127.0.0.1:{server.rasa_port}" for server in servers])
        )
        yield Cluster(postgres, redis, servers, balancer, server_stacks, server_settings, work_dir)


def new_visitor() -> str:
    return f"scale-{uuid.uuid4().hex[:12]}"


def expected_reply(message: str) -> str:
    """What the reply to one of this file's questions must contain."""
    for centre in centres():
        if centre in message:
            return centre_phrase(centre)
    assert message == FREE_QUESTION, message
    return "Oui, c'est gratuit"


def stored_events(postgres: Postgres, sender: str) -> list[tuple[int, str, float, dict[str, Any]]]:
    """The conversation's events as PostgreSQL holds them, in the order they were written."""
    connection = postgres.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, type_name, timestamp, data FROM events WHERE sender_id = %s ORDER BY id", (sender,)
            )
            return [(row[0], row[1], row[2], json.loads(row[3])) for row in cursor.fetchall()]
    finally:
        connection.close()


def stored_turns(postgres: Postgres, sender: str) -> list[tuple[str, list[str]]]:
    """The conversation as (visitor's message, the bot's replies that follow it before the next message)."""
    turns: list[tuple[str, list[str]]] = []
    for _, event_type, _, data in stored_events(postgres, sender):
        if event_type == "user":
            turns.append((data["text"], []))
        elif event_type == "bot":
            assert turns, f"a bot reply stored before any message: {data}"
            turns[-1][1].append(data["text"])
    return turns


def test_the_servers_use_the_profile_stores(cluster: Cluster):
    """Both servers' start-up purge ran on PostgreSQL, and each server wrote there (not to SQLite nor memory)."""
    for server in cluster.servers:
        assert "Retention 30 days:" in server.log.read_text(), server.log.read_text()[-2000:]
        assert not server.tracker_db.exists(), "the SQLite default was used instead of the profile"
    visitor = new_visitor()
    for server in cluster.servers:
        server.ask("C'est gratuit ?", visitor)
    assert [text for text, _ in stored_turns(cluster.postgres, visitor)] == ["C'est gratuit ?"] * 2


def test_a_server_refuses_to_start_while_a_store_does_not_answer(cluster: Cluster):
    """Rasa alone would start, keep conversations in memory and fail at the first message; the runner says why."""
    stores = {**cluster.postgres.endpoint_env(), **cluster.redis.endpoint_env(), "REDIS_PORT": str(free_port())}
    env = {**os.environ, **stores, "RASA_ENDPOINTS": SCALE_ENDPOINTS, "RASA_PORT": str(free_port()),
           "ACTION_SERVER_URL": "http://localhost:1/webhook"}  # fmt: skip
    started = subprocess.run([*RUNNER, "rasa"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 1
    assert "ERROR: the lock store of deploy/endpoints.scale.yml does not answer" in started.stderr
    assert "tracker store postgresql at 127.0.0.1" in started.stdout  # the database itself was reachable
    assert "Starting the Rasa server" not in started.stdout


def test_one_conversation_alternates_between_the_two_servers(cluster: Cluster):
    first, second = cluster.servers
    visitor = new_visitor()
    assert first.texts("Avez-vous un centre à Gap ?", visitor).startswith("Oui, Gap fait partie")
    assert second.texts("et à Istres ?", visitor).startswith("Oui, Istres fait partie")
    assert first.texts("C'est gratuit ?", visitor).startswith("Oui, c'est gratuit")

    messages = ["Avez-vous un centre à Gap ?", "et à Istres ?", "C'est gratuit ?"]
    # Each server holds the whole conversation, including the turns the other one answered...
    for server in cluster.servers:
        assert server.stored_user_texts(visitor, API_TOKEN) == messages
    # ...because there is one conversation, in one session, in PostgreSQL: the second server continued it
    # (a server that did not find it would have opened a session of its own).
    events = stored_events(cluster.postgres, visitor)
    assert [event_type for _, event_type, _, _ in events].count("session_started") == 1
    turns = stored_turns(cluster.postgres, visitor)
    assert [text for text, _ in turns] == messages
    for message, replies in turns:
        assert expected_reply(message) in "\n".join(replies), (message, replies)


def test_nginx_limits_each_client_address_with_the_polite_reply(cluster: Cluster):
    # A second nginx in front of the same servers, with a low limit: 2 messages at once, then 1 a second.
    (cluster.work_dir / "nginx-limited").mkdir()
    with nginx_server(
        cluster.work_dir / "nginx-limited",
        [f"127.0.0.1:{server.rasa_port}" for server in cluster.servers],
        client_rate="1r/s",
        client_burst=1,
    ) as limited:
        url = f"{limited}/webhooks/rest/webhook"
        responses = [
            requests.post(url, json={"sender": new_visitor(), "message": FREE_QUESTION}, timeout=60) for _ in range(4)
        ]
    statuses = [response.status_code for response in responses]
    assert statuses[:2] == [200, 200] and 429 in statuses[2:], statuses
    refused = next(response for response in responses if response.status_code == 429)
    (reply,) = refused.json()
    assert reply["text"].startswith(wording.TOO_MANY_MESSAGES)
    assert wording.TOO_MANY_MESSAGES_EN in reply["text"]


def test_concurrent_messages_to_both_servers_are_all_kept_in_order(cluster: Cluster):
    """One conversation's messages sent all at once, alternately to each server: the Redis lock store makes the
    servers take them one at a time, so every message is answered and stored once, each followed by its own
    answer. (Without the lock store, both servers read and write the conversation at the same time.)"""
    visitor = new_visitor()
    messages = [f"Avez-vous un centre à {c} ?" for c in centres()] + [f"et à {c} ?" for c in centres()]
    messages.append("C'est gratuit ?")

    def send(index: int) -> str:
        return cluster.servers[index % 2].texts(messages[index], visitor)

    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        replies = list(pool.map(send, range(len(messages))))

    for message, reply in zip(messages, replies, strict=True):
        assert expected_reply(message) in reply, (message, reply)
    turns = stored_turns(cluster.postgres, visitor)
    assert sorted(text for text, _ in turns) == sorted(messages), "a message was lost or stored twice"
    for message, stored_replies in turns:
        assert expected_reply(message) in "\n".join(stored_replies), f"answers out of order: {turns}"
    events = stored_events(cluster.postgres, visitor)
    timestamps = [timestamp for _, _, timestamp, _ in events]
    assert timestamps == sorted(timestamps), "events stored out of order"


def test_the_widget_channel_through_the_one_address(cluster: Cluster):
    """Socket.IO's polling transport makes several requests per connection: through nginx they must all reach the
    same server (the template's sticky upstream), or the connection breaks."""
    client = socketio.Client()
    replies: list[dict] = []
    client.on("bot_uttered", replies.append)
    client.connect(cluster.balancer_url, socketio_path="/socket.io", transports=["polling"], wait_timeout=30)
    visitor = new_visitor()
    try:
        client.emit("session_request", {"session_id": visitor})
        for question in ("C'est gratuit ?", "Avez-vous un centre à Gap ?"):
            expected = expected_reply(question)
            client.emit("user_uttered", {"message": question, "session_id": visitor})
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(expected in reply.get("text", "") for reply in replies):
                time.sleep(0.2)
            assert any(expected in reply.get("text", "") for reply in replies), replies
    finally:
        client.disconnect()


def test_redis_down_gets_an_apology_then_the_conversation_goes_on(cluster: Cluster):
    server = cluster.servers[0]
    visitor = new_visitor()
    assert server.texts("Avez-vous un centre à Gap ?", visitor).startswith("Oui, Gap fait partie")
    cluster.redis.stop()
    try:
        down = server.ask("C'est gratuit ?", visitor, timeout=90)
        website = get_knowledge().organisation.website
        assert [reply["text"] for reply in down] == [wording.TURN_FAILED.format(website=website)]
    finally:
        cluster.redis.start()
    assert server.texts("et à Istres ?", visitor).startswith("Oui, Istres fait partie")
    # The earlier turn is still there; the message that got the apology was not stored (the visitor resends it).
    assert [text for text, _ in stored_turns(cluster.postgres, visitor)] == [
        "Avez-vous un centre à Gap ?",
        "et à Istres ?",
    ]


def test_purge_deletes_old_conversations_from_postgresql(cluster: Cluster):
    old, recent = new_visitor(), new_visitor()
    for visitor in (old, recent):
        cluster.servers[0].ask("C'est gratuit ?", visitor)
    connection = cluster.postgres.connect()
    with connection, connection.cursor() as cursor:  # the `with` commits
        cursor.execute("UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id = %s", (old,))
    connection.close()

    stores = {**cluster.postgres.endpoint_env(), **cluster.redis.endpoint_env()}
    env = {**os.environ, **stores, "ACTION_SERVER_URL": "http://localhost:1/webhook", "RETENTION_DAYS": "30"}
    purge = subprocess.run(  # the documented command (docs/deployment.md)
        ["make", "--no-print-directory", "purge", f"RASA_ENDPOINTS={SCALE_ENDPOINTS}"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert purge.returncode == 0, purge.stderr[-2000:]
    assert "conversations deleted entirely" in purge.stdout
    assert stored_events(cluster.postgres, old) == []
    assert [text for text, _ in stored_turns(cluster.postgres, recent)] == ["C'est gratuit ?"]


def test_postgresql_stops_then_comes_back(cluster: Cluster):
    """PostgreSQL stops while the servers run: Rasa's FailSafeTrackerStore answers from memory, without the earlier
    turns, and logs the error; nothing of that time reaches PostgreSQL; once it is back, the conversation goes on
    from what was stored, and is stored again from the first message."""
    server = cluster.servers[0]
    visitor = new_visitor()
    assert server.texts("Avez-vous un centre à Gap ?", visitor).startswith("Oui, Gap fait partie")
    cluster.postgres.stop()
    try:
        assert server.texts("C'est gratuit ?", visitor).startswith("Oui, c'est gratuit")
        assert server.texts("Avez-vous un centre à Digne ?", visitor).startswith("Digne ne fait pas partie")
    finally:
        cluster.postgres.start()
    # "et à Istres ?" needs the centre in focus: from PostgreSQL's Gap, the last turn stored.
    assert server.texts("et à Istres ?", visitor).startswith("Oui, Istres fait partie")
    assert server.texts("C'est gratuit ?", visitor).startswith("Oui, c'est gratuit")
    assert [text for text, _ in stored_turns(cluster.postgres, visitor)] == [
        "Avez-vous un centre à Gap ?",
        "et à Istres ?",
        "C'est gratuit ?",
    ]
    log = server.log.read_text(errors="replace")
    assert "Error happened when trying to save conversation tracker to 'CachingSQLTrackerStore'" in log
    assert "(psycopg2.OperationalError) connection to server at" in log


def _rasa_process(server: Assistant) -> int:
    """The Rasa server's own process, under its runner (`cdm-run rasa`)."""
    found = [line for line in session_processes(server.runner_pid) if "rasa run --model" in line]
    assert len(found) == 1, found
    return int(found[0].split()[0])


async def test_a_server_killed_mid_run_the_other_carries_on(cluster: Cluster, capsys):
    """Conversations through the one address; the second Rasa server is killed (SIGKILL: a crash, the out-of-memory
    killer) while they run. nginx resends the turns it was handling to the first server; a conversation whose lock
    it held waits until the lock expires (TICKET_LOCK_LIFETIME, 15 s by the runner); every turn is answered. The
    server is then started again on its port, as systemd would, for the next test."""
    conversations, turns = 20, 30
    total = conversations * turns
    before, load = await _load_under_way(cluster, conversations, turns)
    stored_before_kill = _load_user_events(cluster.postgres) - before
    os.kill(_rasa_process(cluster.servers[1]), signal.SIGKILL)
    result = await load
    stored = _load_user_events(cluster.postgres) - before
    with capsys.disabled():
        print(
            f"\n[scale] second Rasa server killed (SIGKILL) after {stored_before_kill} of {total} turns; "
            f"{stored} user messages stored for {total} turns\n{result.summary()}"
        )
    assert stored_before_kill < total // 2, "the load was mostly over before the kill: it shows nothing"
    assert result.ok, result.summary()
    # A turn the killed server had stored before it died, then resent by nginx, is stored twice: at most one
    # per conversation (each has one turn in flight).
    assert total <= stored <= total + conversations
    lock_lifetime = float(run.DEFAULT_LOCK_LIFETIME_S)
    assert result.percentile_ms(100) <= (lock_lifetime + 10) * 1000
    took = await asyncio.to_thread(cluster.restart_server, 1)
    with capsys.disabled():
        print(f"[scale] second Rasa server started again in {took:.1f} s")
    assert cluster.servers[1].texts("Avez-vous un centre à Gap ?", new_visitor()).startswith("Oui, Gap")


async def test_a_server_stopped_mid_run_the_other_carries_on(cluster: Cluster, capsys):
    """Conversations through the one address; one Rasa server is stopped (SIGTERM, as a scale-down or a rolling
    update does) while they run. Every turn must still be answered, with its own answer, and stored; most of them
    after the stop. Runs last: it leaves one server."""
    conversations, turns = 20, 30
    total = conversations * turns
    before, load = await _load_under_way(cluster, conversations, turns)
    stored_before_stop = _load_user_events(cluster.postgres) - before
    stop_started = time.monotonic()
    await asyncio.to_thread(cluster.server_stacks[0].close)  # SIGTERM; the server refuses new requests at once
    stop_took = time.monotonic() - stop_started
    result = await load
    with capsys.disabled():
        print(
            f"\n[scale] first Rasa server stopped after {stored_before_stop} of {total} turns "
            f"(its shutdown took {stop_took:.1f} s)\n{result.summary()}"
        )

    with pytest.raises(requests.ConnectionError):
        requests.get(cluster.servers[0].rasa_url, timeout=5)
    assert stored_before_stop < total // 2, "the load was mostly over before the stop: it shows nothing"
    assert result.ok, result.summary()
    assert _load_user_events(cluster.postgres) - before == total, "a message was not stored"
    assert cluster.servers[1].texts("Avez-vous un centre à Gap ?", new_visitor()).startswith("Oui, Gap")


async def _load_under_way(cluster: Cluster, conversations: int, turns: int) -> tuple[int, asyncio.Task[LoadResult]]:
    """Starts conversations through the one address and returns once a tenth of their turns are stored: the
    load's visitors' messages stored before it, and the load, still running."""
    before = _load_user_events(cluster.postgres)
    load = asyncio.create_task(run_load(cluster.balancer_rest_url, conversations, turns, timeout=60))
    deadline = time.monotonic() + 120
    while _load_user_events(cluster.postgres) - before < conversations * turns // 10 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return before, load


def _load_user_events(postgres: Postgres) -> int:
    connection = postgres.connect()
    try:
        with connection.cursor() as cursor:
            # Not the /session_start the guard sends every MAX_TURNS_PER_SESSION messages: visitors' messages only.
            cursor.execute(
                "SELECT count(*) FROM events WHERE type_name = 'user' AND sender_id LIKE 'load-%%'"
                " AND coalesce(intent_name, '') <> 'session_start'"
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()
