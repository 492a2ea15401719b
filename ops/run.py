"""Starts, and stops on exit, Ctrl-C or SIGTERM, everything it started (`cdm-run`, what `make run` runs):

  cdm-run serve        the action server, the Rasa server with its REST and Socket.IO channels, and the
                       widget's demo page (the default, `make run`), under supervisord (ops/supervision.py):
                       a server that dies is started again while the others keep serving
  cdm-run shell        a conversation in the terminal (`make shell`), through the visitors' REST channel and
                       its guard (masking, length limit, apology), so advisers see what visitors see; its
                       conversations are kept in memory only, never in the tracker store. The shell's servers
                       (and the action server, unless one answers already) start once (~25 s) and stay ready
                       SHELL_SERVER_IDLE_MINUTES after the last console closes (ops/shell_server.py);
                       `cdm-run shell --stop` stops them now. `cdm-run shell --topic` (or SHOW_TOPIC=true)
                       shows the topic understood before each answer
  cdm-run interactive  the action server and `rasa interactive`: correct the bot turn by turn and save
                       the stories (`make interactive`)
  cdm-run actions      the action server alone       (for a deployment that runs the servers apart)
  cdm-run rasa         the Rasa server alone, using the action server of its endpoints file

Settings: environment variables, each with its default and meaning in docs/configuration.md (generated from
ops/settings.py, rasa_extensions/settings.py and actions/settings.py). The runner reads all of the servers'
before it starts anything: a value that does not parse stops it with one line naming the variable (status 2).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import FrameType

from ops import processes, shell_server
from ops import settings as ops_settings
from ops.models import newest_model
from ops.supervision import Program, Supervisor
from rasa_extensions import settings as rasa_settings

MODES = ("serve", "shell", "interactive", "actions", "rasa")
# The visitors' REST channel, as credentials.yml names it: the shell talks to the bot through it.
VISITORS_REST_CHANNEL = "rasa_extensions.input_channels.VisitorRestInput"
SHELL_INTERFACE = "127.0.0.1"
# The lines of the shell's servers' log shown when one of them fails.
SHELL_LOG_TAIL_LINES = 30
# The runner's variables that the shell's servers read (child_environment()): another value, other servers.
PASSED_ON = ("ACTIONS_PORT", "RASA_PORT", "SANIC_REQUEST_MAX_SIZE", "TICKET_LOCK_LIFETIME")
# The largest request the action server accepts (the Rasa server's, with a conversation session): 10 MB.
ACTION_SERVER_MAX_REQUEST_BYTES = "10000000"
# A server killed while it held a conversation's lock (scale-out profile: in Redis) leaves it taken until it
# expires; the conversation's next message waits that long on the other server. A turn takes well under a
# second here: 15 s leaves a wide margin and keeps the wait under nginx's 60 s.
DEFAULT_LOCK_LIFETIME_S = str(ops_settings.OperationsSettings.default("TICKET_LOCK_LIFETIME"))


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
    review_page: bool
    sanic_request_max_size: int
    ticket_lock_lifetime_s: int
    show_topic: bool = False
    shell_idle_minutes: float = 0
    # The HTTP API's token `make publish` uses to load a new model in the running Rasa server (serve mode), and
    # the file it finds it in (None: no token to hand on, the API being protected by a JWT secret).
    publish_token: str | None = None
    publish_access_file: Path = ops_settings.OperationsSettings.default("PUBLISH_ACCESS_FILE")

    @classmethod
    def from_environment(cls, mode: str) -> Settings:
        """The runner's settings (ops/settings.py); the Rasa server's are read too, so that a value that does
        not parse stops the runner before it starts anything (SettingsError, one line)."""
        read = ops_settings.load()
        if mode != "actions":
            rasa_settings.load()
        api_args, publish_token = served_api(read, mode)
        return cls(
            mode=mode,
            actions_port=read.actions_port,
            rasa_port=read.rasa_port,
            web_port=read.web_port,
            review_port=read.review_port,
            cors_origins=read.allowed_origins,
            model=read.rasa_model,
            endpoints=read.rasa_endpoints,
            tracker_db=read.tracker_db,
            retention_days=f"{read.retention_days:g}",
            api_args=api_args,
            start_timeout_s=read.start_timeout,
            review_page=read.review_secret is not None,
            sanic_request_max_size=read.sanic_request_max_size,
            ticket_lock_lifetime_s=read.ticket_lock_lifetime,
            show_topic=read.show_topic,
            shell_idle_minutes=read.shell_server_idle_minutes,
            publish_token=publish_token,
            publish_access_file=read.publish_access_file,
        )

    def child_environment(self) -> dict[str, str]:
        """What the servers read: endpoints.yml's ${...}, the channels' CORS_ORIGINS, Sanic's body limit, Rasa's
        lock lifetime; the rest of the environment as it is."""
        return {
            **ops_settings.environment(),
            "ACTIONS_PORT": str(self.actions_port),  # endpoints.yml's ${ACTIONS_PORT}
            "RASA_PORT": str(self.rasa_port),
            "WEB_PORT": str(self.web_port),
            "CORS_ORIGINS": " ".join(self.cors_origins),
            "TRACKER_DB": self.tracker_db,
            "RETENTION_DAYS": self.retention_days,
            "SANIC_REQUEST_MAX_SIZE": str(self.sanic_request_max_size),
            "TICKET_LOCK_LIFETIME": str(self.ticket_lock_lifetime_s),
        }


def api_arguments(read: ops_settings.OperationsSettings) -> list[str]:
    """`rasa run`'s HTTP API options. The API lets its caller read and change any conversation: never on
    without a credential."""
    if not read.rasa_enable_api:
        return []
    if read.rasa_api_token is not None:
        return ["--enable-api", processes.secret_option("--auth-token", read.rasa_api_token.get_secret_value())]
    if read.rasa_jwt_secret is not None:
        return [
            "--enable-api",
            processes.secret_option("--jwt-secret", read.rasa_jwt_secret.get_secret_value()),
            "--jwt-method",
            read.rasa_jwt_method,
        ]
    raise Refused(
        "RASA_ENABLE_API is true but neither RASA_API_TOKEN nor RASA_JWT_SECRET is set.\n"
        "       The HTTP API stays off unless a token or a JWT secret protects it."
    )


def served_api(read: ops_settings.OperationsSettings, mode: str) -> tuple[list[str], str | None]:
    """The HTTP API options of the Rasa server, and the token `make publish` loads a new model with. In serve mode
    (`make run`) the API is on: as configured, or else protected by a random token drawn at this start, handed
    on to publishing through a file only its user can read (`write_publish_access`), never printed."""
    api_args = api_arguments(read)
    if mode != "serve":
        return api_args, None
    if not api_args:
        token = secrets.token_urlsafe(32)
        return ["--enable-api", processes.secret_option("--auth-token", token)], token
    return api_args, read.rasa_api_token.get_secret_value() if read.rasa_api_token is not None else None


def write_publish_access(path: Path, rasa_port: int, token: str) -> None:
    """Where `make publish` finds the running Rasa server and its API's token: a file readable by its user alone
    (created so, never readable by others even for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"url": f"http://127.0.0.1:{rasa_port}", "token": token}, file)


