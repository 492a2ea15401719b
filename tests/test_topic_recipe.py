"""The recipe for a new topic (docs/maintainers.md, section 4), followed on a copy of the project.

A scratch topic is added to a copy of the files the recipe names, as it says; the copy's action server then
serves it, its titles exist in both languages, its knowledge file is valid, and its domain, data and rules
agree. The action server is the copy's own, in a process of its own (the registry is Python, read once on
import); no model is trained.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT_ROOT

MAINTAINERS_GUIDE = PROJECT_ROOT / "docs" / "maintainers.md"
# The files a new topic touches, as the recipe names them: what the bot needs, then the quality tests.
RECIPE_FILES = {
    "data/nlu/",
    "data/nlu/en/",
    "knowledge/cite_des_metiers.yml",
    "actions/topic_registry.py",
    "domain.yml",
    "data/rules.yml",
}
QUALITY_FILES = {"tests/nlu/holdout.yml", "tests/nlu/holdout_en.yml", "tests/test_stories.yml"}

SCRATCH = "scratch"
INTENT = f"ask_{SCRATCH}"
ACTION = f"action_answer_{SCRATCH}"
TITLES = {"fr": "Le sujet d'essai", "en": "The trial topic"}
FACTS = ["free", "anonymous"]


def recipe() -> str:
    guide = MAINTAINERS_GUIDE.read_text(encoding="utf-8")
    match = re.search(r"^## 4\. .*?(?=^## )", guide, re.MULTILINE | re.DOTALL)
    assert match, "docs/maintainers.md has no section 4"
    return match.group(0)


def files_named(text: str) -> set[str]:
    """The repository's files and folders a text names between backquotes."""
    return {name for name in re.findall(r"`([^`\s]+)`", text) if "/" in name or (PROJECT_ROOT / name).is_file()}


def test_the_recipe_names_exactly_the_files_a_topic_needs_then_the_quality_tests():
    steps = recipe().split("\n1. ", 1)[1]
    needed, quality = steps.split("**Puis les tests de qualité**", 1)
    assert files_named(needed) == RECIPE_FILES
    assert files_named(quality) == QUALITY_FILES


