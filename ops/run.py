"""Starts, and stops on exit, Ctrl-C or SIGTERM, everything it started (`cdm-run`, what `make run` runs):

  cdm-run serve        the action server, the Rasa server with its REST and Socket.IO channels, and the
                       widget's demo page (the default, `make run`), under supervisord (ops/supervision.py):
                       a server that dies is started again while the others keep serving
  cdm-run shell        the action server and a conversation in the terminal (`make shell`), through the
                       visitors' REST channel and its guard (masking, length limit, apology), so advisers see
                       what visitors see; its conversations are kept in memory only, never in the tracker store
  cdm-run interactive  the action server and `rasa interactive`: correct the bot turn by turn and save
                       the stories (`make interactive`)
  cdm-run actions      the action server alone       (for a deployment that runs the servers apart)
  cdm-run rasa         the Rasa server alone, using the action server of its endpoints file

Settings (environment variables, with their defaults):
  ACTIONS_PORT 5055, RASA_PORT 5005, WEB_PORT 8080
  REVIEW_SECRET     turns on the maintainers' review page (ops/review_web.py) on REVIEW_PORT (8090),
                    loopback only; its password (off when unset)
  CORS_ORIGINS      the web pages allowed to call the Rasa server, space-separated
                    (default: the demo page's own origins)
  RASA_MODEL        the model to serve: a file, or a folder whose newest model is served (models)
  RASA_ENDPOINTS    the Rasa server's endpoints file (endpoints.yml: one machine, conversations in SQLite);
                    deploy/endpoints.scale.yml shares them between several servers (docs/deployment.md)
  TRACKER_DB        the SQLite file of conversations (var/conversations.db)
  RETENTION_DAYS    conversations older than this are deleted at start and by `make purge` (30)
  RASA_ENABLE_API   true to turn on Rasa's HTTP API (off by default); it then requires
                    RASA_API_TOKEN (clients send ?token=...) or RASA_JWT_SECRET (Authorization: Bearer)
  SANIC_REQUEST_MAX_SIZE  largest request body of the Rasa server in bytes (100000); larger ones get a 413
  MAX_MESSAGE_CHARS longest visitor message (2000); longer ones get a request to shorten it
  RATE_LIMIT_CONVERSATION, RATE_LIMIT_CLIENT  messages a conversation (10/30) and a client address (30/15)
                    may send per number of seconds, the first number also the largest burst ("0": no limit)
  MAX_TURNS_PER_SESSION  messages of a conversation after which a fresh session starts, slots carried over
                    (20; 0: never), so that a turn's cost stays bounded
  TICKET_LOCK_LIFETIME  seconds a conversation's lock outlives the Rasa server that held it, if that server
                    dies (15; Rasa's own default, 60, is all of nginx's wait for an answer)
  START_TIMEOUT     seconds a server may take to answer (180; the Rasa server loads its model first: ~35 s)
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from ops import processes
from ops.supervision import Program, Supervisor

MODES = ("serve", "shell", "interactive", "actions", "rasa")
# The visitors' REST channel, as credentials.yml names it: the shell talks to the bot through it.
VISITORS_REST_CHANNEL = "rasa_extensions.input_channels.VisitorRestInput"
SHELL_INTERFACE = "127.0.0.1"
# The largest request the action server accepts (the Rasa server's, with a conversation session): 10 MB.
ACTION_SERVER_MAX_REQUEST_BYTES = "10000000"
DEFAULT_LOCK_LIFETIME_S = "15"


class Refused(Exception):
    """A setting forbids the start; nothing was started. Exit status 2."""


@dataclass
class Settings:
    mode: str
    actions_port: int
    rasa_port: int
    web_port: int
    review_port: int
    cors_origins: list[str]
    model: str
    endpoints: str
    tracker_db: str
    retention_days: str
    api_args: list[str]
    start_timeout_s: float

    @classmethod
    def from_environment(cls, mode: str) -> Settings:
        env = os.environ
        web_port = int(env.get("WEB_PORT", "8080"))
        default_origins = f"http://localhost:{web_port} http://127.0.0.1:{web_port}"
        return cls(
            mode=mode,
            actions_port=int(env.get("ACTIONS_PORT", "5055")),
            rasa_port=int(env.get("RASA_PORT", "5005")),
            web_port=web_port,
            review_port=int(env.get("REVIEW_PORT", "8090")),
            cors_origins=env.get("CORS_ORIGINS", default_origins).split(),
            model=env.get("RASA_MODEL", "models"),
            endpoints=env.get("RASA_ENDPOINTS", "endpoints.yml"),
            tracker_db=env.get("TRACKER_DB", "var/conversations.db"),
            retention_days=env.get("RETENTION_DAYS", "30"),
            api_args=api_arguments(env),
            start_timeout_s=float(env.get("START_TIMEOUT", "180")),
        )

    def child_environment(self) -> dict[str, str]:
        """What the servers read: endpoints.yml's ${...}, the channels' CORS_ORIGINS, Sanic's body limit."""
        return {
            **os.environ,
            "ACTIONS_PORT": str(self.actions_port),
            "RASA_PORT": str(self.rasa_port),
            "WEB_PORT": str(self.web_port),
            "CORS_ORIGINS": " ".join(self.cors_origins),
            "TRACKER_DB": self.tracker_db,
            "RETENTION_DAYS": self.retention_days,
            "SANIC_REQUEST_MAX_SIZE": os.environ.get("SANIC_REQUEST_MAX_SIZE", "100000"),
            # A server killed while it held a conversation's lock (scale-out profile: in Redis) leaves it taken
            # until it expires; the conversation's next message waits that long on the other server. A turn
            # takes well under a second here: 15 s leaves a wide margin and keeps the wait under nginx's 60 s.
            "TICKET_LOCK_LIFETIME": os.environ.get("TICKET_LOCK_LIFETIME", DEFAULT_LOCK_LIFETIME_S),
        }


