"""The advisers' shell's servers, kept ready between consoles: the first `cdm-run shell` starts them (a Rasa
server loads its model in about 25 s), the next ones connect at once while they serve the same model with the
same settings and code; they stop after SHELL_SERVER_IDLE_MINUTES with no console open, or at
`cdm-run shell --stop`.

    python -m ops.shell_server keep        the keeper: starts the servers of the plan read on stdin (JSON),
                                           writes the state file once they answer, stops them when idle
    python -m ops.shell_server rasa ARGS   `rasa ARGS --auth-token=TOKEN`, TOKEN read on stdin: the token of
                                           the HTTP API stays out of the command lines that `ps` shows

The runner (ops/run.py) starts the keeper in a session of its own (a Ctrl-C in the terminal does not reach the
servers). Everything of one RASA_PORT lives in var/shell/<port>/ (a folder only its owner can open):

    state.json     the keeper's pid, the ports, the model served, the fingerprint of what the servers were
                   started with and the API's token (mode 0600); never a conversation
    consoles.lock  each console holds a shared lock on it while it runs; the keeper counts the idle time from
                   the moment it can take it exclusively, and holds it while it stops
    start.lock     one runner at a time decides and starts
    servers.log    the servers' messages, shown only when one fails (deleted with the state)

The servers keep the advisers' conversations in memory only (no tracker store): they end with the servers.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from ops import processes
from ops import settings as ops_settings

SHELL_FOLDER = processes.PROJECT_ROOT / "var" / "shell"
# How often the keeper looks for an open console and for a server that stopped.
POLL_S = 2.0
# The files whose change makes the servers stale: the code the Rasa and action servers run, the channels.
CODE = ("actions", "rasa_extensions", "ops/shell_server.py", "credentials.yml")
KEEPER = "ops.shell_server keep"
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Place:
    """The files of the shell's servers on one port."""

    folder: Path

    @classmethod
    def for_port(cls, port: int) -> Place:
        return cls(SHELL_FOLDER / str(port))

    @property
    def state(self) -> Path:
        return self.folder / "state.json"

    @property
    def log(self) -> Path:
        return self.folder / "servers.log"

    @property
    def endpoints(self) -> Path:
        return self.folder / "endpoints.yml"

    def make(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)

    @contextlib.contextmanager
    def locked(self, name: str, how: int) -> Iterator[IO[str]]:
        """The lock file `name` of this folder, locked with flock's `how` until the block ends."""
        with (self.folder / name).open("a", encoding="utf-8") as lock:
            fcntl.flock(lock, how)
            yield lock

    def console_attached(self) -> contextlib.AbstractContextManager[IO[str]]:
        """A console is open (shared: many may be): the keeper does not count idle time meanwhile."""
        return self.locked("consoles.lock", fcntl.LOCK_SH)

    def starting(self) -> contextlib.AbstractContextManager[IO[str]]:
        """One runner at a time decides whether to reuse the servers, and starts new ones."""
        return self.locked("start.lock", fcntl.LOCK_EX)

    def forget(self, log: bool = True) -> None:
        """The state, the endpoints file and the log (unless `log` is false: a failure's) go; the lock files
        stay (a runner may be waiting on them)."""
        for path in (self.state, self.endpoints, *([self.log] if log else [])):
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class State:
    """What the keeper writes once its servers answer, and what the next runner reads to connect to them."""

    keeper_pid: int
    rasa_port: int
    actions_port: int
    model: str
    fingerprint: str
    token: str

    def write(self, path: Path) -> None:
        """Written whole or not at all, readable by its owner only (it holds the API's token)."""
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
            json.dump(asdict(self), out)
        partial.replace(path)

    @classmethod
    def read(cls, path: Path) -> State | None:
        """The state in `path`; None when there is none or it cannot be read."""
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"


def code_stamp(root: Path = processes.PROJECT_ROOT) -> list[tuple[str, int]]:
    """The newest modification time of each of CODE's files and folders (their Python files)."""
    stamp = []
    for name in CODE:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
        stamp.append((name, max((file.stat().st_mtime_ns for file in files), default=0)))
    return stamp