def insert_after(path: Path, line: str, text: str) -> None:
    """Insert `text` after the first line that is exactly `line`."""
    content = path.read_text(encoding="utf-8")
    assert f"\n{line}\n" in content, f"{path}: no line {line!r}"
    path.write_text(content.replace(f"\n{line}\n", f"\n{line}\n{text}", 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    path.write_text(content.rstrip("\n") + "\n" + text, encoding="utf-8")


def add_scratch_topic(project: Path) -> None:
    """Steps 1 to 6 of the recipe, with the scratch topic."""
    french = [f"- parlez-moi du sujet d'essai numéro {word}" for word in "un deux trois quatre cinq six sept".split()]
    french += [f"- le sujet d'essai {word} ?" for word in "a b c d e f g h i j k l m".split()]
    english = [f"- tell me about the trial topic {word}" for word in "one two three four five six seven".split()]
    english += [f"- the trial topic {word}?" for word in "a b c d e f g h".split()]
    for path, examples in ((project / "data/nlu/about.yml", french), (project / "data/nlu/en/about.yml", english)):
        append(path, f"\n- intent: {INTENT}\n  examples: |\n" + textwrap.indent("\n".join(examples), "    ") + "\n")
    insert_after(project / "knowledge/cite_des_metiers.yml", "topics:", f"  {SCRATCH}: [{', '.join(FACTS)}]\n")
    registry = project / "actions/topic_registry.py"
    content = registry.read_text(encoding="utf-8")
    after_last_entry = content.index("\n\n    @property\n    def action(self)") + 1  # the entries end there
    entry = f'    SCRATCH = TopicEntry(id="{SCRATCH}", intent="{INTENT}", fr="{TITLES["fr"]}", en="{TITLES["en"]}")\n'
    registry.write_text(content[:after_last_entry] + entry + content[after_last_entry:], encoding="utf-8")
    insert_after(project / "domain.yml", "intents:", f"  - {INTENT}\n")
    insert_after(project / "domain.yml", "actions:", f"  - {ACTION}\n")
    append(
        project / "data/rules.yml",
        f"\n  - rule: Answer about the scratch topic\n    steps:\n      - intent: {INTENT}\n      - action: {ACTION}\n",
    )


# Run in the copy: its registry, its actions as the action server registers them, its knowledge file.
_SERVE = """
import asyncio, json, sys
import actions
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, load_knowledge
from actions.topic_registry import BUTTON_TITLES, Topic

topic = Topic("scratch")
executor = ActionExecutor()
executor.register_package("actions")
tracker = Tracker("visitor", {"focus": None, "language": "en"}, {"text": "the trial topic?",
    "intent": {"name": "ask_scratch", "confidence": 1.0}, "entities": []}, [], False, None, {}, "action_listen")
dispatcher = CollectingDispatcher()
asyncio.run(executor.actions[topic.action](dispatcher, tracker, {}))
try:
    load_knowledge(sys.argv[1])
    without_section = ""
except KnowledgeError as error:
    without_section = str(error)
print(json.dumps({
    "package": actions.__file__,
    "member": topic.name,
    "served": sorted(executor.actions),
    "titles": {language: BUTTON_TITLES[language].get(topic.entry.intent) for language in ("fr", "en")},
    "facts": load_knowledge(DEFAULT_KNOWLEDGE_FILE).topic_fact_ids(topic),
    "said": [message["text"] for message in dispatcher.messages],
    "without_section": without_section,
}))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's code and data, with the scratch topic added as the recipe says."""
    copy = tmp_path_factory.mktemp("project")
    shutil.copytree(PROJECT_ROOT / "actions", copy / "actions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT_ROOT / "knowledge", copy / "knowledge")
    shutil.copytree(PROJECT_ROOT / "data", copy / "data")
    shutil.copy(PROJECT_ROOT / "domain.yml", copy / "domain.yml")
    add_scratch_topic(copy)
    return copy


@pytest.fixture(scope="module")
def served(project: Path) -> dict[str, Any]:
    """What the copy's action server makes of the scratch topic."""
    unset = {"PYTHONPATH", "CDM_KNOWLEDGE_FILE"}  # the copy's own code and knowledge file
    environment = {name: value for name, value in os.environ.items() if name not in unset}
    original = PROJECT_ROOT / "knowledge" / "cite_des_metiers.yml"  # the knowledge file without the section
    done = subprocess.run(
        [sys.executable, "-c", _SERVE, str(original)],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(result["package"]).is_relative_to(project), "the copy's actions were not the ones imported"
    return result


def test_the_registry_entry_makes_the_topic(served):
    assert served["member"] == "SCRATCH"
    assert served["facts"] == FACTS


def test_the_action_server_serves_the_topic_as_the_domain_declares(served, project):
    domain = yaml.safe_load((project / "domain.yml").read_text(encoding="utf-8"))
    assert ACTION in served["served"]
    assert set(served["served"]) == set(domain["actions"])
    assert INTENT in domain["intents"]


def test_the_action_says_the_facts_of_the_section(served, project):
    knowledge = yaml.safe_load((project / "knowledge/cite_des_metiers.yml").read_text(encoding="utf-8"))
    [said] = served["said"]
    for fact in FACTS:
        assert knowledge["facts"][fact]["text_en"] in said


def test_the_titles_exist_in_both_languages(served):
    assert served["titles"] == TITLES


def test_a_knowledge_file_without_the_section_is_refused(served):
    assert f'le sujet "{SCRATCH}" manque sous `topics:`' in served["without_section"]


def test_a_rule_answers_the_intent_with_the_action(project):
    rules = yaml.safe_load((project / "data/rules.yml").read_text(encoding="utf-8"))["rules"]
    assert any(rule["steps"] == [{"intent": INTENT}, {"action": ACTION}] for rule in rules)


@pytest.mark.parametrize(("path", "minimum"), [("data/nlu/about.yml", 20), ("data/nlu/en/about.yml", 15)])
def test_the_intent_has_its_examples_in_each_language(project, path, minimum):
    """As many as tests/test_data.py asks of every intent."""
    data = yaml.safe_load((project / path).read_text(encoding="utf-8"))["nlu"]
    [block] = [block for block in data if block.get("intent") == INTENT]
    assert len(block["examples"].strip().splitlines()) >= minimum
