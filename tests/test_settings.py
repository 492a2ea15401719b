"""The settings: each process reads its environment variables in one module (ops/settings.py,
rasa_extensions/settings.py, actions/settings.py) and nowhere else; each variable has one default, which
docs/configuration.md (generated) and every other document state as the code does."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import actions.settings
import ops.settings
import rasa_extensions.settings
from devtools import configuration_doc
from ops import run
from rasa_extensions.settings import Rate, SettingsError
from tests.conftest import PROJECT_ROOT

SETTINGS_MODULES = {"ops/settings.py", "rasa_extensions/settings.py", "actions/settings.py"}
SCANNED = ("actions", "ops", "staff", "rasa_extensions", "devtools", "scripts")
# Uses of the environment outside the settings modules, each with its reason: writes, never reads.
ALLOWED = {
    ("ops/check_stores.py", "os.environ.setdefault"): "silences SQLAlchemy's warning, before Rasa is imported",
    ("ops/purge.py", "os.environ.setdefault"): "silences SQLAlchemy's warning, before Rasa is imported",
    ("ops/conversations.py", "os.environ.setdefault"): "silences SQLAlchemy's warning, before Rasa is imported",
    ("devtools/profile_turn.py", "os.environ.update"): "gives Rasa's in-process agent its endpoints' variables",
    ("actions/preview.py", "os.environ.update"): "points the actions at the draft knowledge file (the facts page)",
}
DOCUMENTS_SKIPPED = (".venv", "node_modules", "results", ".git")


def environment_uses(path: Path) -> list[tuple[int, str]]:
    """(line, what) of each use of the environment in a Python file: `os.environ` and what is done with it,
    `os.getenv`, and `environ` or `getenv` imported from os."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    from_os = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "os"
        for alias in node.names
        if alias.name in ("environ", "getenv", "environb")
    }
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    uses = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in ("environ", "getenv", "environb")
        ):
            what = f"os.{node.attr}"
        elif isinstance(node, ast.Name) and node.id in from_os:
            what = f"os.{node.id}"
        else:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute):
            what += f".{parent.attr}"
        uses.append((node.lineno, node.col_offset, what))
    return [(line, what) for line, _, what in sorted(uses)]


def python_files() -> list[Path]:
    return sorted(path for folder in SCANNED for path in (PROJECT_ROOT / folder).rglob("*.py"))


def test_the_scan_sees_every_kind_of_read(tmp_path: Path):
    source = tmp_path / "reads.py"
    source.write_text(
        "import os\nfrom os import environ, getenv as g\n"
        "a = os.environ['A']\nb = os.environ.get('B')\nc = os.getenv('C')\nd = 'D' in os.environ\n"
        "e = environ.get('E')\nf = g('F')\nenv = os.environ\n"
    )
    assert [what for _, what in environment_uses(source)] == [
        "os.environ", "os.environ.get", "os.getenv", "os.environ", "os.environ.get", "os.g", "os.environ",
    ]  # fmt: skip


def test_the_environment_is_read_only_by_the_settings_modules():
    found = []
    for path in python_files():
        relative = str(path.relative_to(PROJECT_ROOT))
        if relative in SETTINGS_MODULES:
            continue
        found += [
            f"{relative}:{line}: {what}" for line, what in environment_uses(path) if (relative, what) not in ALLOWED
        ]
    assert found == [], "read settings through the process's settings module (ops/, rasa_extensions/, actions/)"


def test_the_allowed_uses_are_still_there():
    seen = {
        (str(path.relative_to(PROJECT_ROOT)), what) for path in python_files() for _, what in environment_uses(path)
    }
    assert set(ALLOWED) <= seen, "remove an allowance that is no longer needed"


# --- The settings themselves -----------------------------------------------------------------------------------

ALL_SETTINGS: list[configuration_doc.AnySettings] = [
    ops.settings.OperationsSettings,
    rasa_extensions.settings.RasaServerSettings,
    actions.settings.ActionServerSettings,
]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for settings_class in ALL_SETTINGS:
        for field in settings_class.__fields__.values():
            monkeypatch.delenv(field.field_info.extra["env"], raising=False)
    return monkeypatch


def test_every_setting_has_its_variable_a_default_and_a_meaning():
    for settings_class in ALL_SETTINGS:
        assert settings_class.process
        for name, field in settings_class.__fields__.items():
            variable = field.field_info.extra["env"]
            assert re.fullmatch(r"[A-Z][A-Z0-9_]+", variable), name
            assert not field.required, f"{variable} has no default"
            assert field.field_info.description and field.field_info.description.endswith("."), variable


def test_a_variable_has_one_default_across_processes():
    """CORS_ORIGINS is the one variable two processes read: the runner's default is the demo page, and it
    always passes it on to the Rasa server, whose own default (any website) is for a server started by hand."""
    seen: dict[str, type] = {}
    for settings_class in ALL_SETTINGS:
        for field in settings_class.__fields__.values():
            variable = field.field_info.extra["env"]
            assert variable not in seen or variable == "CORS_ORIGINS", f"{variable} in two settings modules"
            seen[variable] = settings_class


