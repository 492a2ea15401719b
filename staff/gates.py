"""The gates of `make evaluate`, read from the one place that sets them: the `${NAME:-value}` defaults of
devtools/evaluate.sh. tests/test_docs.py builds the documents' table of gates from them, and `make publish`
(staff/publish.py) judges a new model against the same figures. Also what both read of `rasa test`'s reports
(devtools/evaluation_summary.py reads the test conversations' with it).

Here rather than in devtools/ (which is not installed) because the staff's `cdm-publish` imports it. Pure Python,
no Rasa.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

EVALUATE_SH = Path(__file__).resolve().parent.parent / "devtools" / "evaluate.sh"
# Settings of evaluate.sh that are not gates.
NOT_GATES = {"VENV", "CV_FOLDS"}


@dataclass(frozen=True)
class Gate:
    name: str
    value: str  # as the code writes it
    folds: str = ""  # "5 folds" or "fewer folds" for the cross-validation floors


def evaluate_sh_gates(text: str | None = None) -> list[Gate]:
    """The `${NAME:-value}` defaults of devtools/evaluate.sh. A name set twice is a cross-validation floor: first
    under `if [ "$folds" -ge 5 ]`, then in its `else` branch (fewer folds)."""
    text = EVALUATE_SH.read_text(encoding="utf-8") if text is None else text
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    seen: dict[str, list[str]] = {}
    for name, value in re.findall(r"\$\{([A-Z_][A-Z0-9_]*):-([0-9.]+)\}", code):
        seen.setdefault(name, []).append(value)
    gates = []
    for name, values in seen.items():
        if name in NOT_GATES:
            continue
        if len(values) == 1:
            gates.append(Gate(name, values[0]))
        elif len(values) == 2:
            gates += [Gate(name, values[0], "5 folds"), Gate(name, values[1], "fewer folds (CI: 2)")]
        else:
            raise AssertionError(f"{EVALUATE_SH.name}: {name} has {len(values)} defaults: {values}")
    return gates


def gate(name: str) -> float:
    """The figure of a gate that has one (not a cross-validation floor), as evaluate.sh sets it by default."""
    (found,) = (item for item in evaluate_sh_gates() if item.name == name and not item.folds)
    return float(found.value)


def intent_macro_f1(report_dir: Path) -> float:
    """The intent macro-F1 of a `rasa test nlu` report folder."""
    report = json.loads((report_dir / "intent_report.json").read_text(encoding="utf-8"))
    return float(report["macro avg"]["f1-score"])


def failed_conversations(conversations_dir: Path) -> list[str]:
    """Names of the test conversations that failed, from Rasa's failed_test_stories.yml."""
    failed_file = conversations_dir / "failed_test_stories.yml"
    if not failed_file.exists():
        raise FileNotFoundError(f"{failed_file} is missing: did the test conversations run?")
    content = yaml.safe_load(failed_file.read_text(encoding="utf-8")) or {}
    return [story.get("story", "?") for story in content.get("stories") or []]
