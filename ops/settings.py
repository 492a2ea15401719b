"""The operations tools' settings (ops/: the runner `cdm-run`, the page server, purge, review, report): every
environment variable they read, typed, with its default and its meaning. They are read here and nowhere else
(tests/test_settings.py checks it), and docs/configuration.md is generated from this module
(`python -m devtools.configuration_doc`).

    from ops import settings
    settings.settings().rasa_port   # read once per process, then kept
    settings.load()                 # read afresh: what a tool's main() calls, once

A test changes a setting with `monkeypatch.setenv("RASA_PORT", "5123")`, then builds new settings with
`load()` (the tools' main() and `ops.run.Settings.from_environment` call it) or, for code that reads the kept
ones, first calls `settings.settings.cache_clear()`.

An empty value counts as unset. A value that does not parse raises `SettingsError` (a ValueError), whose
message is one line naming the variable ("RASA_PORT must be a whole number, not 'abc'."); the tools print it
as `ERROR: ...` and exit with status 2, as for any setting that forbids a start.

The runner passes its environment on to the servers it starts (`environment()`), with its own values of the
variables they share (ACTIONS_PORT, RASA_PORT, TRACKER_DB, CORS_ORIGINS...). The Rasa server's extensions and
the action server read theirs with their own modules (rasa_extensions/settings.py, actions/settings.py); the
report reads the knowledge file's through the action server's functions. The scale-out profile's
deploy/endpoints.scale.yml reads more variables (DB_HOST, REDIS_HOST...), with no default: Rasa expands them
itself, and `cdm-check-stores` names those unset (`unset_variables`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from pydantic import SecretStr, validator

from rasa_extensions.settings import ProcessSettings, SettingsError, variable

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = [
    "OperationsSettings",
    "SettingsError",
    "endpoint_variables",
    "environment",
    "load",
    "provide_endpoint_variables",
    "settings",
    "unset_variables",
]

_PORT = "a port number (a whole number from 1 to 65535)"


class OperationsSettings(ProcessSettings):
    process: ClassVar[str] = "The runner and the operations tools (ops/: cdm-run, cdm-purge, cdm-review...)"

    actions_port: int = variable("ACTIONS_PORT", 5055, "Port of the action server.", expects=_PORT)
    rasa_port: int = variable(
        "RASA_PORT", 5005, "Port of the Rasa server (REST and Socket.IO channels); the demo page calls it.", _PORT
    )
    web_port: int = variable("WEB_PORT", 8080, "Port of the widget's demo page (cdm-serve-web).", expects=_PORT)
    web_host: str = variable("WEB_HOST", "0.0.0.0", "Interface the demo page listens on.")
    rasa_public_url: str | None = variable(
        "RASA_PUBLIC_URL",
        None,
        "Address of the Rasa server as the website's visitors reach it; unset: the page's own host on RASA_PORT.",
    )
    cors_origins: str | None = variable(
        "CORS_ORIGINS",
        None,
        "Web pages (origins, space-separated) allowed to call the Rasa server; cdm-run passes them on to it.",
        shown="the demo page: http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT",
    )
    rasa_model: str = variable(
        "RASA_MODEL", "models", "Model to serve: a file, or a folder whose newest model is served."
    )
    rasa_endpoints: str = variable(
        "RASA_ENDPOINTS",
        "endpoints.yml",
        "The Rasa server's endpoints file (one machine, conversations in SQLite); deploy/endpoints.scale.yml "
        "shares them between servers (docs/deployment.md).",
    )
    tracker_db: str = variable(
        "TRACKER_DB", "var/conversations.db", "SQLite file of the conversations (endpoints.yml's ${TRACKER_DB})."
    )
    retention_days: float = variable(
        "RETENTION_DAYS",
        30,
        "Days conversations are kept: older ones are deleted at each start of cdm-run and by cdm-purge.",
        expects="a number of days, 0 or more",
    )
    rasa_enable_api: bool = variable(
        "RASA_ENABLE_API",
        False,
        "true turns on Rasa's HTTP API; it then requires RASA_API_TOKEN or RASA_JWT_SECRET.",
    )
    rasa_api_token: SecretStr | None = variable(
        "RASA_API_TOKEN", None, "Token of Rasa's HTTP API (clients send ?token=...)."
    )
    rasa_jwt_secret: SecretStr | None = variable(
        "RASA_JWT_SECRET", None, "Secret of Rasa's HTTP API's JSON web tokens (Authorization: Bearer ...)."
    )
    rasa_jwt_method: str = variable("RASA_JWT_METHOD", "HS256", "Signature algorithm of those tokens.")
    sanic_request_max_size: int = variable(
        "SANIC_REQUEST_MAX_SIZE",
        100_000,
        "Largest request body of the Rasa server, in bytes (larger: 413); cdm-run passes it on to Sanic.",
        expects="a whole number of bytes",
    )
    ticket_lock_lifetime: int = variable(
        "TICKET_LOCK_LIFETIME",
        15,
        "Seconds a conversation's lock outlives a Rasa server that died holding it (Rasa's own default, 60, is "
        "all of nginx's wait); cdm-run passes it on to Rasa.",
        expects="a whole number of seconds",
    )
    show_topic: bool = variable(
        "SHOW_TOPIC",
        False,
        "true: the advisers' shell (make shell, cdm-run shell --topic) shows before each answer the topic "
        "understood and its confidence.",
    )
    shell_server_idle_minutes: float = variable(
        "SHELL_SERVER_IDLE_MINUTES",
        30,
        "Minutes the advisers' shell's servers stay ready after its last console closes, so that the next "
        "make shell starts in seconds (0: they stop with the console); cdm-run shell --stop stops them now.",
        expects="a number of minutes, 0 or more",
    )
    start_timeout: float = variable(
        "START_TIMEOUT",
        180,
        "Seconds a server may take to answer at start (the Rasa server loads its model first: ~35 s).",
        expects="a number of seconds",
    )
    review_secret: SecretStr | None = variable(
        "REVIEW_SECRET",
        None,
        "Password of the maintainers' review page (cdm-review-web); unset: the page is off.",
    )
    review_host: str = variable("REVIEW_HOST", "127.0.0.1", "Interface the review page listens on.")
    review_port: int = variable("REVIEW_PORT", 8090, "Port of the review page.", expects=_PORT)
    review_data_dir: Path = variable(
        "REVIEW_DATA_DIR", PROJECT_ROOT / "data", "Training data the review reads and writes reviewed examples to."
    )
    publish_access_file: Path = variable(
        "PUBLISH_ACCESS_FILE",
        PROJECT_ROOT / "var" / "publish-access.json",
        "Where cdm-run serve leaves, readable by its user only, the address and this start's token of the Rasa "
        "server's HTTP API, for make publish to load a new model; removed when it stops.",
    )
    review_min_confidence: float = variable(
        "REVIEW_MIN_CONFIDENCE", 0.6, "Intent confidence under which a visitor's message is up for review."
    )
    review_min_margin: float = variable(
        "REVIEW_MIN_MARGIN", 0.2, "Margin between the two best intents under which a message is up for review."
    )
    report_dir: Path = variable(
        "REPORT_DIR", PROJECT_ROOT / "results" / "report", "Folder of the weekly report (report.md, report.png)."
    )

    @validator("actions_port", "rasa_port", "web_port", "review_port")
    def _a_port(cls, value: int) -> int:  # noqa: N805 (pydantic's validator)
        if not 0 < value < 65536:
            raise ValueError("from 1 to 65535")
        return value

    @validator(
        "retention_days", "start_timeout", "sanic_request_max_size", "ticket_lock_lifetime", "shell_server_idle_minutes"
    )
    def _not_negative(cls, value: float) -> float:  # noqa: N805 (pydantic's validator)
        if value < 0:
            raise ValueError("0 or more")
        return value

    @property
    def allowed_origins(self) -> list[str]:
        """CORS_ORIGINS, or the demo page's own origins."""
        if self.cors_origins is None:
            return [f"http://localhost:{self.web_port}", f"http://127.0.0.1:{self.web_port}"]
        return self.cors_origins.split()


