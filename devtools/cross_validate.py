"""Stratified k-fold cross-validation of the NLU config on the training data, with Rasa's own pieces
(`generate_folds`, `train_nlu`, the message processor, `evaluate_intents`, `evaluate_entities`), writing
the same reports as `rasa test nlu --cross-validation` (intent_report.json, intent_errors.json, the
confusion matrix) into `--out`, and the intent reports of each language apart: `--out`/en/ for the examples
of the data's `en/` folder (English), `--out`/fr/ for the others (French).

Why not `rasa test nlu --cross-validation` itself: on every fold it also parses the four fifths of the
data the fold was trained on, to report a training accuracy nobody reads; with a few thousand examples
that parsing took as long as the fold's training (docs/performance.md). The folds are also seeded here,
so that two runs on the same data and config test the same examples.

    .venv/bin/python -m devtools.cross_validate --folds 5 --out results/cross-validation

A cross-validation too long for one sitting (Rasa's default config: about 30 minutes a fold on 2 cores) keeps
each fold's predictions and goes on where it stopped, one fold at a time if need be:

    .venv/bin/python -m devtools.cross_validate --config bench/config.rasa-default.yml \
        --keep results/bench/rasa-default/folds --max-new-folds 1 --out results/bench/rasa-default/cross-validation
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.metadata
import json
import logging
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED = 42
# Beside the reports: how many folds they come from.
FOLDS_FILE = "folds.json"
# The folder of the training data that holds the English examples.
ENGLISH_FOLDER = "en"


def files_digest(root: Path, files: list[Path], context: str = "") -> str:
    """A short digest of Rasa's version, `context`, and each file's path (from `root`) and content: what a
    kept result depends on."""
    digest = hashlib.sha256(" ".join(filter(None, [importlib.metadata.version("rasa"), context])).encode())
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def fold_key(data_dir: Path, config: Path, folds: int) -> str:
    """What a fold's predictions depend on: the config, the training examples, the number of folds, the seed
    and Rasa's version. A fold kept with another key is not reused."""
    return files_digest(data_dir, sorted(data_dir.rglob("*.yml")), f"{folds} {SEED} {config.read_text()}")


def kept_fold(keep: Path | None, number: int, folds: int, key: str) -> list[Any] | None:
    """A fold's intent predictions kept by an earlier run (`--keep`), as rows (target, prediction, message,
    confidence), when they come from the same data and config."""
    if keep is None:
        return None
    try:
        kept = json.loads((keep / f"fold-{number}-of-{folds}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    rows: list[Any] = kept["intents"] if kept.get("key") == key else None
    return rows


async def cross_validate(
    data_dir: Path, config: Path, folds: int, out: Path, keep: Path | None = None, max_new_folds: int | None = None
) -> float | None:
    """Trains one model per fold, parses that fold's held-out part only; returns the intent macro-F1.

    With `keep`, each fold's intent predictions are kept there once made, and a later run with the same data
    and config reuses them: a cross-validation that takes longer than one sitting (Rasa's default config,
    about 30 minutes a fold) goes on where it stopped. `max_new_folds`: train at most that many folds now;
    returns None (and writes no report) while folds are missing."""
    # Rasa's imports are slow (TensorFlow): only when the tool runs, not when its module is imported.
    import rasa.model_training
    from rasa.core.agent import Agent
    from rasa.nlu.test import (
        IntentEvaluationResult,
        _get_active_entity_extractors,
        compute_metrics,
        evaluate_entities,
        evaluate_intents,
        generate_folds,
    )
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data

    # generate_folds shuffles with numpy's global generator: seeding it makes the folds repeatable.
    np.random.seed(SEED)
    random.seed(SEED)
    data = load_data(str(data_dir))
    key = fold_key(data_dir, config, folds)
    intent_results: list[Any] = []
    entity_results: list[Any] = []
    reused = new = 0
    with tempfile.TemporaryDirectory() as tmp:
        for number, (train, test) in enumerate(generate_folds(folds, data), start=1):
            kept = kept_fold(keep, number, folds, key)
            if kept is not None:
                print(f"-- fold {number}/{folds}: kept from an earlier run (same data and config)", flush=True)
                intent_results += [IntentEvaluationResult(*row) for row in kept]
                reused += 1
                continue
            if max_new_folds is not None and new >= max_new_folds:
                continue
            print(f"-- fold {number}/{folds}: training on {len(train.intent_examples)} examples", flush=True)
            training_file = Path(tmp) / "training_data.yml"
            RasaYAMLWriter().dump(training_file, train)
            model = rasa.model_training.train_nlu(str(config), str(training_file), tmp)
            processor = Agent.load(model).processor
            print(f"-- fold {number}/{folds}: parsing {len(test.intent_examples)} held-out examples", flush=True)
            *_, fold_intents, fold_entities, _ = await compute_metrics(processor, test)
            intent_results += fold_intents
            entity_results += fold_entities
            new += 1
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                rows = [[r.intent_target, r.intent_prediction, r.message, float(r.confidence)] for r in fold_intents]
                record = {"key": key, "intents": rows}
                (keep / f"fold-{number}-of-{folds}.json").write_text(json.dumps(record), encoding="utf-8")
    if reused + new < folds:
        print(f"{reused + new} of {folds} folds done: run again with the same --keep to go on.", flush=True)
        return None
    out.mkdir(parents=True, exist_ok=True)
    # The summary says how many folds its figures come from (fewer folds train on less of the data).
    (out / FOLDS_FILE).write_text(json.dumps({"folds": folds}), encoding="utf-8")
    report = evaluate_intents(intent_results, str(out), False, True, False, report_as_dict=True)
    english_dir = data_dir / ENGLISH_FOLDER
    english = (
        {example.get("text") for example in load_data(str(english_dir)).intent_examples}
        if english_dir.is_dir()
        else set()
    )
    for language, results in (
        ("fr", [result for result in intent_results if result.message not in english]),
        ("en", [result for result in intent_results if result.message in english]),
    ):
        if results:
            (out / language).mkdir(exist_ok=True)
            evaluate_intents(results, str(out / language), False, False, True, report_as_dict=True)
    # Entities only when every fold ran now: a kept fold keeps its intents only.
    if entity_results and not reused:
        evaluate_entities(
            entity_results, _get_active_entity_extractors(entity_results), str(out), False, True, True, True
        )
    return float(report["report"]["macro avg"]["f1-score"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "data" / "nlu")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "cross-validation")
    parser.add_argument("--keep", type=Path, help="keep each fold's predictions here, and reuse those of the same data")
    parser.add_argument("--max-new-folds", type=int, help="train at most this many folds now (with --keep)")
    args = parser.parse_args()
    # As `rasa test` sets itself up: its warnings once, no debug line per parsed message, TensorFlow's
    # threads from the environment.
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow.environment import setup_tf_environment

    configure_logging_and_warnings(logging.WARNING, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(logging.WARNING)
    setup_tf_environment()
    macro_f1 = asyncio.run(cross_validate(args.data, args.config, args.folds, args.out, args.keep, args.max_new_folds))
    if macro_f1 is not None:
        print(f"Cross-validation ({args.folds} folds), intent macro-F1: {macro_f1:.3f}")


if __name__ == "__main__":
    main()
