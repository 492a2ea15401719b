"""The evaluation summary: figures from Rasa's reports, the regression verdict, the comparison with last time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions.knowledge_store import get_knowledge
from devtools.answer_lengths import Answer, lengths_summary
from devtools.evaluation_summary import answer_for, as_read, judge_answer, main, rule_answers

ALL_PASSED = "# None of the test stories failed - all good!\n"
ONE_FAILED = 'version: "3.1"\nstories:\n- story: Centres, with a follow-up (./tests/test_stories.yml)\n  steps: []\n'


def _write_results(results: Path, free_f1: float, failed_stories: str = ALL_PASSED, english_f1: float = 1.0) -> None:
    (results / "holdout").mkdir(parents=True)
    (results / "holdout_en").mkdir()
    english = {
        "ask_free": {"precision": 1.0, "recall": 1.0, "f1-score": english_f1, "support": 4, "confused_with": {}},
        "accuracy": english_f1,
        "macro avg": {"precision": 1.0, "recall": 1.0, "f1-score": english_f1, "support": 4},
    }
    (results / "holdout_en" / "intent_report.json").write_text(json.dumps(english))
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
    assert "macro-F1 : 1.000 (seuil 0.95 ; objectif 0.95 : atteint)" in summary
    assert "| ask_free | 1.00 | 1.00 | 1.00 | 8 |" in summary
    assert json.loads((tmp_path / "summary.json").read_text())["ok"] is True


def test_macro_f1_under_the_threshold_fails_and_shows_the_confusion(tmp_path):
    _write_results(tmp_path, free_f1=0.8)
    assert main(["--results", str(tmp_path)]) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "RÉGRESSION : macro-F1 des intentions sous le seuil de 0.95" in summary
    assert "objectif 0.95 : non atteint" in summary
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


def test_cross_validation_under_its_threshold_fails_and_is_shown_per_intent(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    (tmp_path / "cross-validation").mkdir()
    report = {
        "ask_free": {"precision": 0.9, "recall": 0.8, "f1-score": 0.85, "support": 40, "confused_with": {}},
        "macro avg": {"precision": 0.9, "recall": 0.8, "f1-score": 0.85, "support": 40},
    }
    (tmp_path / "cross-validation" / "intent_report.json").write_text(json.dumps(report))
    assert main(["--results", str(tmp_path), "--min-cv-macro-f1", "0.90"]) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "macro-F1 de la validation croisée sous le seuil de 0.90" in summary
    assert "objectif 0.90 : non atteint" in summary
    assert "| ask_free | 0.90 | 0.80 | 0.85 | 40 |" in summary


def test_the_cross_validation_target_is_judged_on_five_folds_only(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    (tmp_path / "cross-validation").mkdir()
    report = {"macro avg": {"precision": 0.9, "recall": 0.8, "f1-score": 0.85, "support": 40}}
    (tmp_path / "cross-validation" / "intent_report.json").write_text(json.dumps(report))
    (tmp_path / "cross-validation" / "folds.json").write_text(json.dumps({"folds": 2}))
    assert main(["--results", str(tmp_path), "--min-cv-macro-f1", "0.80"]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "validation croisée sur les données d'entraînement (2 plis), macro-F1 : 0.850" in summary
    assert "objectif 0.90 en 5 plis : `make evaluate`" in summary
    assert "atteint" not in summary.split("validation croisée sur les données")[1].split("\n")[0]


def _prediction(text: str, expected: str, predicted: str, confidence: float = 0.9) -> dict:
    return {"text": text, "intent": expected, "intent_prediction": {"name": predicted, "confidence": confidence}}


def test_confident_wrong_answers_are_counted_listed_and_gated(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    successes = [_prediction(f"gratuit {index}", "ask_free", "ask_free") for index in range(6)]
    errors = [
        _prediction("c payant", "ask_free", "greet", 0.8),  # the greeting instead of the answer: wrong
        _prediction("c payant ou quoi", "ask_free", "greet", 0.2),  # under the fallback threshold: honest
        _prediction("gratuit et anonyme ?", "ask_free+ask_anonymous", "ask_free"),  # one of two: incomplete
        _prediction("blague", "out_of_scope", "ask_labels", 0.7),  # facts for a joke: wrong
    ]
    (tmp_path / "holdout" / "intent_successes.json").write_text(json.dumps(successes))
    (tmp_path / "holdout" / "intent_errors.json").write_text(json.dumps(errors))
    assert main(["--results", str(tmp_path), "--max-wrong-rate", "0.10"]) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "Sur 10 exemples : 6 bonnes réponses, 1 incomplètes" in summary
    assert "1 aveux honnêtes" in summary and "2 réponses fausses assurées" in summary
    assert "| c payant | action_answer_free | utter_greet | 0.80 |" in summary
    assert "réponses fausses assurées au-dessus de 10%" in summary
    assert main(["--results", str(tmp_path), "--max-wrong-rate", "0.20"]) == 0


def test_the_expected_answer_of_an_intent_comes_from_the_rules():
    answers = rule_answers()
    assert answer_for(answers, "ask_free+ask_anonymous", frozenset()) == (
        "action_answer_free",
        "action_answer_anonymous",
    )
    assert answer_for(answers, "inform", frozenset({"centre"})) == ("action_answer_followup",)
    assert answer_for(answers, "inform", frozenset()) == ("action_answer_followup",)
    assert answer_for(answers, "nlu_fallback", frozenset()) == ("action_answer_by_search",)


def test_entities_under_their_threshold_fail(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    entity_report = {"macro avg": {"precision": 0.9, "recall": 0.7, "f1-score": 0.79, "support": 20}}
    (tmp_path / "holdout" / "CRFEntityExtractor_report.json").write_text(json.dumps(entity_report))
    assert main(["--results", str(tmp_path)]) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "macro-F1 des entités sous le seuil de 0.85" in summary
    assert main(["--results", str(tmp_path), "--min-entity-f1", "0.75"]) == 0


def test_english_under_its_threshold_fails_and_is_shown(tmp_path):
    _write_results(tmp_path, free_f1=1.0, english_f1=0.5)
    assert main(["--results", str(tmp_path), "--min-en-macro-f1", "0.9"]) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "anglais : macro-F1 des intentions sous le seuil de 0.90" in summary
    assert "## En anglais" in summary
    # The language of every held-out message, French and English, is measured.
    figures = json.loads((tmp_path / "summary.json").read_text())
    for language in ("fr", "en"):
        counts = figures["language_identification"][language]
        assert counts["right"] > 0.8 * sum(counts.values()), (language, counts)


def _write_conversations(results: Path, share: float, distress_share: float) -> None:
    def part(share: float, pattern: str) -> dict[str, object]:
        passed = round(share * 10)
        failures = [{"id": f"{pattern}-{i}", "problems": ["answers [], expected ['x']"]} for i in range(10 - passed)]
        by = {pattern: {"total": 10, "passed": passed, "share": share}}
        figures = {"total": 10, "passed": passed, "share": share, "by_pattern": by, "by_language": by}
        return {**figures, "failures": failures}

    report = {"conversations": part(share, "correction"), "distress": part(distress_share, "implicit")}
    (results / "heldout-conversations.json").write_text(json.dumps(report))


def test_held_out_conversations_and_distress_are_gated_and_shown_per_pattern(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    _write_conversations(tmp_path, share=0.9, distress_share=1.0)
    assert main(["--results", str(tmp_path)]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "| correction | 10 | 9 | 0.900 |" in summary and "- correction-0 : answers []" in summary
    _write_conversations(tmp_path, share=0.8, distress_share=1.0)
    assert main(["--results", str(tmp_path)]) == 1
    _write_conversations(tmp_path, share=1.0, distress_share=0.9)
    assert main(["--results", str(tmp_path)]) == 1
    assert "messages de détresse sans la réponse humaine" in (tmp_path / "summary.md").read_text()


def test_the_answer_read_counts_and_one_more_answer_is_not_a_wrong_one(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    successes = [_prediction(f"gratuit {index}", "ask_free", "ask_free") for index in range(8)]
    errors = [
        # The need's action answers a named referral subject with the referral's answer: what was asked.
        _prediction("je suis en fauteuil roulant, qui peut m'aider à trouver un emploi ?", "ask_referral", "ask_need"),
        # The answer asked, and another: not a wrong answer.
        _prediction("c'est gratuit ?", "ask_free", "ask_free+ask_anonymous"),
    ]
    (tmp_path / "holdout" / "intent_successes.json").write_text(json.dumps(successes))
    (tmp_path / "holdout" / "intent_errors.json").write_text(json.dumps(errors))
    assert main(["--results", str(tmp_path), "--max-wrong-rate", "0.0"]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert (
        "Sur 10 exemples : 9 bonnes réponses, 0 incomplètes (une des deux questions), 1 avec une réponse en plus"
        in summary
    )
    assert "0 réponses fausses assurées" in summary


def test_a_need_s_answer_to_a_question_for_a_person_with_no_subject_it_knows_is_still_wrong():
    knowledge = get_knowledge()
    text = "mon patron veut me faire signer un papier bizarre"
    assert as_read(("action_answer_need",), text, knowledge) == ("action_answer_need",)
    assert judge_answer(as_read(("action_answer_referral",), text, knowledge), ("action_answer_need",)) == "wrong"


def _write_facts(results: Path, right: float, honest: float, wrong: float) -> None:
    _write_conversations(results, share=1.0, distress_share=1.0)
    report = json.loads((results / "heldout-conversations.json").read_text())
    unsure = {"questions": 10, "search_answered": 4, "search_right": 4, "search_wrong": 0, "buttons_right": 6,
              "search_then_buttons_right": 7}  # fmt: skip
    report["facts"] = {"answerable": 150, "unanswerable": 40, "right": right, "honest": honest, "wrong": wrong,
                       "unsure": unsure}  # fmt: skip
    (results / "heldout-conversations.json").write_text(json.dumps(report))


def test_held_out_fact_questions_are_gated_and_the_issue_s_targets_shown(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    _write_facts(tmp_path, right=0.8, honest=0.9, wrong=0.1)
    assert main(["--results", str(tmp_path)]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "réponse avec le bon fait : 0.800 (seuil 0.70 ; objectif 0.90 : non atteint)" in summary
    assert "la recherche puis les boutons 7" in summary
    for figures in ({"right": 0.6, "honest": 0.9, "wrong": 0.1}, {"right": 0.8, "honest": 0.7, "wrong": 0.1},
                    {"right": 0.8, "honest": 0.9, "wrong": 0.2}):  # fmt: skip
        _write_facts(tmp_path, **figures)
        assert main(["--results", str(tmp_path)]) == 1


def _write_lengths(results: Path, first_bubbles: list[int], need_bubbles: list[int]) -> None:
    _write_conversations(results, share=1.0, distress_share=1.0)
    report = json.loads((results / "heldout-conversations.json").read_text())
    answers = [Answer("ask_free", "fr", f"question {words}", (words,)) for words in first_bubbles]
    answers.append(Answer("ask_need", "fr", "je cherche une formation", tuple(need_bubbles)))
    report["answer_lengths"] = lengths_summary(answers)
    (results / "heldout-conversations.json").write_text(json.dumps(report))


def test_answer_lengths_are_gated_and_shown_per_intent(tmp_path):
    _write_results(tmp_path, free_f1=1.0)
    _write_lengths(tmp_path, [20, 30, 60], [50, 40])
    assert main(["--results", str(tmp_path)]) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert "| première bulle | 40 | 60 | 60 |" in summary
    assert "| ask_need | 1 | 50 | 50 | 50 | 90 |" in summary
    _write_lengths(tmp_path, [20, 61], [50, 40])
    assert main(["--results", str(tmp_path)]) == 1
    assert "premières bulles de plus de 60 mots" in (tmp_path / "summary.md").read_text()
    _write_lengths(tmp_path, [20], [50, 41])
    assert main(["--results", str(tmp_path)]) == 1
    assert (
        "- ask_need (fr), bulles de [50, 41] mots : je cherche une formation" in (tmp_path / "summary.md").read_text()
    )
