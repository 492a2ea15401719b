"""`make shell` as an adviser uses it: a real terminal (tmux), the action server started for them."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid

import pytest

from ops.processes import RUNNER, free_port
from tests.conftest import PROJECT_ROOT

PROMPT = "Your input ->"


def _screen(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", session], capture_output=True, text=True
    ).stdout


def _wait_for(session: str, text: str, count: int, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = _screen(session)
        if screen.count(text) >= count:
            return screen
        time.sleep(1)
    pytest.fail(f"{text!r} did not appear {count} time(s) in the terminal:\n{_screen(session)[-3000:]}")


def test_shell_answers_in_a_terminal_and_stops_cleanly(trained_model):
    assert shutil.which("tmux"), "tmux is needed for this test (.ci/run installs it)"
    session = f"shell-{uuid.uuid4().hex[:8]}"
    actions_port = free_port()
    ports = f"ACTIONS_PORT={actions_port} RASA_PORT={free_port()}"
    command = f"cd {PROJECT_ROOT} && env {ports} {shlex.join(RUNNER)} shell; echo SHELL-EXITED-$?; sleep 120"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "220", "-y", "60", command], check=True)
    try:
        _wait_for(session, PROMPT, 1)
        subprocess.run(["tmux", "send-keys", "-t", session, "Avez-vous un centre à Gap ?", "Enter"], check=True)
        _wait_for(session, PROMPT, 2)
        subprocess.run(["tmux", "send-keys", "-t", session, "et à Istres ?", "Enter"], check=True)
        screen = _wait_for(session, PROMPT, 3)
        assert "Oui, Gap fait partie des 7 centres associés" in screen
        assert "Oui, Istres fait partie des 7 centres associés" in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "/stop", "Enter"], check=True)
        _wait_for(session, "SHELL-EXITED-0", 1, timeout=60)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    # The action server runs as `rasa run actions ... --port <actions_port>`.
    leftover = subprocess.run(["pgrep", "-f", f"--port {actions_port}"], capture_output=True, text=True).stdout
    assert not leftover.strip(), "the action server was left running"
