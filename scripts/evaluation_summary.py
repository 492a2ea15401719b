"""Reads the reports of `rasa test` under results/ and writes results/summary.md (in French, for the
maintainers) and results/summary.json; exits 1 when the held-out intent macro-F1 is under the threshold
or a test conversation failed, so that CI fails on a regression.

    .venv/bin/python scripts/evaluation_summary.py [--results results] [--min-macro-f1 0.95]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

# Keys of a Rasa report that are averages, not intents.
_AVERAGES = {"accuracy", "macro avg", "weighted avg", "micro avg"}
WORST_CONFUSIONS = 5


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _per_class(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {name: scores for name, scores in report.items() if name not in _AVERAGES and isinstance(scores, dict)}


def failed_conversations(conversations_dir: Path) -> list[str]:
    """Names of the test conversations that failed, from Rasa's failed_test_stories.yml."""
    failed_file = conversations_dir / "failed_test_stories.yml"
    if not failed_file.exists():
        raise FileNotFoundError(f"{failed_file} is missing: did the test conversations run?")
    content = yaml.safe_load(failed_file.read_text(encoding="utf-8")) or {}
    return [story.get("story", "?") for story in content.get("stories") or []]


def worst_confusions(errors: list[dict[str, Any]]) -> list[tuple[str, str, int, str]]:
    """(expected, predicted, count, one example) for the most frequent intent errors."""
    pairs: Counter = Counter()
    example: dict[tuple[str, str], str] = {}
    for error in errors:
        pair = (error["intent"], error["intent_prediction"]["name"])
        pairs[pair] += 1
        example.setdefault(pair, error["text"])
    return [(expected, predicted, count, example[(expected, predicted)]) for (expected, predicted), count in
            pairs.most_common(WORST_CONFUSIONS)]  # fmt: skip


def summarise(results: Path, min_macro_f1: float) -> tuple[dict[str, Any], str]:
    holdout = _read_json(results / "holdout" / "intent_report.json")
    if holdout is None:
        raise FileNotFoundError(f"{results / 'holdout' / 'intent_report.json'} is missing: run `make evaluate`")
    entities = _read_json(results / "holdout" / "DIETClassifier_report.json") or {}
    cross_validation = _read_json(results / "cross-validation" / "intent_report.json")
    errors = _read_json(results / "holdout" / "intent_errors.json") or []
    failed = failed_conversations(results / "conversations")
    previous = _read_json(results / "previous-summary.json")

    figures = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "holdout_intent_macro_f1": holdout["macro avg"]["f1-score"],
        "holdout_intent_accuracy": holdout["accuracy"],
        "holdout_entity_macro_f1": entities.get("macro avg", {}).get("f1-score"),
        "cross_validation_intent_macro_f1": cross_validation["macro avg"]["f1-score"] if cross_validation else None,
        "failed_conversations": failed,
    }
    regressions = []
    if figures["holdout_intent_macro_f1"] < min_macro_f1:
        regressions.append(f"macro-F1 des intentions sous le seuil de {min_macro_f1:.2f}")
    if failed:
        regressions.append(f"{len(failed)} conversation(s) de test échouée(s)")
    figures["ok"] = not regressions

    def compared(key: str) -> str:
        value = figures[key]
        if value is None:
            return "non mesuré"
        before = (previous or {}).get(key)
        if before is None:
            return f"{value:.3f}"
        return f"{value:.3f} (précédente évaluation : {before:.3f}, {value - before:+.3f})"

    lines = [
        "# Évaluation de l'assistant",
        "",
        f"{figures['date']}, modèle le plus récent de `models/`.",
        "",
        f"**Verdict : {'OK' if figures['ok'] else 'RÉGRESSION : ' + ' ; '.join(regressions)}**",
        "",
        f"- Intentions, exemples réservés (`tests/nlu/holdout.yml`), macro-F1 : "
        f"{compared('holdout_intent_macro_f1')} (seuil {min_macro_f1:.2f})",
        f"- Intentions, exemples réservés, exactitude : {compared('holdout_intent_accuracy')}",
        f"- Entités (centres, labels), exemples réservés, macro-F1 : {compared('holdout_entity_macro_f1')}",
        f"- Intentions, validation croisée sur les données d'entraînement, macro-F1 : "
        f"{compared('cross_validation_intent_macro_f1')}",
        "- Conversations de test (`tests/test_stories.yml`) : "
        + ("toutes réussies" if not failed else f"{len(failed)} échouée(s) : {', '.join(failed)}"),
        "",
        "## Par intention (exemples réservés)",
        "",
        "| intention | précision | rappel | F1 | exemples |",
        "| --- | --- | --- | --- | --- |",
    ]
    for intent, scores in sorted(_per_class(holdout).items(), key=lambda item: item[1]["f1-score"]):
        lines.append(
            f"| {intent} | {scores['precision']:.2f} | {scores['recall']:.2f} | {scores['f1-score']:.2f} "
            f"| {scores['support']} |"
        )
    lines += ["", "## Confusions les plus fréquentes", ""]
    confusions = worst_confusions(errors)
    if confusions:
        lines += ["| attendue | prédite | fois | exemple |", "| --- | --- | --- | --- |"]
        lines += [f"| {exp} | {pred} | {count} | {text} |" for exp, pred, count, text in confusions]
    else:
        lines.append("Aucune.")
    lines += [
        "",
        "## Où regarder ensuite",
        "",
        "- `results/holdout/intent_confusion_matrix.png` : matrice de confusion des intentions",
        "- `results/holdout/intent_histogram.png` : confiance des prédictions justes et fausses",
        "- `results/holdout/intent_errors.json`, `results/holdout/DIETClassifier_errors.json` : chaque erreur",
        "- `results/conversations/failed_test_stories.yml` : les conversations échouées, tour par tour",
        "",
    ]
    return figures, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="results", type=Path)
    parser.add_argument("--min-macro-f1", default=0.95, type=float)
    args = parser.parse_args(argv)
    figures, markdown = summarise(args.results, args.min_macro_f1)
    (args.results / "summary.md").write_text(markdown, encoding="utf-8")
    (args.results / "summary.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print(markdown)
    print(f"Written to {args.results / 'summary.md'}")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
