"""`make run` under supervision (ops/supervision.py): SIGKILL of the action server, the Rasa server and the
page server, one after the other, during a bounded load of conversations through REST. Each server is started
again while the others keep serving; every turn gets an answer or the apology, but for the turns that reach
the Rasa server while it is down (no process is there to answer them); nothing is left behind at the end
(the fixture checks it)."""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from ops.processes import answers, session_processes
from rasa_extensions import wording
from tests.e2e.conftest import running_assistant

CONVERSATIONS = 4
QUESTIONS = ["C'est gratuit ?", "Avez-vous un centre à Gap ?", "Il faut un rendez-vous ?", "Quels labels avez-vous ?"]
# The channels' apology when a turn fails (the Rasa server's own, when the action server does not answer).
APOLOGY_START = wording.TURN_FAILED.split(".")[0]
# A client that finds no server waits this long before it tries again (a person would wait longer).
RETRY_PAUSE_S = 0.5
# The longest a server may take to answer again after its SIGKILL (the Rasa server loads its model: ~20 s).
RESTART_LIMIT_S = 120.0
# Load kept up before the first SIGKILL and after each restart, so that turns after it are seen answered.
STEADY_S = 4.0


@dataclass
class Turn:
    started: float
    ended: float
    outcome: str  # "answer", "apology", "no server" (connection refused or cut), or what went wrong


@dataclass
class Load:
    """Conversations asking questions one after another, each in a thread, until `stop` is set."""

    rest_url: str
    turns: list[Turn] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def converse(self, visitor: str) -> None:
        session = requests.Session()
        turn = 0
        while not self.stop.is_set():
            started = time.monotonic()
            outcome = self.ask(session, visitor, QUESTIONS[turn % len(QUESTIONS)])
            self.turns.append(Turn(started, time.monotonic(), outcome))
            turn += 1
            if outcome == "no server":
                time.sleep(RETRY_PAUSE_S)

    def ask(self, session: requests.Session, visitor: str, question: str) -> str:
        try:
            response = session.post(self.rest_url, json={"sender": visitor, "message": question}, timeout=60)
        except requests.ConnectionError:
            return "no server"
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        texts = [reply.get("text", "") for reply in response.json()]
        if not texts or not all(texts):
            return f"no text: {texts}"
        if any(text.startswith(APOLOGY_START) for text in texts):
            return "apology"
        return "answer"


@dataclass(frozen=True)
class Server:
    name: str
    command_part: str  # what its command line holds, and no other's
    health_url: str


def server_pid(runner_pid: int, server: Server) -> int:
    """The server's process, among those of the runner's session."""
    found = [line for line in session_processes(runner_pid) if server.command_part in line]
    assert len(found) == 1, f"{server.name}: {found}"
    return int(found[0].split()[0])


def kill_and_time_restart(runner_pid: int, server: Server) -> tuple[float, float]:
    """SIGKILL to the server; when it was killed, and the seconds until a new process of it answers."""
    pid = server_pid(runner_pid, server)
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    while time.monotonic() < killed + RESTART_LIMIT_S:
        if answers(server.health_url) and server_pid(runner_pid, server) != pid:
            return killed, time.monotonic() - killed
        time.sleep(0.1)
    raise AssertionError(f"the {server.name} did not answer again within {RESTART_LIMIT_S:g} s of its SIGKILL")


def test_each_server_killed_under_load_is_started_again(trained_model, tmp_path: Path, capsys):
    with running_assistant(tmp_path / "run.log") as assistant:
        servers = [
            Server(
                "action server",
                f"run actions --actions actions --port {assistant.actions_port}",
                f"http://localhost:{assistant.actions_port}/health",
            ),
            Server("Rasa server", "rasa run --model", f"{assistant.rasa_url}/"),
            Server("page server", "ops.serve_web", assistant.web_url),
        ]
        load = Load(assistant.rest_url)
        threads = [threading.Thread(target=load.converse, args=(f"e2e-supervised-{n}",)) for n in range(CONVERSATIONS)]
        for thread in threads:
            thread.start()
        restarts: dict[str, tuple[float, float]] = {}
        try:
            for server in servers:
                time.sleep(STEADY_S)
                restarts[server.name] = kill_and_time_restart(assistant.runner_pid, server)
            time.sleep(STEADY_S)
        finally:
            load.stop.set()
            for thread in threads:
                thread.join(timeout=90)

    outcomes = [turn.outcome for turn in load.turns]
    with capsys.disabled():  # the figures, in the output of every run
        print(
            f"\nSIGKILL under a load of {CONVERSATIONS} conversations, answering again after: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, (_, seconds) in restarts.items())
            + f"; turns: { {outcome: outcomes.count(outcome) for outcome in sorted(set(outcomes))} }"
        )
    rasa_killed, rasa_restart_s = restarts["Rasa server"]
    rasa_down = (rasa_killed, rasa_killed + rasa_restart_s)
    for turn in load.turns:
        if turn.outcome == "no server":
            # Only while the Rasa server was down: no process was there to answer.
            assert rasa_down[0] <= turn.ended and turn.started <= rasa_down[1], turn
        else:
            assert turn.outcome in ("answer", "apology"), turn
    # The turns in flight when the action server died got the apology; once each server is back, answers.
    back = rasa_down[1] + 1
    after = [turn.outcome for turn in load.turns if turn.started > back]
    assert len(after) >= CONVERSATIONS and set(after) == {"answer"}, after
