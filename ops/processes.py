"""Starting the assistant's processes and waiting until they answer: the one place that knows how.

Used by the runner (`cdm-run`, what `make run` starts), the bench, the profiler and the end-to-end tests.
Nothing here loads data or imports Rasa: importing it is instant.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The environment's own programs: `rasa` beside the Python that runs this.
BIN_DIR = Path(sys.executable).parent
RASA = str(BIN_DIR / "rasa")
# The runner, as a command: what `make run` starts (the `cdm-run` entry point runs the same function).
RUNNER = [sys.executable, "-m", "ops.run"]
# Seconds a stopped process gets to shut down cleanly before it is killed.
STOP_GRACE_S = 15.0


class StartFailed(RuntimeError):
    """A process stopped while starting, or did not answer in time; the message says which and why."""


def free_port() -> int:
    """A TCP port free on loopback now (for servers started by the bench, the profiler and the tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def answers(url: str, timeout_s: float = 2.0) -> bool:
    """True when `url` answers a GET with 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError, ValueError):
        return False


def wait_until(
    ready: Callable[[], bool], process: subprocess.Popen[bytes], name: str, timeout_s: float, poll_s: float = 0.3
) -> float:
    """Polls `ready` until it is true; the seconds waited. Raises StartFailed if `process` exits first or
    time runs out. An exception from `ready` counts as not ready yet (the server is not listening)."""
    started = time.monotonic()
    while True:
        if process.poll() is not None:
            raise StartFailed(f"the {name} stopped while starting (exit status {process.returncode})")
        try:
            if ready():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - not accepting connections yet
            pass
        if time.monotonic() - started > timeout_s:
            raise StartFailed(f"the {name} did not answer within {timeout_s:g}s")
        time.sleep(poll_s)


def wait_until_answers(url: str, process: subprocess.Popen[bytes], name: str, timeout_s: float) -> float:
    return wait_until(lambda: answers(url), process, name, timeout_s)


def start(
    command: list[str],
    env: Mapping[str, str] | None = None,
    output: IO[bytes] | int | None = None,
    own_session: bool = False,
) -> subprocess.Popen[bytes]:
    """`command` in the project's folder; its output to `output` (or this process's own). `own_session`:
    a session of its own, so that everything it starts can be found and stopped together."""
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=dict(env) if env is not None else None,
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
        start_new_session=own_session,
    )


def action_server_command(port: int) -> list[str]:
    return [RASA, "run", "actions", "--actions", "actions", "--port", str(port)]


def action_server_health(port: int) -> str:
    return f"http://localhost:{port}/health"


def secret_option(name: str, value: str) -> str:
    """`--name=value`, one argument: a token or secret that starts with "-" (one random token in 64) would
    otherwise be read by `rasa run` as another option, and the server would refuse to start."""
    return f"{name}={value}"


def rasa_server_command(
    model: str, port: int, endpoints: str, cors_origins: Iterable[str], api_args: Iterable[str] = ()
) -> list[str]:
    return [
        RASA, "run", "--model", model, "--port", str(port), "--credentials", "credentials.yml",
        "--endpoints", endpoints, "--cors", *cors_origins, *api_args,
    ]  # fmt: skip


def rasa_server_health(port: int) -> str:
    return f"http://localhost:{port}/"


def web_server_command() -> list[str]:
    return [sys.executable, "-m", "ops.serve_web"]


def stop(processes: Iterable[subprocess.Popen[bytes]], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM to each process still running; SIGKILL to those still running after `grace_s`."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def session_processes(session_id: int) -> list[str]:
    """The processes alive in a session (one started with `own_session`, and everything it started, supervisord's
    servers included), each as "pid sid command line"."""
    listing = subprocess.run(["ps", "-ww", "-eo", "pid=,sid=,args="], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in listing.splitlines() if line.split()[1] == str(session_id)]


def stop_session(process: subprocess.Popen[bytes], grace_s: float = 60.0) -> None:
    """Stops a process started with `own_session` and everything it started: SIGTERM to the process (it
    stops its children), then SIGKILL to whatever of its session is left after `grace_s`."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # nothing left
    process.wait()
