"""The advisers' shell's servers kept ready between consoles (ops/shell_server.py, ops/run.py's shell): the next
console reuses them only while they serve what a new start would; they stop after the idle time with no console
open, or at `cdm-run shell --stop`; the state file holds no conversation and only its owner reads it. The real
servers, in a terminal: tests/e2e/test_shell.py."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import pytest

from ops import processes, run, shell_server
from ops.models import newest_model
from ops.settings import SettingsError
from ops.shell_server import IdleTimer, Place, State, reuse_refusal
from tests.conftest import with_a_model


def a_state(**changes: Any) -> State:
    values = {
        "keeper_pid": 4242,
        "rasa_port": 5611,
        "actions_port": 5612,
        "model": "models/a.tar.gz",
        "fingerprint": "same",
        "token": "a-secret",
    }
    return State(**{**values, **changes})


def always(answer: bool) -> Any:
    return lambda _: answer


# --- Reuse or start anew ----------------------------------------------------------------------------------------


def test_the_servers_are_reused_only_when_they_serve_what_a_new_start_would():
    state = a_state()
    assert reuse_refusal(state, "same", alive=always(True), answering=always(True)) is None
    assert reuse_refusal(None, "same", alive=always(True), answering=always(True)) == "no server"
    assert reuse_refusal(state, "same", alive=always(False), answering=always(True)) == "its keeper is gone"
    stale = reuse_refusal(state, "a newer model", alive=always(True), answering=always(True))
    assert stale == "another model, other settings or other code"
    assert reuse_refusal(state, "same", alive=always(True), answering=always(False)) == "a server does not answer"


def test_a_dead_or_foreign_pid_is_no_keeper():
    assert not shell_server.keeper_alive(os.getpid())  # alive, but not a keeper
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert not shell_server.keeper_alive(finished.pid)


def a_model(folder: Path, name: str, mtime: float) -> Path:
    model = folder / name
    model.write_bytes(b"model")
    os.utime(model, (mtime, mtime))
    return model


def test_the_fingerprint_changes_with_the_newest_model_the_settings_and_the_code(tmp_path: Path):
    models, code = tmp_path / "models", tmp_path / "code"
    models.mkdir()
    (code / "actions").mkdir(parents=True)
    a_model(models, "old.tar.gz", 1_000)
    first = a_model(models, "first.tar.gz", 2_000)
    assert newest_model(models) == first and newest_model(first) == first
    assert newest_model(tmp_path / "nothing") is None
    settings = {"rasa": {"max_message_chars": 2000}}
    before = shell_server.fingerprint(first, settings, code)
    assert shell_server.fingerprint(first, settings, code) == before

    newer = a_model(models, "newer.tar.gz", 3_000)
    assert newest_model(models) == newer
    assert shell_server.fingerprint(newer, settings, code) != before
    assert shell_server.fingerprint(first, {"rasa": {"max_message_chars": 100}}, code) != before
    (code / "actions" / "answers.py").write_text("changed = True\n")
    assert shell_server.fingerprint(first, settings, code) != before


def test_the_fingerprint_leaves_the_topic_option_out(monkeypatch: pytest.MonkeyPatch):
    """`--topic` and a console without it share the servers (the API is on for both, behind its token)."""
    plain = run.shell_settings(run.Settings.from_environment("shell"))
    monkeypatch.setenv("SHOW_TOPIC", "true")
    assert run.shell_settings(run.Settings.from_environment("shell")) == plain
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "100")
    assert run.shell_settings(run.Settings.from_environment("shell")) != plain


def test_the_state_file_is_its_owners_only_and_holds_no_conversation(tmp_path: Path):
    path = tmp_path / "state.json"
    a_state().write(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert set(json.loads(path.read_text())) == {
        "keeper_pid", "rasa_port", "actions_port", "model", "fingerprint", "token",
    }  # fmt: skip
    assert State.read(path) == a_state()
    path.write_text("{half")
    assert State.read(path) is None and State.read(tmp_path / "absent.json") is None


# --- The runner's decision --------------------------------------------------------------------------------------


@pytest.fixture
def shell_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(shell_server, "SHELL_FOLDER", tmp_path)
    with_a_model(tmp_path, monkeypatch)
    return tmp_path


def never_started(*_: Any) -> Any:
    raise AssertionError("started new servers")


def a_runner(port: int) -> run.Runner:
    settings = run.Settings.from_environment("shell")
    return run.Runner(replace(settings, rasa_port=port, shell_idle_minutes=30))


def test_a_second_console_connects_to_the_running_servers(shell_folder, monkeypatch, capsys):
    runner = a_runner(5611)
    place = Place.for_port(5611)
    place.make()
    model = newest_model(processes.PROJECT_ROOT / runner.settings.model)
    assert model is not None
    wanted = shell_server.fingerprint(model, run.shell_settings(runner.settings))
    a_state(fingerprint=wanted).write(place.state)
    monkeypatch.setattr(shell_server, "keeper_alive", always(True))
    monkeypatch.setattr(shell_server, "serves", always(True))
    monkeypatch.setattr(shell_server, "spawn_keeper", never_started)
    assert runner.shell_servers(place) == a_state(fingerprint=wanted)
    assert capsys.readouterr().out == "Assistant déjà démarré pour la console : prêt.\n"


def test_stale_servers_are_stopped_and_new_ones_started(shell_folder, monkeypatch, capsys):
    runner = a_runner(processes.free_port())
    place = Place.for_port(runner.settings.rasa_port)
    place.make()
    a_state(fingerprint="an older model").write(place.state)
    stopped: list[int] = []
    monkeypatch.setattr(shell_server, "keeper_alive", lambda pid: pid not in stopped)
    monkeypatch.setattr(shell_server, "serves", always(True))
    monkeypatch.setattr(os, "kill", lambda pid, _: stopped.append(pid))
    started: list[str] = []
    monkeypatch.setattr(run.Runner, "start_shell_servers", lambda _, __, ___, wanted: started.append(wanted))
    runner.shell_servers(place)
    assert stopped == [4242] and len(started) == 1 and not place.state.exists()
    assert capsys.readouterr().out == (
        "Démarrage de l'assistant pour la console (~25 s, une seule fois : il reste prêt 30 minutes)…\n"
    )


def test_the_start_message_says_how_long_the_servers_stay():
    assert run.shell_start_message(0) == "Démarrage de l'assistant pour la console (~25 s)…"
    assert "il reste prêt 7.5 minutes" in run.shell_start_message(7.5)


def test_the_idle_time_is_a_setting(monkeypatch):
    assert run.Settings.from_environment("shell").shell_idle_minutes == 30
    monkeypatch.setenv("SHELL_SERVER_IDLE_MINUTES", "-1")
    with pytest.raises(SettingsError, match="SHELL_SERVER_IDLE_MINUTES must be a number of minutes, 0 or more"):
        run.Settings.from_environment("shell")


def test_stop_with_nothing_running_says_so(shell_folder, monkeypatch, capsys):
    monkeypatch.setenv("RASA_PORT", "5611")
    assert run.main(["shell", "--stop"]) == 0
    assert capsys.readouterr().out == "Aucun assistant de la console ne tournait sur le port 5611.\n"


# --- The idle stop ----------------------------------------------------------------------------------------------


def test_the_idle_time_counts_from_the_last_console():
    timer = IdleTimer(idle_s=60)
    assert not timer.expired(attached=True, now=0)
    assert not timer.expired(attached=False, now=100)  # the last console closed at 100
    assert not timer.expired(attached=False, now=159)
    assert not timer.expired(attached=True, now=160)  # a console opened: the count starts again
    assert not timer.expired(attached=False, now=200)
    assert timer.expired(attached=False, now=260)
    assert IdleTimer(idle_s=0).expired(attached=False, now=5)


class Running:
    returncode = None

    def poll(self) -> int | None:
        return None


def test_the_keeper_stops_after_the_idle_time_with_no_console_and_keeps_the_lock(tmp_path: Path):
    lock_path = tmp_path / "consoles.lock"
    console = lock_path.open("a")
    fcntl.flock(console, fcntl.LOCK_SH)  # a console is open...
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if now[0] >= 600:  # ...for ten minutes, then closes
            console.close()

    with lock_path.open("a") as lock:
        assert shell_server.watch(Running(), lock, idle_s=1800, clock=lambda: now[0], sleep=sleep) == 0  # type: ignore[arg-type]
        assert 2400 <= now[0] <= 2400 + 2 * shell_server.POLL_S
        with lock_path.open("a") as late_console, pytest.raises(BlockingIOError):
            fcntl.flock(late_console, fcntl.LOCK_SH | fcntl.LOCK_NB)  # held while the servers stop


def test_the_keeper_stops_when_its_rasa_server_stops(tmp_path: Path, capsys):
    stopped = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    stopped.wait()
    with (tmp_path / "consoles.lock").open("a") as lock:
        assert shell_server.watch(stopped, lock, idle_s=1800, sleep=lambda _: None) == 1
    assert "The Rasa server stopped (exit status 3)." in capsys.readouterr().out


# --- A real keeper, with a small web server as its "Rasa server" ------------------------------------------------


@pytest.fixture
def keeper(tmp_path: Path) -> Iterator[tuple[Place, subprocess.Popen[bytes], int, IO[str]]]:
    """A keeper with one web server, idle time 3 s, started while a console is open (the lock file yielded:
    closing it closes the console); stopped at the end."""
    place = Place(tmp_path / "shell")
    place.make()
    port = processes.free_port()
    program = {
        "description": "web server",
        "command": [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        "health_url": f"http://127.0.0.1:{port}/",
        "token": True,
    }
    state = {"rasa_port": port, "actions_port": port, "model": "m", "fingerprint": "f"}
    plan = shell_server.Plan(str(place.folder), [program], state, idle_s=3, start_timeout_s=30, token="a-secret")
    with (place.folder / "consoles.lock").open("a") as console, place.log.open("wb") as log:
        fcntl.flock(console, fcntl.LOCK_SH)
        spawned = shell_server.spawn_keeper(plan, os.environ, log)
        try:
            shell_server.wait_for_state(place, spawned, timeout_s=30)
            yield place, spawned, port, console
        finally:
            processes.stop([spawned])


def test_a_real_keeper_stops_its_server_after_the_idle_time(keeper):
    place, spawned, port, console = keeper
    state = State.read(place.state)
    assert state is not None and state.keeper_pid == spawned.pid and state.token == "a-secret"
    assert shell_server.keeper_alive(spawned.pid)
    time.sleep(4)  # longer than the idle time, but a console is open
    assert spawned.poll() is None and processes.answers(f"http://127.0.0.1:{port}/")
    console.close()
    assert spawned.wait(timeout=30) == 0
    assert not processes.answers(f"http://127.0.0.1:{port}/")
    assert not place.state.exists() and not place.log.exists()


def test_stop_now_stops_the_keeper_and_its_server(keeper):
    place, spawned, port, _ = keeper
    assert shell_server.stop_keeper(place)
    assert spawned.wait(timeout=30) == 0
    assert not processes.answers(f"http://127.0.0.1:{port}/") and not place.state.exists()
    assert not shell_server.stop_keeper(place)
