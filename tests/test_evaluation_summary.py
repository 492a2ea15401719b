"""The evaluation summary: figures from Rasa's reports, the regression verdict, the comparison with last time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.evaluation_summary import main

ALL_PASSED = "# None of the test stories failed - all good!\n"
ONE_FAILED = 'version: "3.1"\nstories:\n- story: Centres, with a follow-up (./tests/test_stories.yml)\n  steps: []\n'


def _write_results(results: Path, free_f1: float, failed_stories: str = ALL_PASSED) -> None:
    (results / "holdout").mkdir(parents=True)
    (results / "conversations").mkdir()
    report = {
        "ask_free": {"precision": 1.0, "recall": free_f1, "f1-score": free_f1, "support": 8, "confused_with": {}},
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 8, "confused_with": {}},
        "accuracy": (free_f1 + 1) / 2,
        "macro avg": {"precision": 1.0, "recall": 1.0, "f1-score": (free_f1 + 1) / 2, "support": 16},
    }
    (results / "holdout" / "intent_report.json").write_text(json.dumps(report))
    errors = [{"text": "c payant", "intent": "ask_free", "intent_prediction": {"name": "greet", "confidence": 0.5}}]
    (results / "holdout" / "intent_errors.json").write_text(json.dumps(errors if free_f1 < 1 else []))
    (results / "conversations" / "failed_test_stories.yml").write_text(failed_stories)


def test_good_results_pass_and_are_summarised(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    assert main(["--results", str(tmp_path)]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "**Verdict : OK**" in summary
    assert "macro-F1 : 1.000 (seuil 0.95)" in summary
    assert "| ask_free | 1.00 | 1.00 | 1.00 | 8 |" in summary
    assert json.loads((tmp_path / "summary.json").read_text())["ok"] is True


def test_macro_f1_under_the_threshold_fails_and_shows_the_confusion(tmp_path):
    _write_results(tmp_path, free_f1=0.8)
    assert main(["--results", str(tmp_path)]) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "RÉGRESSION : macro-F1 des intentions sous le seuil de 0.95" in summary
    assert "| ask_free | greet | 1 | c payant |" in summary


def test_a_failed_conversation_fails(tmp_path):
    _write_results(tmp_path, free_f1=1.0, failed_stories=ONE_FAILED)
    assert main(["--results", str(tmp_path)]) == 1
    assert "1 échouée(s) : Centres, with a follow-up" in (tmp_path / "summary.md").read_text()


def test_figures_are_compared_with_the_previous_evaluation(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    (tmp_path / "previous-summary.json").write_text(json.dumps({"holdout_intent_macro_f1": 0.9}))
    main(["--results", str(tmp_path)])
    assert "1.000 (précédente évaluation : 0.900, +0.100)" in (tmp_path / "summary.md").read_text()


def test_missing_reports_say_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="make evaluate"):
        main(["--results", str(tmp_path)])
