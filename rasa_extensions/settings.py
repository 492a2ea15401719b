"""The Rasa server's settings: every environment variable the extensions of rasa_extensions/ read, typed, with
its default and its meaning. They are read here and nowhere else (tests/test_settings.py checks it), and
docs/configuration.md is generated from this module (`python -m devtools.configuration_doc`).

    from rasa_extensions import settings
    settings.settings().max_message_chars   # read once per process, then kept
    settings.load()                         # read afresh: what a channel's set-up calls, once

A test changes a setting with `monkeypatch.setenv("MAX_MESSAGE_CHARS", "100")`, then builds new settings with
`load()` (the code under test calls it) or, for code that reads the kept ones, first calls
`settings.settings.cache_clear()`.

An empty value counts as unset (an `X=` line of a systemd environment file). A value that does not parse
raises `SettingsError`, a ValueError whose message is one line naming the variable, for instance
"MAX_MESSAGE_CHARS must be a whole number, 1 or more, not 'abc'." The runner (`cdm-run`, ops/run.py) loads
these settings before it starts anything, and says that line instead of starting a server that would fail.

Rasa imports this module inside its server: it imports nothing but pydantic, and like all the Rasa server's
extensions, nothing of the action server's package (`actions`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, TypeVar

from pydantic import BaseSettings, Field, ValidationError, validator
from pydantic.fields import ModelField

_Settings = TypeVar("_Settings", bound="ProcessSettings")
# What a value of each type must be, in an error message.
_EXPECTED = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


class SettingsError(ValueError):
    """A setting's value does not parse; the message is one line that names the variable."""


def variable(name: str, default: Any, meaning: str, expects: str | None = None, shown: str | None = None) -> Any:
    """A setting read from the environment variable `name`; `expects` says what a value must be (in an error
    message), `shown` how docs/configuration.md shows a default computed at run time."""
    return Field(default, env=name, description=meaning, expects=expects, shown_default=shown)


class ProcessSettings(BaseSettings):
    """One process's settings: each field read from the environment variable its `variable(...)` names."""

    # The process, as docs/configuration.md titles its table.
    process: ClassVar[str] = ""

    class Config:
        env_prefix = ""
        case_sensitive = True
        allow_mutation = False

    @validator("*", pre=True)
    def _empty_is_unset(cls, value: Any, field: ModelField) -> Any:  # noqa: N805 (pydantic's validator)
        if isinstance(value, str) and not value.strip():
            return field.get_default()
        return value

    @classmethod
    def from_environment(cls: type[_Settings]) -> _Settings:
        try:
            return cls()
        except ValidationError as error:
            raise SettingsError(error_line(cls, error)) from None

    @classmethod
    def default(cls, name: str) -> Any:
        """The default of the environment variable `name`."""
        (field,) = (field for field in cls.__fields__.values() if field.field_info.extra["env"] == name)
        return field.default


def error_line(settings_class: type[ProcessSettings], error: ValidationError) -> str:
    """The first wrong variable, what its value must be, and the value."""
    first = error.errors()[0]
    field = settings_class.__fields__[str(first["loc"][0])]
    name = field.field_info.extra["env"]
    expects = field.field_info.extra.get("expects")
    if expects is None:
        expects = _EXPECTED.get(field.type_, "a valid value")
        if not first["type"].startswith("type_error"):
            expects = f"{expects} ({first['msg']})"
    return f"{name} must be {expects}, not {os.environ.get(name)!r}."


@dataclass(frozen=True)
class Rate:
    messages: int
    seconds: float


def parse_rate(text: str) -> Rate | None:
    """ "20/60" is 20 messages in 60 seconds; "0" (or "off") is no limit. A malformed value is refused loudly
    at start: a limit silently off is worse than a server that says what is wrong."""
    value = text.strip().lower()
    if value in ("0", "off", "none"):
        return None
    messages, _, seconds = value.partition("/")
    try:
        rate = Rate(int(messages), float(seconds))
    except ValueError:
        rate = Rate(0, 0)
    if rate.messages <= 0 or rate.seconds <= 0:
        raise ValueError(f"A rate limit is '<messages>/<seconds>', for instance '20/60', or '0' for none: {text!r}")
    return rate


_RATE = "'<messages>/<seconds>', for instance '20/60', or '0' for no limit"


class RasaServerSettings(ProcessSettings):
    process: ClassVar[str] = "The Rasa server (rasa_extensions/)"

    cors_origins: str = variable(
        "CORS_ORIGINS",
        "",
        "Web pages (origins, space-separated) whose Socket.IO connections are accepted; empty: any website, "
        "with a warning. cdm-run sets it (see the runner's table).",
    )
    max_message_chars: int = variable(
        "MAX_MESSAGE_CHARS",
        2000,
        "Longest visitor message, in characters; a longer one gets a request to shorten it, unparsed, unstored.",
        expects="a whole number, 1 or more",
    )
    rate_limit_conversation: str = variable(
        "RATE_LIMIT_CONVERSATION",
        "10/30",
        "Messages one conversation may send per number of seconds, the first number also the largest burst "
        "('0': no limit).",
        expects=_RATE,
    )
    rate_limit_client: str = variable(
        "RATE_LIMIT_CLIENT",
        "30/15",
        "Messages one client address may send per number of seconds ('0': no limit; set 0 behind a proxy that "
        "hides visitors' addresses).",
        expects=_RATE,
    )
    max_turns_per_session: int = variable(
        "MAX_TURNS_PER_SESSION",
        20,
        "Messages of a conversation after which a fresh session starts, slots carried over (0: never), so that "
        "a turn's cost stays bounded.",
        expects="a number of messages, or 0 for no limit",
    )

    @validator("max_message_chars")
    def _positive(cls, value: int) -> int:  # noqa: N805 (pydantic's validator)
        if value < 1:
            raise ValueError("at least 1")
        return value

    @validator("max_turns_per_session")
    def _not_negative(cls, value: int) -> int:  # noqa: N805 (pydantic's validator)
        if value < 0:
            raise ValueError("0 or more")
        return value

    @validator("rate_limit_conversation", "rate_limit_client")
    def _a_rate(cls, value: str) -> str:  # noqa: N805 (pydantic's validator)
        parse_rate(value)
        return value

    @property
    def allowed_origins(self) -> list[str]:
        return self.cors_origins.split()

    @property
    def conversation_rate(self) -> Rate | None:
        return parse_rate(self.rate_limit_conversation)

    @property
    def client_rate(self) -> Rate | None:
        return parse_rate(self.rate_limit_client)


def load() -> RasaServerSettings:
    """The settings, read from the environment now; SettingsError names a variable that does not parse."""
    return RasaServerSettings.from_environment()


@lru_cache(maxsize=1)
def settings() -> RasaServerSettings:
    """The settings, read at the first call and kept for the process's life."""
    return load()
