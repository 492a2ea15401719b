"""Real PostgreSQL, Redis and nginx servers for the scale-out test, each started on loopback on a free port from the
machine's own packages (scripts/ensure-test-tools.sh installs them in CI), and stopped at the end."""

from __future__ import annotations

import dataclasses
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template

import psycopg2
import pytest
import redis

from ops.processes import StartFailed, free_port, stop
from ops.processes import wait_until as wait_until_ready
from tests.conftest import PROJECT_ROOT

READY_TIMEOUT_S = 60
# Seconds each server gets to stop cleanly before it is killed.
STOP_GRACE_S = 30
MISSING = "{what} is not installed: run scripts/ensure-test-tools.sh (as root it installs it with apt-get)"


def wait_until(
    ready: Callable[[], bool], process: subprocess.Popen, name: str, log: Path, timeout_s: float = READY_TIMEOUT_S
) -> None:
    """ops.processes.wait_until, failing the test with the end of `log`."""
    try:
        wait_until_ready(ready, process, name, timeout_s)
    except StartFailed as failure:
        pytest.fail(f"{failure}:\n{log.read_text(errors='replace')[-3000:]}")


def _postgres_bin(program: str) -> str:
    """Debian keeps the server's programs in /usr/lib/postgresql/<version>/bin, off the PATH."""
    found = shutil.which(program)
    if not found:
        installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), key=_version_key, reverse=True)
        found = installed[0] if installed else None
    if not found:
        pytest.fail(MISSING.format(what=f"PostgreSQL's {program}"))
    return found


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@dataclass
class Postgres:
    host: str
    port: int
    user: str
    password: str
    database: str
    # How to start the server again after `stop()`, as whom, and where its output goes.
    command: list[str] = dataclasses.field(default_factory=list)
    run_as: dict = dataclasses.field(default_factory=dict)
    log: Path = Path(os.devnull)
    process: subprocess.Popen | None = None

    def connect(self):
        return psycopg2.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=self.database
        )

    def endpoint_env(self) -> dict[str, str]:
        """The variables of deploy/endpoints.scale.yml's tracker store."""
        return {
            "DB_HOST": self.host,
            "DB_PORT": str(self.port),
            "DB_DATABASE": self.database,
            "DB_USER": self.user,
            "DB_PASSWORD": self.password,
        }

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, **self.run_as)
        wait_until(lambda: self.connect().close() is None, self.process, "PostgreSQL", self.log)

    def stop(self) -> None:
        """A fast shutdown (SIGINT: PostgreSQL ends every session), as when a database host is taken down."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=STOP_GRACE_S)


@contextmanager
def postgres_server(log: Path) -> Iterator[Postgres]:
    """A PostgreSQL cluster of its own (initdb) with password authentication, and an empty database `rasa`
    owned by the user `rasa`, as docs/deployment.md asks a deployment to prepare."""
    initdb, postgres = _postgres_bin("initdb"), _postgres_bin("postgres")
    # PostgreSQL refuses to run as root: as root (CI), its files and process belong to the `postgres` user
    # that Debian's package creates.
    run_as: dict = {}
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    data_dir = Path(tempfile.mkdtemp(prefix="cdm-postgres-"))
    password = secrets.token_hex(12)
    (data_dir / "pwfile").write_text(password + "\n")
    if run_as:
        for path in (data_dir, data_dir / "pwfile"):
            os.chown(path, run_as["user"], run_as["group"])
    cluster = data_dir / "cluster"
    superuser = "rasa"
    try:
        with log.open("ab") as out:
            subprocess.run(
                [initdb, "-D", str(cluster), "-U", superuser, "--pwfile", str(data_dir / "pwfile"),
                 "--auth", "scram-sha-256", "--encoding", "UTF8", "--no-sync"],
                stdout=out, stderr=subprocess.STDOUT, check=True, timeout=120, **run_as,
            )  # fmt: skip
        port = free_port()
        command = [postgres, "-D", str(cluster), "-h", "127.0.0.1", "-p", str(port), "-k", str(data_dir),
                   "-c", "fsync=off", "-c", "log_min_messages=warning"]  # fmt: skip
        server = Postgres("127.0.0.1", port, superuser, password, "postgres", command, run_as, log)
        try:
            server.start()
            admin = server.connect()
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute("CREATE DATABASE rasa")
            admin.close()
            server.database = "rasa"
            yield server
        finally:
            if server.process:
                stop([server.process], STOP_GRACE_S)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@dataclass
class Redis:
    host: str
    port: int
    password: str
    log: Path
    process: subprocess.Popen | None = None

    def client(self) -> redis.Redis:
        return redis.Redis(host=self.host, port=self.port, password=self.password, socket_timeout=5)

    def endpoint_env(self) -> dict[str, str]:
        """The variables of deploy/endpoints.scale.yml's lock store."""
        return {"REDIS_HOST": self.host, "REDIS_PORT": str(self.port), "REDIS_PASSWORD": self.password, "REDIS_DB": "1"}

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if not executable:
            pytest.fail(MISSING.format(what="redis-server"))
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [executable, "--bind", self.host, "--port", str(self.port), "--requirepass", self.password,
                 "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until(lambda: self.client().ping(), self.process, "Redis", self.log)

    def stop(self) -> None:
        if self.process:
            stop([self.process], STOP_GRACE_S)


@contextmanager
def redis_server(log: Path) -> Iterator[Redis]:
    server = Redis("127.0.0.1", free_port(), secrets.token_hex(12), log)
    server.start()
    try:
        yield server
    finally:
        server.stop()


NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf.template"


@contextmanager
def nginx_server(
    work_dir: Path, rasa_servers: list[str], client_rate: str = "1000r/s", client_burst: int = 1000
) -> Iterator[str]:
    """nginx with the project's deploy/nginx.conf.template in front of the given Rasa servers (host:port);
    yields its address. The limit per client address is high unless given: the tests' clients share one."""
    executable = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not executable:
        pytest.fail(MISSING.format(what="nginx"))
    port = free_port()
    # The same substitution as `envsubst` on the template: only these variables, nginx's own $... stay.
    site = Template(NGINX_TEMPLATE.read_text()).safe_substitute(
        LISTEN_PORT=str(port),
        RASA_SERVER_1=rasa_servers[0],
        RASA_SERVER_2=rasa_servers[1],
        CLIENT_RATE=client_rate,
        CLIENT_BURST=str(client_burst),
    )
    (work_dir / "site.conf").write_text(site)
    (work_dir / "nginx.conf").write_text(
        f"""pid {work_dir}/nginx.pid;
error_log {work_dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {work_dir}/body;
    proxy_temp_path {work_dir}/proxy;
    include {work_dir}/site.conf;
}}
"""
    )
    log = work_dir / "nginx.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [executable, "-c", str(work_dir / "nginx.conf"), "-p", str(work_dir), "-g", "daemon off;"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: process.poll() is None and _port_open(port), process, "nginx", work_dir / "error.log")
        yield url
    finally:
        stop([process], STOP_GRACE_S)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
