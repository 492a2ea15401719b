"""The cross-validation tool: trains one model per fold and writes Rasa's reports for the held-out folds only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from devtools.cross_validate import cross_validate

# A small, fast pipeline (no spaCy): the tool is under test here, not the project's config.
CONFIG = """recipe: default.v1
language: fr
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: LogisticRegressionClassifier
policies: []
"""

WORDS = {
    "ask_free": ["gratuit", "payant", "prix"],
    "greet": ["bonjour", "salut", "coucou"],
    "goodbye": ["revoir", "bye", "ciao"],
}


WORDS_EN = {"ask_free": ["free", "cost"], "greet": ["hello", "hi"], "goodbye": ["goodbye", "bye now"]}
FILLERS = ("alors", "donc", "svp", "ici")


def _write_data(file: Path, words_by_intent: dict[str, list[str]]) -> None:
    blocks = []
    for intent, words in words_by_intent.items():
        examples = [f"    - {word} {filler}" for word in words for filler in FILLERS]
        blocks.append(f"- intent: {intent}\n  examples: |\n" + "\n".join(examples) + "\n")
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text('version: "3.1"\nnlu:\n' + "".join(blocks), encoding="utf-8")


def test_each_fold_is_judged_on_examples_it_was_not_trained_on(tmp_path):
    data = tmp_path / "data"
    _write_data(data / "nlu.yml", WORDS)
    _write_data(data / "en" / "nlu.yml", WORDS_EN)
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "cv"

    macro_f1 = asyncio.run(cross_validate(data, config, folds=2, out=out))

    report = json.loads((out / "intent_report.json").read_text())
    # Every example is predicted exactly once, by the model of the fold that did not train on it.
    french, english = (sum(len(words) * len(FILLERS) for words in table.values()) for table in (WORDS, WORDS_EN))
    assert report["macro avg"]["support"] == french + english
    # ...and reported again with the others of its language: the en/ folder's examples are the English ones.
    for language, count in (("fr", french), ("en", english)):
        assert json.loads((out / language / "intent_report.json").read_text())["macro avg"]["support"] == count
    assert macro_f1 == report["macro avg"]["f1-score"]
    assert macro_f1 > 0.9
    errors = json.loads((out / "intent_errors.json").read_text())
    assert len(errors) == round((1 - report["accuracy"]) * report["macro avg"]["support"])
    # The summary says how many folds the figures come from.
    assert json.loads((out / "folds.json").read_text()) == {"folds": 2}
