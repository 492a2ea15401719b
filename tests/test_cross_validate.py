"""The cross-validation tool: trains one model per fold and writes Rasa's reports for the held-out folds only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

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


def small_project(folder: Path) -> tuple[Path, Path]:
    """Training data in French and English (its en/ folder), and the small config: (data folder, config)."""
    data = folder / "data"
    _write_data(data / "nlu.yml", WORDS)
    _write_data(data / "en" / "nlu.yml", WORDS_EN)
    config = folder / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    return data, config


def test_each_fold_is_judged_on_examples_it_was_not_trained_on(tmp_path):
    data, config = small_project(tmp_path)
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


def test_a_long_cross_validation_goes_on_where_it_stopped(tmp_path, monkeypatch):
    """With --keep, each fold's predictions are kept; a later run trains only the missing folds."""
    import rasa.model_training

    data, config = small_project(tmp_path)
    keep = tmp_path / "folds"
    whole = asyncio.run(cross_validate(data, config, folds=2, out=tmp_path / "whole"))

    assert asyncio.run(cross_validate(data, config, 2, tmp_path / "cv", keep=keep, max_new_folds=1)) is None
    assert [path.name for path in keep.iterdir()] == ["fold-1-of-2.json"]
    assert not (tmp_path / "cv" / "folds.json").exists()  # no report from half the folds
    resumed = asyncio.run(cross_validate(data, config, 2, tmp_path / "cv", keep=keep, max_new_folds=1))
    assert resumed == whole  # the same folds, the same predictions
    assert json.loads((tmp_path / "cv" / "fr" / "intent_report.json").read_text()) == json.loads(
        (tmp_path / "whole" / "fr" / "intent_report.json").read_text()
    )

    # Both folds kept: nothing is trained again...
    def no_training(*_: object, **__: object) -> str:
        raise AssertionError("a kept fold was trained again")

    monkeypatch.setattr(rasa.model_training, "train_nlu", no_training)
    assert asyncio.run(cross_validate(data, config, 2, tmp_path / "again", keep=keep)) == whole
    # ...until the data changes.
    _write_data(data / "nlu.yml", {**WORDS, "greet": ["bonjour", "salut", "hello"]})
    with pytest.raises(AssertionError, match="trained again"):
        asyncio.run(cross_validate(data, config, 2, tmp_path / "changed", keep=keep))