def api_arguments(env: Mapping[str, str]) -> list[str]:
    """`rasa run`'s HTTP API options. The API lets its caller read and change any conversation: never on
    without a credential."""
    enabled = env.get("RASA_ENABLE_API", "false")
    if enabled in ("false", "0", "no", ""):
        return []
    if enabled not in ("true", "1", "yes"):
        raise Refused(f"RASA_ENABLE_API must be true or false, not '{enabled}'.")
    if env.get("RASA_API_TOKEN"):
        return ["--enable-api", "--auth-token", env["RASA_API_TOKEN"]]
    if env.get("RASA_JWT_SECRET"):
        return [
            "--enable-api",
            "--jwt-secret",
            env["RASA_JWT_SECRET"],
            "--jwt-method",
            env.get("RASA_JWT_METHOD", "HS256"),
        ]
    raise Refused(
        f"RASA_ENABLE_API={enabled} but neither RASA_API_TOKEN nor RASA_JWT_SECRET is set.\n"
        "       The HTTP API stays off unless a token or a JWT secret protects it."
    )


def has_model(path: Path) -> bool:
    return any(path.glob("*.tar.gz")) if path.is_dir() else path.is_file()


class Interrupted(Exception):
    """Ctrl-C or SIGTERM: stop everything, exit 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_status = 128 + signum


def _on_signal(signum: int, _: FrameType | None) -> None:
    raise Interrupted(signum)


def action_server_program(settings: Settings) -> Program:
    # Its requests come from the Rasa server, each with the whole current session: 100 KB, the limit on
    # visitors' requests, is about 50 turns, and a longer session's every action failed. The session is
    # bounded (MAX_TURNS_PER_SESSION); the limit here only guards against the absurd.
    return Program(
        "action-server",
        "action server",
        processes.action_server_command(settings.actions_port),
        processes.action_server_health(settings.actions_port),
        {"SANIC_REQUEST_MAX_SIZE": ACTION_SERVER_MAX_REQUEST_BYTES},
    )


def rasa_server_program(settings: Settings, command: list[str] | None = None) -> Program:
    """The Rasa server with every channel of credentials.yml (or the given command's)."""
    command = command or processes.rasa_server_command(
        settings.model, settings.rasa_port, settings.endpoints, settings.cors_origins, settings.api_args
    )
    return Program("rasa-server", "Rasa server", command, processes.rasa_server_health(settings.rasa_port))


def web_page_program(settings: Settings) -> Program:
    return Program(
        "web-page", "web page server", processes.web_server_command(), f"http://localhost:{settings.web_port}/"
    )


def review_page_program(settings: Settings) -> Program:
    port = settings.review_port
    command = [sys.executable, "-m", "ops.review_web", "--port", str(port), "--endpoints", settings.endpoints]
    return Program("review-page", "review page", command, f"http://127.0.0.1:{port}/health")


def serve_programs(settings: Settings) -> list[Program]:
    """What `make run` supervises, in the order it starts them: the action server, the Rasa server, the
    review page (only when REVIEW_SECRET is set), the widget's demo page."""
    review = [review_page_program(settings)] if os.environ.get("REVIEW_SECRET") else []
    return [action_server_program(settings), rasa_server_program(settings), *review, web_page_program(settings)]


@dataclass
class Runner:
    settings: Settings
    # The servers it started itself (every mode but serve); in serve mode, supervisord runs them.
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)
    supervisor: Supervisor | None = None

    def start_and_wait(self, program: Program) -> None:
        timeout_s = self.settings.start_timeout_s
        if self.supervisor is not None:
            self.supervisor.start_and_wait(program, timeout_s)
            return
        child = processes.start(program.command, env={**self.settings.child_environment(), **program.environment})
        self.children.append(child)
        try:
            processes.wait_until_answers(program.health_url, child, program.description, timeout_s)
        except processes.StartFailed as failure:
            hint = " (see its messages above)" if child.poll() is not None else f" at {program.health_url}"
            raise processes.StartFailed(f"{failure}{hint}.") from None

    def run_step(self, command: list[str]) -> None:
        """A step that must succeed before the Rasa server starts; its own message says why it failed."""
        completed = subprocess.run(command, cwd=processes.PROJECT_ROOT, env=self.settings.child_environment())
        if completed.returncode != 0:
            raise SystemExit(completed.returncode)

    def start_action_server(self) -> None:
        print(f"Starting the action server on port {self.settings.actions_port}...", flush=True)
        self.start_and_wait(action_server_program(self.settings))

    def start_rasa_server(self, command: list[str] | None = None) -> None:
        port = self.settings.rasa_port
        print(f"Starting the Rasa server on port {port} (loading the model takes about half a minute)...", flush=True)
        self.start_and_wait(rasa_server_program(self.settings, command))

    def serve_visitors(self, before_rasa: Callable[[], None] = lambda: None) -> None:
        """The Rasa server with every channel of credentials.yml, its conversations in the tracker store;
        `before_rasa` runs once the stores are ready, before the Rasa server starts."""
        settings = self.settings
        Path(settings.tracker_db).parent.mkdir(parents=True, exist_ok=True)
        # The stores must answer first: Rasa would otherwise start on an unreachable database and keep
        # conversations in memory only, each server its own.
        # Then the conversations older than the retention period go (ops/before_start.py: both in one process).
        self.run_step(
            [sys.executable, "-m", "ops.before_start", "--endpoints", settings.endpoints,
             "--days", settings.retention_days]
        )  # fmt: skip
        before_rasa()
        self.start_rasa_server()

    def start_web_server(self) -> None:
        print(f"Starting the widget's demo page on port {self.settings.web_port}...", flush=True)
        self.start_and_wait(web_page_program(self.settings))

    def start_review_page(self) -> None:
        """The maintainers' review page (ops/review_web.py), only when REVIEW_SECRET is set."""
        if not os.environ.get("REVIEW_SECRET"):
            return
        port = self.settings.review_port
        print(f"Starting the maintainers' review page on 127.0.0.1:{port} (REVIEW_SECRET is set)...", flush=True)
        self.start_and_wait(review_page_program(self.settings))

    def serve_supervised(self) -> int:
        """`make run`: every server under supervisord, which starts again any that dies, while the others
        keep serving; returns when supervisord stops (on Ctrl-C or SIGTERM, through Interrupted)."""
        settings = self.settings
        with Supervisor(serve_programs(settings), settings.child_environment()) as supervisor:
            self.supervisor = supervisor
            # The action server starts while the stores are checked (a second or two less of a cold start); the
            # Rasa server only once it answers: nothing answers visitors when it cannot start (a broken
            # knowledge file).
            actions = action_server_program(settings)
            print(f"Starting the action server on port {settings.actions_port}...", flush=True)
            supervisor.start(actions)
            self.serve_visitors(before_rasa=lambda: supervisor.wait_until_answers(actions, settings.start_timeout_s))
            self.start_review_page()
            self.start_web_server()
            print(ready_message(settings), flush=True)
            return supervisor.wait()

    def talk_in_shell(self) -> int:
        """The advisers' shell: a Rasa server with the visitors' REST channel only and no tracker store, and
        Rasa's console talking to it (ops/shell.py) in the foreground; its exit status."""
        settings = self.settings
        with tempfile.NamedTemporaryFile("w", suffix=".yml", prefix="shell-endpoints-") as endpoints:
            endpoints.write(shell_endpoints(settings.actions_port))
            endpoints.flush()
            self.start_rasa_server(shell_server_command(settings, endpoints.name))
        print(
            "Messages go through the visitors' REST channel and its guard, as on the website; the conversation is "
            "kept in memory only.",
            flush=True,
        )
        console = [sys.executable, "-m", "ops.shell", f"http://{SHELL_INTERFACE}:{settings.rasa_port}"]
        return subprocess.run(console, cwd=processes.PROJECT_ROOT, env=settings.child_environment()).returncode

    def talk_in_interactive(self) -> None:
        """`rasa interactive` in the foreground, with the action server started."""
        print("Action server ready. Starting rasa interactive (Ctrl-C to stop, then choose to save).", flush=True)
        command = [processes.RASA, "interactive", "--model", self.settings.model, "--domain", "domain.yml",
                   "--data", "data", "--config", "config.yml", "--endpoints", "endpoints.yml",
                   "--skip-visualization"]  # fmt: skip
        subprocess.run(command, cwd=processes.PROJECT_ROOT, env=self.settings.child_environment())

    def serve_until_a_server_stops(self) -> int:
        """Waits until one of the servers stops by itself; its exit status (never 0: that is a failure). In
        `cdm-run actions` and `cdm-run rasa`, the service manager that started the runner (systemd, with the
        units of deploy/systemd/) then starts it again."""
        while True:
            for child in self.children:
                status = child.poll()
                if status is not None:
                    print(f"A server stopped by itself (exit status {status}); stopping the others.", file=sys.stderr)
                    return status if status > 0 else 1
            time.sleep(0.5)

    def run(self) -> int:
        settings = self.settings
        if settings.mode != "actions" and not has_model(processes.PROJECT_ROOT / settings.model):
            print(f"ERROR: no model in {settings.model}. Train one first: make train", file=sys.stderr)
            return 1
        if settings.mode == "serve":
            return self.serve_supervised()
        if settings.mode != "rasa":
            self.start_action_server()
        if settings.mode == "shell":
            return self.talk_in_shell()
        if settings.mode == "interactive":
            self.talk_in_interactive()
            return 0
        if settings.mode == "actions":
            print(f"The action server is ready at http://localhost:{settings.actions_port}/webhook. Stop with Ctrl-C.")
        else:
            self.serve_visitors()
            print(f"The Rasa server is ready: REST {rest_url(settings)}. Stop with Ctrl-C.")
        return self.serve_until_a_server_stops()