def test_the_defaults(clean_environment: pytest.MonkeyPatch):
    read = ops.settings.load()
    assert (read.actions_port, read.rasa_port, read.web_port, read.review_port) == (5055, 5005, 8080, 8090)
    assert (read.tracker_db, read.retention_days, read.rasa_endpoints) == ("var/conversations.db", 30, "endpoints.yml")
    assert read.allowed_origins == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert read.review_secret is None and not read.rasa_enable_api
    server = rasa_extensions.settings.load()
    assert (server.conversation_rate, server.client_rate) == (Rate(10, 30), Rate(30, 15))
    assert (server.max_message_chars, server.max_turns_per_session, server.allowed_origins) == (2000, 20, [])
    action_server = actions.settings.load()
    assert action_server.knowledge_file == PROJECT_ROOT / "knowledge" / "cite_des_metiers.yml"
    assert action_server.source_max_age_days == 365


def test_values_are_parsed_and_an_empty_one_is_unset(clean_environment: pytest.MonkeyPatch):
    clean_environment.setenv("RASA_PORT", " 5006 ")
    clean_environment.setenv("RETENTION_DAYS", "7.5")
    clean_environment.setenv("RASA_ENABLE_API", "yes")
    clean_environment.setenv("TRACKER_DB", "")
    clean_environment.setenv("WEB_PORT", "9000")
    clean_environment.setenv("RATE_LIMIT_CLIENT", "off")
    read = ops.settings.load()
    assert (read.rasa_port, read.retention_days, read.rasa_enable_api) == (5006, 7.5, True)
    assert read.tracker_db == "var/conversations.db"
    assert read.allowed_origins == ["http://localhost:9000", "http://127.0.0.1:9000"]
    assert rasa_extensions.settings.load().client_rate is None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RASA_PORT", "abc", "RASA_PORT must be a port number (a whole number from 1 to 65535), not 'abc'."),
        ("RASA_PORT", "70000", "RASA_PORT must be a port number (a whole number from 1 to 65535), not '70000'."),
        ("RETENTION_DAYS", "-1", "RETENTION_DAYS must be a number of days, 0 or more, not '-1'."),
        ("RASA_ENABLE_API", "peut-être", "RASA_ENABLE_API must be true or false, not 'peut-être'."),
        ("RASA_JWT_METHOD", "HS256", None),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(clean_environment, variable, value, message):
    clean_environment.setenv(variable, value)
    if message is None:
        ops.settings.load()
        return
    with pytest.raises(SettingsError) as refused:
        ops.settings.load()
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MAX_MESSAGE_CHARS", "0", "MAX_MESSAGE_CHARS must be a whole number, 1 or more, not '0'."),
        ("MAX_TURNS_PER_SESSION", "-2", "MAX_TURNS_PER_SESSION must be a number of messages, or 0 for no limit"),
        ("RATE_LIMIT_CONVERSATION", "10 par minute", "RATE_LIMIT_CONVERSATION must be '<messages>/<seconds>'"),
    ],
)
def test_the_rasa_servers_bad_values(clean_environment, variable, value, message):
    clean_environment.setenv(variable, value)
    with pytest.raises(SettingsError, match=re.escape(message)):
        rasa_extensions.settings.load()


def test_the_runner_says_a_bad_value_in_one_line_and_starts_nothing(clean_environment, capsys):
    clean_environment.setenv("RASA_PORT", "abc")
    assert run.main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "ERROR: RASA_PORT must be a port number (a whole number from 1 to 65535), not 'abc'.\n"
    )
    clean_environment.delenv("RASA_PORT")
    clean_environment.setenv("RATE_LIMIT_CLIENT", "beaucoup")
    assert run.main(["rasa"]) == 2
    assert capsys.readouterr().err.startswith("ERROR: RATE_LIMIT_CLIENT must be '<messages>/<seconds>'")


def test_the_runner_passes_its_settings_on_to_the_servers(clean_environment):
    clean_environment.setenv("RASA_PORT", "5123")
    clean_environment.setenv("OTHER", "kept")
    child = run.Settings.from_environment("serve").child_environment()
    assert child["RASA_PORT"] == "5123" and child["OTHER"] == "kept"
    assert (child["ACTIONS_PORT"], child["TRACKER_DB"], child["RETENTION_DAYS"]) == (
        "5055", "var/conversations.db", "30",
    )  # fmt: skip
    assert (child["SANIC_REQUEST_MAX_SIZE"], child["TICKET_LOCK_LIFETIME"]) == ("100000", "15")
    assert child["CORS_ORIGINS"] == "http://localhost:8080 http://127.0.0.1:8080"


def test_the_kept_settings_are_read_again_after_cache_clear(clean_environment):
    clean_environment.setenv("REVIEW_PORT", "8091")
    ops.settings.settings.cache_clear()
    assert ops.settings.settings().review_port == 8091
    clean_environment.setenv("REVIEW_PORT", "8092")
    assert ops.settings.settings().review_port == 8091  # kept
    ops.settings.settings.cache_clear()
    assert ops.settings.settings().review_port == 8092