def remove_publish_access(path: Path, token: str) -> None:
    """Removes the file at stop, if it is still this start's (another runner may have written its own since)."""
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("token") == token:
            path.unlink()
    except (OSError, ValueError):
        pass


def has_model(path: Path) -> bool:
    return newest_model(path) is not None


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
    command = [sys.executable, "-m", "staff.review_web", "--port", str(port), "--endpoints", settings.endpoints]
    return Program("review-page", "review page", command, f"http://127.0.0.1:{port}/health")


def serve_programs(settings: Settings) -> list[Program]:
    """What `make run` supervises, in the order it starts them: the action server, the Rasa server, the
    review page (only when REVIEW_SECRET is set), the widget's demo page."""
    review = [review_page_program(settings)] if settings.review_page else []
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
        """The maintainers' review page (staff/review_web.py), only when REVIEW_SECRET is set."""
        if not self.settings.review_page:
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
            token = settings.publish_token
            if token is not None:
                write_publish_access(settings.publish_access_file, settings.rasa_port, token)
            try:
                self.start_review_page()
                self.start_web_server()
                print(ready_message(settings), flush=True)
                return supervisor.wait()
            finally:
                if token is not None:
                    remove_publish_access(settings.publish_access_file, token)

    def talk_in_shell(self) -> int:
        """The advisers' shell: the console (ops/shell.py) in the foreground, talking to the shell's own Rasa
        server (the visitors' REST channel only, no tracker store, on loopback); its exit status. That server,
        and the action server unless one answers already, are kept ready between consoles by a keeper
        (ops/shell_server.py): started by the first console (~25 s), reused by the next ones while they serve
        the newest model with the same settings and code. Their messages go to a log, shown only when one fails:
        the adviser sees one line, then the prompt. A Rasa server on RASA_PORT that is not the shell's is never
        used: its conversations would be stored."""
        settings = self.settings
        place = shell_server.Place.for_port(settings.rasa_port)
        place.make()
        with place.console_attached():
            with place.starting():
                state = self.shell_servers(place)
            with tempfile.TemporaryDirectory(prefix="cdm-shell-") as folder:
                console = [sys.executable, "-m", "ops.shell", state.rasa_url]
                if settings.show_topic:
                    token_file = Path(folder) / "api-token"
                    token_file.touch(mode=0o600)
                    token_file.write_text(state.token, encoding="utf-8")
                    console += ["--topic", str(token_file)]
                # Ctrl-C while the bot answers reaches the runner too (the servers have a session of their own):
                # the console's decides.
                previous = signal.signal(signal.SIGINT, _console_decides)
                try:
                    environment = settings.child_environment()
                    status = subprocess.run(console, cwd=processes.PROJECT_ROOT, env=environment).returncode
                finally:
                    signal.signal(signal.SIGINT, previous)
        if status == 1:
            print(shell_log_tail(place.log), file=sys.stderr)
        return status

    def shell_servers(self, place: shell_server.Place) -> shell_server.State:
        """The shell's servers of `place`, reused if they serve what a new start would, else started anew (the
        stale ones stopped first)."""
        settings = self.settings
        model = newest_model(processes.PROJECT_ROOT / settings.model)
        assert model is not None  # run() checked that there is one
        wanted = shell_server.fingerprint(model, shell_settings(settings))
        state = shell_server.State.read(place.state)
        if shell_server.reuse_refusal(state, wanted) is None and state is not None:
            print("Assistant déjà démarré pour la console : prêt.", flush=True)
            return state
        shell_server.stop_keeper(place)
        if processes.answers(processes.rasa_server_health(settings.rasa_port)):
            raise processes.StartFailed(
                f"un serveur Rasa répond déjà sur le port {settings.rasa_port} (make run ?) ; le terminal a besoin "
                f"du sien, qui ne garde rien : choisir un autre port, par exemple RASA_PORT={settings.rasa_port + 1} "
                "make shell"
            )
        print(shell_start_message(settings.shell_idle_minutes), flush=True)
        return self.start_shell_servers(place, model, wanted)

    def start_shell_servers(self, place: shell_server.Place, model: Path, wanted: str) -> shell_server.State:
        """The keeper of `place`, with the shell's Rasa server and the action server unless one answers already
        (started together: the Rasa server needs it only for its first answer); the state it writes."""
        settings = self.settings
        place.endpoints.write_text(shell_endpoints(settings.actions_port), encoding="utf-8")
        rasa = rasa_server_program(settings, shell_server_command(settings, str(place.endpoints), str(model)))
        programs = [{**asdict(rasa), "token": True}]
        if not processes.answers(processes.action_server_health(settings.actions_port)):
            programs.append(asdict(action_server_program(settings)))
        plan = shell_server.Plan(
            folder=str(place.folder),
            programs=programs,
            state={"rasa_port": settings.rasa_port, "actions_port": settings.actions_port, "model": str(model),
                   "fingerprint": wanted},
            idle_s=settings.shell_idle_minutes * 60,
            start_timeout_s=settings.start_timeout_s,
            token=secrets.token_urlsafe(32),
        )  # fmt: skip
        place.log.unlink(missing_ok=True)
        with os.fdopen(os.open(place.log, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as log:
            keeper = shell_server.spawn_keeper(plan, settings.child_environment(), log)
        # Until it is ready, the keeper is stopped with the runner (a Ctrl-C during the start); then it stays.
        self.children.append(keeper)
        try:
            state = shell_server.wait_for_state(place, keeper, settings.start_timeout_s + 5)
        except processes.StartFailed as failure:
            print(shell_log_tail(place.log), file=sys.stderr)
            raise processes.StartFailed(f"{failure} (the end of its messages above).") from None
        self.children.remove(keeper)
        return state

    def stop_shell_servers(self) -> int:
        """`cdm-run shell --stop`: the shell's servers on RASA_PORT stop now."""
        place = shell_server.Place.for_port(self.settings.rasa_port)
        stopped = shell_server.stop_keeper(place)
        with contextlib.suppress(OSError):
            shutil.rmtree(place.folder)
        print(
            f"Assistant de la console arrêté (port {self.settings.rasa_port})."
            if stopped
            else f"Aucun assistant de la console ne tournait sur le port {self.settings.rasa_port}."
        )
        return 0

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
        if settings.mode == "shell":
            return self.talk_in_shell()
        if settings.mode != "rasa":
            self.start_action_server()
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


def shell_server_command(settings: Settings, endpoints_file: str, model: str) -> list[str]:
    """The Rasa server of the shell: `model`, only the visitors' REST channel, with its credentials.yml settings
    (`--connector` picks that entry), listening on loopback (the shell's console is its only client); its HTTP
    API on, for the topic line, with the token the keeper gives it on its stdin (ops/shell_server.py's `rasa`:
    never on a command line, which every user of the computer can read)."""
    command = processes.rasa_server_command(model, settings.rasa_port, endpoints_file, cors_origins=())
    launcher = [sys.executable, "-m", "ops.shell_server", "rasa"]
    channel = ["--connector", VISITORS_REST_CHANNEL, "--interface", SHELL_INTERFACE]
    return [*launcher, *command[1:], "--enable-api", *channel]


def shell_settings(settings: Settings) -> dict[str, object]:
    """What the shell's servers read at start, besides the model and the code: the Rasa server's and the action
    server's settings, and the runner's that it passes on to them."""
    from actions import settings as action_settings

    passed_on = {name: value for name, value in settings.child_environment().items() if name in PASSED_ON}
    return {
        "rasa": rasa_settings.load().dict(),
        "actions": action_settings.load().dict(),
        "runner": passed_on,
    }


def shell_start_message(idle_minutes: float) -> str:
    """The one line before the prompt while the shell's servers start."""
    kept = f", une seule fois : il reste prêt {idle_minutes:g} minutes" if idle_minutes > 0 else ""
    return f"Démarrage de l'assistant pour la console (~25 s{kept})…"


def shell_log_tail(log_path: Path) -> str:
    """The last lines of the shell's servers' log, for a failure."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-SHELL_LOG_TAIL_LINES:]
    except OSError:
        lines = []
    return "\n".join(["--- the end of the servers' log ---", *lines, "---"])


def _console_decides(_signum: int, _frame: FrameType | None) -> None:
    """SIGINT while the shell's console runs: the console stops on it, and the runner after it."""


def rest_url(settings: Settings) -> str:
    return f"http://localhost:{settings.rasa_port}/webhooks/rest/webhook"


def ready_message(settings: Settings) -> str:
    review = (
        f"http://127.0.0.1:{settings.review_port}/   (password: REVIEW_SECRET)"
        if settings.review_page
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
Rasa HTTP API: {api_state(settings)}.
Stop with Ctrl-C.
"""


def api_state(settings: Settings) -> str:
    if not settings.api_args:
        return "off"
    if settings.publish_token is None:
        return "on, protected"
    return f"on, protected by a token (in {settings.publish_access_file}, for make publish)"


def knowledge_refusal() -> str | None:
    """Why the action server would refuse to start, checked before anything starts: the knowledge file's problems
    as one French block, each with its line, at most a screenful and no traceback (or None: the file is valid)."""
    from actions.knowledge.loading import KnowledgeError, load_knowledge
    from actions.knowledge_store import knowledge_file
    from actions.settings import SettingsError

    try:
        load_knowledge(knowledge_file())
    except SettingsError as error:
        return str(error)
    except KnowledgeError as error:
        return f"{error.summary()}\nRien n'a été démarré."
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--help"], ["-h"]):
        print(__doc__)
        return 0
    mode = args[0] if args else "serve"
    show_topic = args[1:] == ["--topic"] and mode == "shell"
    stop_shell = args[1:] == ["--stop"] and mode == "shell"
    if (len(args) > 1 and not (show_topic or stop_shell)) or mode not in MODES:
        print(f"usage: cdm-run [{'|'.join(MODES)}]   (cdm-run shell --topic | --stop)", file=sys.stderr)
        return 2
    os.chdir(processes.PROJECT_ROOT)
    # Its lines interleave with the servers' own: each line out as soon as it is written.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    try:
        settings = Settings.from_environment(mode)
        if show_topic:
            settings = replace(settings, show_topic=True)
    except (Refused, ops_settings.SettingsError) as refusal:
        print(f"ERROR: {refusal}", file=sys.stderr)
        return 2
    if stop_shell:
        return Runner(settings).stop_shell_servers()
    # The action server refuses a broken knowledge file: said here once, before anything starts, rather than by
    # each of supervisord's attempts to start it.
    knowledge_problems = knowledge_refusal() if mode != "rasa" else None
    if knowledge_problems is not None:
        print(knowledge_problems, file=sys.stderr)
        return 1
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