def load() -> OperationsSettings:
    """The settings, read from the environment now; SettingsError names a variable that does not parse."""
    return OperationsSettings.from_environment()


@lru_cache(maxsize=1)
def settings() -> OperationsSettings:
    """The settings, read at the first call and kept for the process's life."""
    return load()


def environment() -> dict[str, str]:
    """The whole environment, as the runner and the measurement tools pass it on to the servers they start:
    each server reads its own settings from it."""
    return dict(os.environ)


def endpoint_variables(read: OperationsSettings) -> dict[str, str]:
    """The variables endpoints.yml reads (${ACTIONS_PORT}, ${TRACKER_DB}), as these settings give them."""
    return {"ACTIONS_PORT": str(read.actions_port), "TRACKER_DB": read.tracker_db}


def provide_endpoint_variables() -> None:
    """Sets those of endpoint_variables() that are unset to their defaults, for the tools that read the endpoints
    file in their own process (purge, review, report, the stores' check): Rasa expands its ${...} from the
    environment, and refuses an unset one."""
    for name, value in endpoint_variables(load()).items():
        if not os.environ.get(name):
            os.environ[name] = value


def unset_variables(names: Iterable[str]) -> list[str]:
    """Those of `names` (an endpoints file's ${...}, which Rasa expands itself) that the environment lacks."""
    return sorted({name for name in names if name not in os.environ})