def fingerprint(model: Path, settings: Mapping[str, Any], root: Path = processes.PROJECT_ROOT) -> str:
    """What the servers were started with, as one hash: the model file (path, size, time), the settings they
    read and the code they run. Another value: the servers running are stale."""
    status = model.stat()
    what = {
        "model": [str(model.resolve()), status.st_size, status.st_mtime_ns],
        "settings": settings,
        "code": code_stamp(root),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def keeper_alive(pid: int) -> bool:
    """True when `pid` is a running keeper (not another process that got its number since)."""
    listing = subprocess.run(["ps", "-o", "stat=,args=", "-p", str(pid)], capture_output=True, text=True).stdout
    status, _, command = listing.strip().partition(" ")
    return bool(status) and not status.startswith("Z") and KEEPER in command


def serves(state: State) -> bool:
    """True when the servers of `state` answer: the Rasa server with this token (so it is that one, not
    another on the port), and the action server."""
    return processes.answers(f"{state.rasa_url}/status?token={state.token}") and processes.answers(
        processes.action_server_health(state.actions_port)
    )


def reuse_refusal(
    state: State | None,
    wanted: str,
    alive: Callable[[int], bool] | None = None,
    answering: Callable[[State], bool] | None = None,
) -> str | None:
    """Why the servers of `state` cannot serve a console that wants the fingerprint `wanted`; None: they can.
    `alive` and `answering`: keeper_alive and serves, unless given."""
    if state is None:
        return "no server"
    if not (alive or keeper_alive)(state.keeper_pid):
        return "its keeper is gone"
    if state.fingerprint != wanted:
        return "another model, other settings or other code"
    if not (answering or serves)(state):
        return "a server does not answer"
    return None


def stop_keeper(place: Place, grace_s: float = processes.STOP_GRACE_S + 5) -> bool:
    """Stops the keeper of `place` and its servers, and forgets them; True when one was running."""
    state = State.read(place.state)
    running = state is not None and keeper_alive(state.keeper_pid)
    if state is not None and running:
        with contextlib.suppress(ProcessLookupError):  # it may have stopped by itself since
            os.kill(state.keeper_pid, signal.SIGTERM)
            deadline = time.monotonic() + grace_s
            while keeper_alive(state.keeper_pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if keeper_alive(state.keeper_pid):
                os.killpg(state.keeper_pid, signal.SIGKILL)  # its session: the keeper and its servers
    place.forget()
    return running


@dataclass
class IdleTimer:
    """Counts the time with no console open; `expired` once it reaches `idle_s`."""

    idle_s: float
    since: float | None = None

    def expired(self, attached: bool, now: float) -> bool:
        if attached:
            self.since = None
            return False
        if self.since is None:
            self.since = now
        return now - self.since >= self.idle_s


def awake_or_asleep() -> float:
    """Seconds of a clock that counts the time the computer sleeps too (a laptop closed over lunch counts as
    idle time); the monotonic clock where there is none such."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boottime) if boottime is not None else time.monotonic()


def no_console(lock: IO[str]) -> bool:
    """True, holding the lock, when no console holds it; False, not holding it, otherwise."""
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def watch(
    rasa: subprocess.Popen[bytes],
    lock: IO[str],
    idle_s: float,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Returns when no console was open for `idle_s` (0; the lock held, so that no console attaches while the
    servers stop) or when the Rasa server stopped (1)."""
    timer = IdleTimer(idle_s)
    while rasa.poll() is None:
        free = no_console(lock)
        if timer.expired(not free, (clock or awake_or_asleep)()):
            return 0
        if free:
            fcntl.flock(lock, fcntl.LOCK_UN)
        sleep(POLL_S)
    print(f"The Rasa server stopped (exit status {rasa.returncode}).", flush=True)
    return 1


@dataclass(frozen=True)
class Plan:
    """What the runner asks of the keeper: start `programs` (the Rasa server first), then write `state`."""

    folder: str
    programs: list[dict[str, Any]]
    state: dict[str, Any]
    idle_s: float
    start_timeout_s: float
    token: str = field(repr=False, default="")


class Stopped(Exception):
    """SIGTERM or SIGINT: the keeper stops its servers."""


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise Stopped


def _die_with_the_keeper() -> None:
    """In a server, before it runs: SIGTERM when the keeper dies, even killed (Linux), so none is left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_program(program: Mapping[str, Any], token: str) -> subprocess.Popen[bytes]:
    """One server of the plan; those marked `token` read the API's token on their stdin."""
    child = subprocess.Popen(
        program["command"],
        cwd=processes.PROJECT_ROOT,
        env={**ops_settings.environment(), **program.get("environment", {})},
        stdin=subprocess.PIPE if program.get("token") else subprocess.DEVNULL,
        preexec_fn=_die_with_the_keeper,  # noqa: PLW1509 - the keeper runs no thread
    )
    if child.stdin is not None:
        child.stdin.write(f"{token}\n".encode())
        child.stdin.close()
    return child


def keep(plan: Plan) -> int:
    """The keeper's life: its servers started, the state written once they answer, then watched until idle;
    the state forgotten and the servers stopped before the consoles' lock is let go."""
    place = Place(Path(plan.folder))
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    children: list[subprocess.Popen[bytes]] = []
    status = 1
    with (place.folder / "consoles.lock").open("a", encoding="utf-8") as lock:
        try:
            for program in plan.programs:
                children.append(start_program(program, plan.token))
            for program, child in zip(plan.programs, children, strict=True):
                processes.wait_until_answers(program["health_url"], child, program["description"], plan.start_timeout_s)
            State(keeper_pid=os.getpid(), token=plan.token, **plan.state).write(place.state)
            status = watch(children[0], lock, plan.idle_s)
            return status
        except Stopped:
            status = 0
            return status
        except processes.StartFailed as failure:
            print(f"ERROR: {failure}.", flush=True)
            return 1
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            forget_mine(place, log=status == 0)
            processes.stop(children)


def forget_mine(place: Place, log: bool) -> None:
    """The state goes if it is this keeper's (a new keeper's is left alone); the log too, if `log`."""
    state = State.read(place.state)
    if state is not None and state.keeper_pid == os.getpid():
        place.forget(log)


def spawn_keeper(plan: Plan, environment: Mapping[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """The keeper, in a session of its own, its messages and its servers' to `log`; the plan on its stdin."""
    keeper = subprocess.Popen(
        [sys.executable, "-m", *KEEPER.split()],
        cwd=processes.PROJECT_ROOT,
        env=dict(environment),
        stdin=subprocess.PIPE,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert keeper.stdin is not None
    keeper.stdin.write(json.dumps(asdict(plan)).encode("utf-8"))
    keeper.stdin.close()
    return keeper


def wait_for_state(place: Place, keeper: subprocess.Popen[bytes], timeout_s: float) -> State:
    """The state the keeper writes once its servers answer; StartFailed if it stops first or takes too long."""

    def written() -> bool:
        state = State.read(place.state)
        return state is not None and state.keeper_pid == keeper.pid

    processes.wait_until(written, keeper, "shell's keeper", timeout_s)
    state = State.read(place.state)
    assert state is not None
    return state


def run_rasa(args: list[str]) -> int:
    """`rasa ARGS --auth-token=TOKEN`, in this process, with TOKEN read on stdin."""
    token = sys.stdin.readline().strip()
    if not token:
        print("The HTTP API's token is read on stdin; none was given.", file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args, processes.secret_option("--auth-token", token)]
    rasa_main()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["keep"]:
        return keep(Plan(**json.loads(sys.stdin.read())))
    if args[:1] == ["rasa"]:
        return run_rasa(args[1:])
    print("usage: python -m ops.shell_server keep | rasa ARGS", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
