"""The processes' rooms: the Rasa server's extensions (rasa_extensions/) run without the action server's package
and say what the knowledge file says; the tools' modules load nothing when imported."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys

import yaml

import actions.knowledge
import devtools
import ops
import rasa_extensions
import staff
from actions.knowledge.loading import load_knowledge
from actions.knowledge_store import KNOWLEDGE_FILE_ENV
from rasa_extensions.input_channels import VisitorRestInput, VisitorSocketIOInput
from tests.conftest import PROJECT_ROOT


def modules_of(package) -> list[str]:
    return [f"{package.__name__}.{module.name}" for module in pkgutil.iter_modules(package.__path__)]


EXTENSIONS = modules_of(rasa_extensions)


def imported_after(modules: list[str], listed: str, env: dict[str, str] | None = None) -> list[str]:
    """Imports `modules` in a fresh interpreter; the modules then loaded whose name starts with `listed`."""
    check = (
        f"import importlib, json, sys\nfor name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m == {listed!r} or m.startswith({listed + '.'!r}))))"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    names: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return names


def test_every_extension_is_checked():
    assert {"rasa_extensions.input_channels", "rasa_extensions.lock_store", "rasa_extensions.spacy_nlp"} <= set(
        EXTENSIONS
    )


def test_the_rasa_server_extensions_import_nothing_of_the_action_server():
    assert imported_after(EXTENSIONS, "actions") == []


def test_the_process_starter_is_light():
    """The runner, the bench, the profiler and the tests import it: it must not pull Rasa in."""
    assert imported_after(["ops.processes", "ops.run"], "rasa") == []


def test_the_knowledge_and_the_shared_names_load_no_rasa():
    """What ops/ may import of the actions package: pure Python, neither Rasa nor Rasa SDK."""
    pure = ["actions.names", "actions.topic_registry", *modules_of(actions.knowledge)]
    assert imported_after(pure, "rasa_sdk") == []
    assert imported_after(pure, "rasa") == []


def test_the_tools_import_no_action():
    """ops/ shares names with the actions through actions.names and the topics' titles through
    actions.topic_registry (the shell's topic line) alone, and loads no Rasa SDK."""
    assert imported_after(modules_of(ops), "rasa_sdk") == []
    loaded = imported_after(modules_of(ops), "actions")
    actions_used = {name for name in loaded if not name.startswith("actions.knowledge.")}
    allowed = {"actions", "actions.names", "actions.topic_registry", "actions.knowledge", "actions.knowledge_store"}
    assert actions_used <= allowed


# What the staff's tools (staff/) may use of actions/: the names and the knowledge package the two share, and the
# knowledge file's place as the action server reads it.
STAFF_MAY_IMPORT = ("actions.names", "actions.topic_registry", "actions.knowledge", "actions.settings")
# The runner and its process tools: the staff's room does not reach into them.
RUNNER_MODULES = ("ops.run", "ops.processes", "ops.supervision", "ops.before_start", "ops.shell")


def imports_in(path) -> set[str]:
    """Every module a file imports, at its top or inside a function (the staff's tools import some lazily)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_staff_tools_use_only_the_shared_names_of_the_actions():
    """staff/ is a room of its own: of actions/ only the shared names and knowledge, nothing of the runner."""
    for path in sorted((PROJECT_ROOT / "staff").glob("*.py")):
        used = imports_in(path)
        of_actions = {name for name in used if name == "actions" or name.startswith("actions.")}
        # `from actions import settings` names the module; `from actions.names import X` names X in it.
        outside = {
            name
            for name in of_actions - {"actions"}
            if not any(name == allowed or name.startswith(allowed + ".") for allowed in STAFF_MAY_IMPORT)
        }
        assert outside == set(), f"{path.name} uses {sorted(outside)} of actions/"
        runner = {name for name in used if name.startswith(RUNNER_MODULES)}
        assert runner == set(), f"{path.name} reaches into the runner: {sorted(runner)}"
    assert imported_after(modules_of(staff), "rasa_sdk") == []
    assert imported_after(modules_of(staff), "rasa") == []


def test_no_tool_reads_the_knowledge_file_at_import(tmp_path):
    """With the knowledge file missing, every tool module still imports: none loads data when imported."""
    env = {**os.environ, KNOWLEDGE_FILE_ENV: str(tmp_path / "missing.yml")}
    loaded = imported_after(modules_of(ops) + modules_of(staff) + modules_of(devtools), "actions.knowledge_store", env)
    assert loaded == ["actions.knowledge_store"]  # the load test's centres come from it, at their first use


def test_the_channels_name_the_website_of_the_knowledge_file():
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    website = load_knowledge().organisation.website
    for channel_class in (VisitorRestInput, VisitorSocketIOInput):
        key = f"{channel_class.__module__}.{channel_class.__name__}"
        channel = channel_class.from_credentials(credentials[key])
        assert channel.website == website, key