def test_the_action_servers_base_is_a_copy_of_the_rasa_servers():
    """The action server may not import the Rasa server's extensions: its base class is a copy."""
    for name in ("SettingsError", "variable", "ProcessSettings", "error_line"):
        assert inspect.getsource(getattr(actions.settings, name)) == inspect.getsource(
            getattr(rasa_extensions.settings, name)
        ), name


# --- The documents -------------------------------------------------------------------------------------------


def test_the_configuration_document_is_generated_from_the_settings():
    current = configuration_doc.DOCUMENT.read_text(encoding="utf-8")
    assert current == configuration_doc.document(), f"docs/configuration.md is stale: run `{configuration_doc.COMMAND}`"


def known_defaults() -> dict[str, set[str]]:
    """Each variable's defaults, as the code gives them: the settings modules' and the shell scripts'."""
    known: dict[str, set[str]] = {}
    for settings_class in ALL_SETTINGS:
        for field in settings_class.__fields__.values():
            if field.default is not None and field.field_info.extra.get("shown_default") is None:
                shown = configuration_doc.shown(field.default).strip("`")
                known.setdefault(field.field_info.extra["env"], set()).add(shown)
    for name, defaults in configuration_doc.shell_defaults().items():
        known.setdefault(name, set()).update(defaults)
    return known


def normalised(value: str) -> str:
    """ "2,000", "2 000" and "2000" alike; "0.90" as "0.9"; a folder with or without its final slash."""
    value = re.sub(r"(?<=\d)[,\u202f\u00a0 ](?=\d{3}\b)", "", value.strip("`'\".,;:)")).rstrip("/")
    try:
        return repr(float(value))
    except ValueError:
        return value.lower()


# A value: in backticks, or a number ("the demo page" is a description, not a value).
_VALUE = r"(?P<value>`[^`\s]+`|[0-9][\w./:,-]*)"
_NUMBER = r"`?(?P<value>[0-9][0-9.,/\u202f\u00a0 ]*?[0-9]|[0-9])`?"


def stated_defaults(text: str, names: set[str]) -> list[tuple[int, str, str]]:
    """(line, variable, value) of each statement of a default: "`V` (default 5005)", "`V` (5005)", "`V` (5005 par
    défaut)", "`V`, default 5", "`V` bytes (100,000)", and "default ... `V=value`" in the same clause."""
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    name = rf"`?\$?(?P<name>{alternatives})\b`?"
    patterns = [
        rf"{name}(?:\s+\w+)?\s*\((?:default:?|par défaut\s*:?)\s*{_VALUE}",
        rf"{name}(?:\s+\w+)?\s*\({_NUMBER}(?:\s*par défaut)?\)",
        rf"{name},\s*(?:default|par défaut)\s*:?\s*{_VALUE}",
        rf"(?:default|défaut)[^.;\n]{{0,60}}?`(?P<name>{alternatives})=(?P<value>[^`\s]+)`",
    ]
    found = []
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, match.group("name"), match.group("value")))
    return found


def test_the_statement_finder_finds_the_usual_forms():
    text = (
        "`RASA_PORT` (default 5005) and `REVIEW_PORT` (8090); `SANIC_REQUEST_MAX_SIZE` bytes (100,000)\n"
        "`RASA_PORT` (5005 par défaut), (`CV_FOLDS`, default 5), the one-machine default `RATE_LIMIT_CLIENT=30/15`\n"
        "examples, with other values: `RASA_PORT=8005 make run`, (`CV_FOLDS=2`)\n"
    )
    names = {"RASA_PORT", "REVIEW_PORT", "SANIC_REQUEST_MAX_SIZE", "CV_FOLDS", "RATE_LIMIT_CLIENT"}
    assert sorted(stated_defaults(text, names)) == [
        (1, "RASA_PORT", "5005"), (1, "REVIEW_PORT", "8090"), (1, "SANIC_REQUEST_MAX_SIZE", "100,000"),
        (2, "CV_FOLDS", "5"), (2, "RASA_PORT", "5005"), (2, "RATE_LIMIT_CLIENT", "30/15"),
    ]  # fmt: skip


def markdown_files() -> list[Path]:
    return sorted(
        path
        for path in PROJECT_ROOT.rglob("*.md")
        if not any(part in DOCUMENTS_SKIPPED for part in path.relative_to(PROJECT_ROOT).parts)
    )


def test_the_documents_state_the_defaults_of_the_code():
    known = known_defaults()
    wrong = []
    for path in markdown_files():
        text = path.read_text(encoding="utf-8")
        for line, name, value in stated_defaults(text, set(known)):
            if normalised(value) not in {normalised(default) for default in known[name]}:
                wrong.append(f"{path.relative_to(PROJECT_ROOT)}:{line}: {name} {value}, the code's: {known[name]}")
    assert wrong == [], "see docs/configuration.md for the defaults"
