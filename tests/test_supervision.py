"""The supervision of `make run` (ops/supervision.py): the configuration as supervisord itself reads it, and a
small real server under supervisord, killed and started again, then stopped with nothing left behind.
The servers of the assistant under load: tests/e2e/test_supervision.py."""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from pathlib import Path

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from ops import run, supervision
from ops.processes import PROJECT_ROOT, answers, free_port
from ops.supervision import Program, Supervisor


def read_by_supervisord(config_text: str, tmp_path: Path) -> ServerOptions:
    config = tmp_path / "supervisord.conf"
    config.write_text(config_text)
    options = ServerOptions()
    options.realize(args=["--configuration", str(config)])
    return options


def test_supervisord_reads_the_restart_policy_of_every_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REVIEW_SECRET", "s3cret")
    settings = run.Settings.from_environment("serve")
    programs = run.serve_programs(settings)
    assert [program.name for program in programs] == ["action-server", "rasa-server", "review-page", "web-page"]

    options = read_by_supervisord(supervision.configuration(programs, tmp_path, "password"), tmp_path)
    assert options.nodaemon
    by_name = {group.name: group.process_configs[0] for group in options.process_group_configs}
    assert list(by_name) == [program.name for program in programs]
    for program in programs:
        config = by_name[program.name]
        assert shlex.split(config.command) == program.command
        assert config.autostart is False  # the runner starts them one by one, each once the previous answers
        assert config.autorestart is RestartUnconditionally  # started again whatever the cause
        assert config.startretries == supervision.START_RETRIES and config.startsecs == supervision.START_SECONDS
        assert config.stopasgroup and config.killasgroup  # nothing of a server is left behind
        assert config.directory == str(PROJECT_ROOT)
    assert by_name["action-server"].environment == {"SANIC_REQUEST_MAX_SIZE": run.ACTION_SERVER_MAX_REQUEST_BYTES}


def test_percent_signs_and_quotes_in_settings(tmp_path: Path):
    program = Program("p", "program", ["echo", "100%"], "http://localhost/", {"TOKEN": "a%b c"})
    options = read_by_supervisord(supervision.configuration([program], tmp_path, "pw"), tmp_path)
    config = options.process_group_configs[0].process_configs[0]
    assert config.command == "echo 100%"
    assert config.environment == {"TOKEN": "a%b c"}
    with pytest.raises(ValueError, match="quote"):
        supervision.configuration([Program("p", "program", ["true"], "", {"TOKEN": 'a"b'})], tmp_path, "pw")


def test_a_killed_server_is_started_again_and_everything_stops_on_exit():
    port = free_port()
    server = Program(
        "page", "page server", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        f"http://127.0.0.1:{port}/",
    )  # fmt: skip
    with Supervisor([server], dict(os.environ)) as supervisor:
        supervisor.start_and_wait(server, timeout_s=30)
        first = supervisor.pid(server)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not (supervisor.pid(server) not in (0, first) and answers(server.health_url)):
            assert time.monotonic() < deadline, "not started again within 30 s"
            time.sleep(0.1)
        second = supervisor.pid(server)
        supervisord = supervisor.process
        assert supervisord is not None
    assert supervisord.poll() is not None
    for pid in (first, second):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not answers(server.health_url)


def test_a_server_that_cannot_start_is_given_up_with_a_clear_failure(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(supervision, "START_RETRIES", 1)
    broken = Program("broken", "broken server", [sys.executable, "-c", "raise SystemExit(3)"], "http://127.0.0.1:9/")
    started = time.monotonic()
    with Supervisor([broken], dict(os.environ)) as supervisor, pytest.raises(Exception, match="broken server stopped"):
        supervisor.start_and_wait(broken, timeout_s=60)
    assert time.monotonic() - started < 30
