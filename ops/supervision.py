"""The servers of `make run` under supervisord (Supervisor, from PyPI): a server that dies is started again
while the others keep serving; Ctrl-C stops them all.

supervisord's rules, as configured here (docs/deployment.md, "Supervision"):
- a server that stops after it has run `startsecs` seconds is started again at once, whatever the cause;
- one that stops sooner is tried again after 1 s, then 2 s, 3 s... (`startretries` times), then given up
  (state FATAL, a "gave up" line): a broken server is not restarted in a tight loop;
- each server has a process group of its own, stopped (SIGTERM, then SIGKILL after `stopwaitsecs`) as a whole.

The runner (ops/run.py) starts the servers one by one through supervisord's XML-RPC interface, on a Unix
socket in a private temporary folder, and waits for each to answer before the next.
"""

from __future__ import annotations

import secrets
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from supervisor.xmlrpc import SupervisorTransport

from ops import processes

SUPERVISORD = str(processes.BIN_DIR / "supervisord")
# Seconds a server must stay up for its start to count; a server that stops sooner is retried with backoff.
START_SECONDS = 5
# Quick failures in a row before a server is given up (after 1 + 2 + ... + 5 = 15 s of backoff).
START_RETRIES = 5
# Seconds a server gets to stop after SIGTERM before SIGKILL, and supervisord itself to stop them all.
STOP_WAIT_SECONDS = 15
SUPERVISORD_STOP_GRACE_S = STOP_WAIT_SECONDS + 15.0
# States of supervisord's processes in which a start has failed for good.
GIVEN_UP_STATES = ("FATAL",)


@dataclass(frozen=True)
class Program:
    """A server supervisord runs: its name in the logs, what the runner calls it, how to start it and the URL
    that answers once it is ready."""

    name: str
    description: str
    command: list[str]
    health_url: str
    environment: Mapping[str, str] = field(default_factory=dict)


def _config_value(value: str) -> str:
    """A value as supervisord reads it: "%" starts its expansions and must be doubled."""
    return value.replace("%", "%%")


def _environment_value(environment: Mapping[str, str]) -> str:
    """`environment=` of a program: KEY="value" pairs (values quoted, as supervisord's parser wants them)."""
    pairs = []
    for key, value in environment.items():
        if '"' in value or "\n" in value:
            raise ValueError(f"{key}: a supervised server's setting may not hold a quote or a line break")
        pairs.append(f'{key}="{_config_value(value)}"')
    return ",".join(pairs)


def configuration(programs: Sequence[Program], folder: Path, password: str) -> str:
    """supervisord's configuration: in the foreground, its own lines and the servers' output on its standard
    output, nothing started until the runner asks, its socket in `folder` (only the runner knows `password`)."""
    sections = [
        f"""[supervisord]
nodaemon=true
logfile=/dev/null
logfile_maxbytes=0
pidfile={folder / "supervisord.pid"}
childlogdir={folder}
identifier=cdm-assistant

[unix_http_server]
file={folder / "supervisor.sock"}
chmod=0700
username=runner
password={password}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
"""
    ]
    for program in programs:
        lines = [
            f"[program:{program.name}]",
            f"command={_config_value(shlex.join(program.command))}",
            f"directory={processes.PROJECT_ROOT}",
            "autostart=false",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOP_WAIT_SECONDS}",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            "stdout_logfile=/dev/stdout",
            "stdout_logfile_maxbytes=0",
        ]
        if program.environment:
            lines.append(f"environment={_environment_value(program.environment)}")
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


class Supervisor:
    """supervisord running `programs` (none started yet), from `__enter__` until `__exit__` stops it and them."""

    def __init__(self, programs: Sequence[Program], env: Mapping[str, str]) -> None:
        self.programs = list(programs)
        self.env = dict(env)
        self._folder = tempfile.TemporaryDirectory(prefix="cdm-supervisor-")
        self._password = secrets.token_urlsafe(24)
        self.process: subprocess.Popen[bytes] | None = None
        self._copier: threading.Thread | None = None

    @property
    def socket(self) -> Path:
        return Path(self._folder.name) / "supervisor.sock"

    def __enter__(self) -> Supervisor:
        folder = Path(self._folder.name)
        config = folder / "supervisord.conf"
        config.write_text(configuration(self.programs, folder, self._password))
        # Its output (the servers' too) through a pipe, copied to the runner's: supervisord writes the servers'
        # lines into a file of its own opening of /dev/stdout, whose position, were the runner's output a
        # file, would not follow the runner's own lines and would overwrite them.
        self.process = processes.start(
            [SUPERVISORD, "--configuration", str(config)], env=self.env, output=subprocess.PIPE
        )
        self._copier = threading.Thread(target=_copy_lines, args=(self.process,), daemon=True)
        self._copier.start()
        processes.wait_until(self._answers, self.process, "process supervisor (supervisord)", 30.0)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.process is not None:
            processes.stop([self.process], grace_s=SUPERVISORD_STOP_GRACE_S)
        if self._copier is not None:
            self._copier.join(timeout=5)  # its last lines ("stopped: ...") out before the runner exits
        self._folder.cleanup()

    def _rpc(self) -> Any:
        transport = SupervisorTransport("runner", self._password, f"unix://{self.socket}")
        return xmlrpc.client.ServerProxy("http://localhost", transport=transport).supervisor

    def _answers(self) -> bool:
        return bool(self._rpc().getState()["statename"] == "RUNNING")

    def state(self, program: Program) -> str:
        """supervisord's state of `program`: STARTING, RUNNING, BACKOFF, EXITED, FATAL..."""
        return cast(str, self._rpc().getProcessInfo(program.name)["statename"])

    def pid(self, program: Program) -> int:
        """The process of `program` now (0 when it is not running)."""
        return int(self._rpc().getProcessInfo(program.name)["pid"])

    def start(self, program: Program) -> None:
        """Starts `program` without waiting for it to answer (`wait_until_answers` does)."""
        assert self.process is not None, "use Supervisor in a with statement"
        self._rpc().startProcess(program.name, False)

    def start_and_wait(self, program: Program, timeout_s: float) -> None:
        self.start(program)
        self.wait_until_answers(program, timeout_s)

    def wait_until_answers(self, program: Program, timeout_s: float) -> None:
        """Waits until the health URL of `program` (started) answers. StartFailed if supervisord gave it up
        (it stopped too soon, `startretries` times) or time ran out."""
        assert self.process is not None, "use Supervisor in a with statement"
        started = time.monotonic()
        while not processes.answers(program.health_url):
            if self.process.poll() is not None:
                raise processes.StartFailed(f"the process supervisor stopped (exit status {self.process.returncode})")
            if self.state(program) in GIVEN_UP_STATES:
                raise processes.StartFailed(f"the {program.description} stopped while starting")
            if time.monotonic() - started > timeout_s:
                raise processes.StartFailed(f"the {program.description} did not answer within {timeout_s:g}s")
            time.sleep(0.3)

    def wait(self) -> int:
        """Waits until supervisord stops by itself (it does not, short of a signal); its exit status."""
        assert self.process is not None, "use Supervisor in a with statement"
        status = self.process.wait()
        print(f"The process supervisor stopped by itself (exit status {status}).", file=sys.stderr)
        return status if status > 0 else 1


def _copy_lines(process: subprocess.Popen[bytes]) -> None:
    """Copies supervisord's output to this process's, line by line, until supervisord stops."""
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()
