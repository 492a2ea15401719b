"""The action server's settings: every environment variable the actions read, typed, with its default and its
meaning. They are read here and nowhere else (tests/test_settings.py checks it), and docs/configuration.md is
generated from this module (`python -m devtools.configuration_doc`).

    from actions import settings
    settings.settings().knowledge_file   # read once per process, then kept
    settings.load()                      # read afresh

A test changes a setting with `monkeypatch.setenv("CDM_KNOWLEDGE_FILE", ...)`, then builds new settings with
`load()` or, for code that reads the kept ones, first calls `settings.settings.cache_clear()`.

An empty value counts as unset. A value that does not parse raises `SettingsError`, a ValueError whose message
is one line naming the variable ("SOURCE_MAX_AGE_DAYS must be a whole number of days, not 'douze mois'.").

The action server must not import the Rasa server's extensions (rasa_extensions) nor the tools (ops): the
base class below is a copy of rasa_extensions/settings.py's (tests/test_settings.py checks that the copies
match).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseSettings, Field, ValidationError, validator
from pydantic.fields import ModelField

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE
from actions.knowledge.sources import DEFAULT_SOURCE_MAX_AGE_DAYS

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


class ActionServerSettings(ProcessSettings):
    process: ClassVar[str] = "The action server (actions/)"

    knowledge_file: Path = variable(
        "CDM_KNOWLEDGE_FILE",
        DEFAULT_KNOWLEDGE_FILE,
        "Knowledge file the actions answer from (a copy under test, a staging file); read at the action "
        "server's start.",
    )
    source_max_age_days: int = variable(
        "SOURCE_MAX_AGE_DAYS",
        DEFAULT_SOURCE_MAX_AGE_DAYS,
        "Days after which a source of the knowledge file is due to be checked again "
        "(`python -m actions.knowledge --stale`, the weekly report).",
        expects="a whole number of days",
    )

    @validator("source_max_age_days")
    def _not_negative(cls, value: int) -> int:  # noqa: N805 (pydantic's validator)
        if value < 0:
            raise ValueError("0 or more")
        return value


def load() -> ActionServerSettings:
    """The settings, read from the environment now; SettingsError names a variable that does not parse."""
    return ActionServerSettings.from_environment()


@lru_cache(maxsize=1)
def settings() -> ActionServerSettings:
    """The settings, read at the first call and kept for the process's life."""
    return load()