def shell_endpoints(actions_port: int) -> str:
    """The shell's endpoints file: endpoints.yml's action server, and no tracker store, so that the advisers'
    test conversations stay in memory and end with the shell (nothing of them in the visitors' statistics)."""
    return f"action_endpoint:\n  url: http://localhost:{actions_port}/webhook\n  enable_selective_domain: true\n"


def shell_server_command(settings: Settings, endpoints_file: str) -> list[str]:
    """The Rasa server of the shell: only the visitors' REST channel, with its credentials.yml settings
    (`--connector` picks that entry), listening on loopback (the shell's console is its only client)."""
    command = processes.rasa_server_command(settings.model, settings.rasa_port, endpoints_file, cors_origins=())
    return [*command, "--connector", VISITORS_REST_CHANNEL, "--interface", SHELL_INTERFACE]


def rest_url(settings: Settings) -> str:
    return f"http://localhost:{settings.rasa_port}/webhooks/rest/webhook"


def ready_message(settings: Settings) -> str:
    review = (
        f"http://127.0.0.1:{settings.review_port}/   (password: REVIEW_SECRET)"
        if os.environ.get("REVIEW_SECRET")
        else "off (set REVIEW_SECRET to turn it on)"
    )
    store = (
        f"in {settings.tracker_db}"
        if settings.endpoints == "endpoints.yml"
        else f"in the tracker store of {settings.endpoints}"
    )
    return f"""
The assistant is ready.
  REST channel:     {rest_url(settings)}
  Socket.IO:        http://localhost:{settings.rasa_port}/socket.io
  Action server:    http://localhost:{settings.actions_port}/webhook
  Chat widget page: http://localhost:{settings.web_port}/   (CORS allows: {" ".join(settings.cors_origins)})
  Review page:      {review}
Try it:
  curl -s -X POST {rest_url(settings)} \\
       -H 'Content-Type: application/json' -d '{{"sender": "essai", "message": "C'"'"'est gratuit ?"}}'
Conversations are kept {store} for {settings.retention_days} days, personal data masked.
Rasa HTTP API: {"on, protected" if settings.api_args else "off"}.
Stop with Ctrl-C.
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--help"], ["-h"]):
        print(__doc__)
        return 0
    mode = args[0] if args else "serve"
    if len(args) > 1 or mode not in MODES:
        print(f"usage: cdm-run [{'|'.join(MODES)}]", file=sys.stderr)
        return 2
    os.chdir(processes.PROJECT_ROOT)
    # Its lines interleave with the servers' own: each line out as soon as it is written.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    try:
        settings = Settings.from_environment(mode)
    except Refused as refusal:
        print(f"ERROR: {refusal}", file=sys.stderr)
        return 2
    runner = Runner(settings)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        return runner.run()
    except processes.StartFailed as failure:
        print(f"ERROR: {failure}", file=sys.stderr)
        return 1
    except Interrupted as interruption:
        # A Ctrl-C reaches the servers too: stopping for it is no failure of theirs.
        return interruption.exit_status
    finally:
        # No signal may cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        processes.stop(runner.children)


if __name__ == "__main__":
    sys.exit(main())
