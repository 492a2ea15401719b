"""Reads the reports of `rasa test` under results/ and writes results/summary.md (in French, for the
maintainers) and results/summary.json; exits 1 on a regression, so that CI fails:
- the held-out intent macro-F1 under `--min-macro-f1` (0.95, the issue's target, `--holdout-target`);
- the cross-validation intent macro-F1 under `--min-cv-macro-f1` (0.90, the target `--cv-target`, for 5
  folds: devtools/evaluate.sh passes lower floors for fewer folds, and the summary then says the target is
  judged on 5), when cross-validation ran;
- more held-out examples than `--max-wrong-rate` (3 %; the target, `--wrong-target`, is shown) that would
  get a confident wrong answer: the
  action the bot runs for the predicted intent is not the one for the expected intent, and the bot did
  not say it was unsure (a wrong answer is worse than an honest "I don't know"); the answer the visitor
  reads counts (a need's action gives a referral's answer when the message names its subject), and the
  right answer with another one is counted apart ('extra'), not as wrong;
- the held-out entity macro-F1 (centres and labels) under `--min-entity-f1` (0.85);
- a failed test conversation;
- in English: the held-out intent macro-F1 under `--min-en-macro-f1` (0.95),
  the cross-validation intent macro-F1 of the English training examples under `--min-en-cv-macro-f1`
  (0.90), confident wrong answers over `--max-en-wrong-rate` (0.03), with the same targets as in French
  shown beside them. The French figures above are the French examples' alone.
- the held-out conversations (tests/conversations/holdout.yml, asked of the real assistant by
  devtools/evaluate_conversations.py) whose last turn gets the right answer under `--min-conversations` (0.90);
  a distress message (tests/conversations/distress.yml) without the human answer (`--min-distress`, 1.0);
- the held-out fact questions (tests/facts/holdout.yml, devtools/evaluate_facts.py): the share answered with the
  right fact under `--min-facts-right`, the share of those the sources do not answer given no fact in its place
  under `--min-facts-honest`, wrong facts said with confidence over `--max-facts-wrong` (`FactFloors`: the floors
  hold the measured figures; the issue's targets, 0.90, 0.95 and 0.02, are reported beside them).
It also reports how well the language of each held-out message is identified (rasa_extensions/language_id.py).

The thresholds fail the run; the targets are the issue's, and the summary says which are met.

    .venv/bin/python -m devtools.evaluation_summary [--results results] [--min-macro-f1 0.95]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from actions.knowledge.base import Knowledge
from actions.knowledge_store import get_knowledge
from actions.referrals import answer_by_subject
from staff.gates import failed_conversations

# Keys of a Rasa report that are averages, not intents.
_AVERAGES = {"accuracy", "macro avg", "weighted avg", "micro avg"}
WORST_CONFUSIONS = 5
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RULES_FILE = PROJECT_ROOT / "data" / "rules.yml"
CONFIG_FILE = PROJECT_ROOT / "config.yml"
HOLDOUT_FILE = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"
HOLDOUT_EN_FILE = PROJECT_ROOT / "tests" / "nlu" / "holdout_en.yml"
# The cross-validation target is for this many folds (the figure).
TARGET_FOLDS = 5
# The report of the extractor of the `centre` and `label` entities, by the name of the component that extracts
# them (`rasa test nlu` names it so): CRFEntityExtractor today, DIETClassifier before 2026-12-01.
ENTITY_REPORTS = ("CRFEntityExtractor_report.json", "DIETClassifier_report.json")
# Answers that do not pretend: the fact search, which says a fact only when one is close (its answers are judged
# on the held-out fact questions, devtools/evaluate_facts.py) and else starts the two-stage fallback
# (suggestions or "I don't know"); and declining.
HONEST_ACTIONS = {"action_answer_by_search", "action_two_stage_fallback", "action_out_of_scope"}
WRONG_EXAMPLES_SHOWN = 15
# What devtools/evaluate_conversations.py writes under the results folder.
CONVERSATIONS_REPORT = "heldout-conversations.json"

Answers = dict[tuple[str, frozenset[str]], tuple[str, ...]]


def rule_answers(rules_file: Path = RULES_FILE) -> Answers:
    """What the bot runs for each intent, from the rules: (intent, entities required) -> actions in turn."""
    rules = (yaml.safe_load(rules_file.read_text(encoding="utf-8")) or {}).get("rules") or []
    answers: Answers = {}
    for rule in rules:
        steps = rule.get("steps") or []
        if rule.get("condition") or not steps or "intent" not in steps[0]:
            continue
        entities = frozenset(
            next(iter(entity)) if isinstance(entity, dict) else entity for entity in steps[0].get("entities") or []
        )
        actions = []
        for step in steps[1:]:
            if "action" not in step:
                break
            actions.append(step["action"])
        answers[(steps[0]["intent"], entities)] = tuple(actions)
    return answers


def fallback_threshold(config_file: Path = CONFIG_FILE) -> float:
    """The FallbackClassifier's threshold: under it, the bot says it is unsure instead of answering.

    `rasa test nlu` reports the classifier's intent with the fallback undone, so the report applies it.
    """
    pipeline = (yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    fallback: dict[str, Any] = next(
        (component for component in pipeline if component.get("name") == "FallbackClassifier"), {}
    )
    return float(fallback.get("threshold", 0.0))


def answer_for(answers: Answers, intent: str, entities: frozenset[str]) -> tuple[str, ...]:
    """The actions of the most specific rule that applies to this intent and these entities."""
    applicable = [(len(required), actions) for (name, required), actions in answers.items()
                  if name == intent and required <= entities]  # fmt: skip
    return max(applicable)[1] if applicable else ()


def judge_answer(expected: tuple[str, ...], predicted: tuple[str, ...]) -> str:
    """'right', 'incomplete' (part of a multi-question answer), 'extra' (the answer asked, and another),
    'honest' (unsure, or declined) or 'wrong' (another subject's answer)."""
    if predicted == expected:
        return "right"
    if set(predicted) & HONEST_ACTIONS:
        return "honest"
    if predicted and set(predicted) < set(expected):
        return "incomplete"
    if expected and set(predicted) > set(expected):
        return "extra"
    return "wrong"


def as_read(actions: tuple[str, ...], text: str, knowledge: Knowledge) -> tuple[str, ...]:
    """The answers a visitor reads: the need, referral and out-of-scope actions choose between them by the
    subjects the message names (actions.referrals.answer_by_subject), whichever intent was predicted."""
    return tuple(answer_by_subject(action, knowledge, text) for action in actions)


def answer_report(results: Path, holdout_file: Path = HOLDOUT_FILE, folder: str = "holdout") -> dict[str, Any] | None:
    """For each held-out example, the answer the bot would give, judged against the expected one.

    Entities are taken as written in the example (their extraction is measured apart): the report is
    about the intent's consequence, what the visitor reads.
    """
    predictions = (_read_json(results / folder / "intent_successes.json") or []) + (
        _read_json(results / folder / "intent_errors.json") or []
    )
    if not predictions or not holdout_file.exists():
        return None
    from rasa.shared.nlu.training_data.loading import load_data  # slow import, only when there is a report

    entities_of = {
        example.get("text"): frozenset(entity["entity"] for entity in example.get("entities") or [])
        for example in load_data(str(holdout_file)).intent_examples
    }
    answers = rule_answers()
    threshold = fallback_threshold()
    knowledge = get_knowledge()
    verdicts: Counter[str] = Counter()
    wrong: list[dict[str, Any]] = []
    for prediction in predictions:
        entities = entities_of.get(prediction["text"], frozenset())
        expected = answer_for(answers, prediction["intent"], entities)
        confidence = prediction["intent_prediction"].get("confidence") or 0.0
        predicted_intent = prediction["intent_prediction"]["name"] or "nlu_fallback"
        if confidence < threshold:
            predicted_intent = "nlu_fallback"
        predicted = answer_for(answers, predicted_intent, entities)
        verdict = judge_answer(
            as_read(expected, prediction["text"], knowledge), as_read(predicted, prediction["text"], knowledge)
        )
        verdicts[verdict] += 1
        if verdict == "wrong":
            wrong.append(
                {
                    "text": prediction["text"],
                    "expected": " + ".join(expected),
                    "given": " + ".join(predicted),
                    "confidence": confidence,
                }
            )
    wrong.sort(key=lambda item: -item["confidence"])
    return {"examples": len(predictions), "verdicts": dict(verdicts), "wrong": wrong}


def language_report(holdout_files: dict[str, Path]) -> dict[str, dict[str, int]]:
    """For each language, how many of its held-out messages the language identification gets right, leaves
    undecided (the conversation keeps its language) or gets wrong. Entities as annotated in the examples."""
    from rasa.shared.nlu.training_data.loading import load_data

    from rasa_extensions.language_id import DEFAULT_MIN_CONFIDENCE, LanguageOfMessage, words_for_identification

    language_of = LanguageOfMessage(DEFAULT_MIN_CONFIDENCE)
    report: dict[str, dict[str, int]] = {}
    for language, holdout_file in holdout_files.items():
        counts = {"right": 0, "undecided": 0, "wrong": 0}
        for example in load_data(str(holdout_file)).intent_examples:
            words = words_for_identification(example.get("text"), example.get("entities") or [])
            found = language_of.identify(words)
            counts["undecided" if found is None else "right" if found[0] == language else "wrong"] += 1
        report[language] = counts
    return report


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _per_class(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {name: scores for name, scores in report.items() if name not in _AVERAGES and isinstance(scores, dict)}


def _target(met: bool, target: float, bound: str = "") -> str:
    return f"objectif {bound}{target:.2f} : {'atteint' if met else 'non atteint'}"


def _intent_table(report: dict[str, Any]) -> list[str]:
    """A Markdown table of a Rasa intent report, weakest intent first."""
    lines = ["| intention | précision | rappel | F1 | exemples |", "| --- | --- | --- | --- | --- |"]
    for intent, scores in sorted(_per_class(report).items(), key=lambda item: item[1]["f1-score"]):
        lines.append(
            f"| {intent} | {scores['precision']:.2f} | {scores['recall']:.2f} | {scores['f1-score']:.2f} "
            f"| {scores['support']} |"
        )
    return lines


@dataclass(frozen=True)
class FactFloors:
    """The gates on the held-out fact questions (devtools/evaluate_facts.py), and the issue's targets."""

    right: float = 0.70
    honest: float = 0.80
    wrong: float = 0.15
    right_target: float = 0.90
    honest_target: float = 0.95
    wrong_target: float = 0.02


def _facts_lines(facts: dict[str, Any] | None, floors: FactFloors, compared: Callable[[str], str]) -> list[str]:
    if not facts:
        return ["- Questions de faits réservées (`tests/facts/holdout.yml`) : non mesurées"]
    unsure = facts["unsure"]
    wrong_met = _target(facts["wrong"] <= floors.wrong_target, floors.wrong_target, "au plus ")
    return [
        f"- Questions de faits réservées (`tests/facts/holdout.yml`, {facts['answerable']} questions), réponse "
        f"avec le bon fait : {compared('facts_right_share')} (seuil {floors.right:.2f} ; "
        f"{_target(facts['right'] >= floors.right_target, floors.right_target)})",
        f"- Questions dont les sources n'ont pas la réponse ({facts['unanswerable']}), sans fait à la place : "
        f"{compared('facts_honest_share')} (seuil {floors.honest:.2f} ; "
        f"{_target(facts['honest'] >= floors.honest_target, floors.honest_target)})",
        f"- Faits faux dits avec assurance, sur toutes les questions de faits : {compared('facts_wrong_share')} "
        f"(au plus {floors.wrong:.2f} ; {wrong_met})",
        f"- Questions de faits dont la NLU n'était pas sûre ({unsure['questions']}) : la recherche dans les faits en "
        f"dit {unsure['search_answered']}, {unsure['search_right']} justes et {unsure['search_wrong']} fausses ; "
        f"les boutons seuls en auraient {unsure['buttons_right']} justes (si le visiteur clique le bon), la "
        f"recherche puis les boutons {unsure['search_then_buttons_right']}",
    ]


def worst_confusions(errors: list[dict[str, Any]]) -> list[tuple[str, str, int, str]]:
    """(expected, predicted, count, one example) for the most frequent intent errors."""
    pairs: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    for error in errors:
        pair = (error["intent"], error["intent_prediction"]["name"])
        pairs[pair] += 1
        example.setdefault(pair, error["text"])
    return [(expected, predicted, count, example[(expected, predicted)]) for (expected, predicted), count in
            pairs.most_common(WORST_CONFUSIONS)]  # fmt: skip


def _conversations_section(conversations: dict[str, Any], distress: dict[str, Any]) -> list[str]:
    """The held-out conversations per pattern and language, the distress set, and what failed."""

    def rows(part: dict[str, Any], key: str) -> list[str]:
        return [
            f"| {name} | {counts['total']} | {counts['passed']} | {counts['share']:.3f} |"
            for name, counts in sorted(part[key].items())
        ]

    lines = [
        "## Conversations réservées",
        "",
        "Le dernier tour de chaque conversation, posée au vrai assistant par REST "
        "(`devtools/evaluate_conversations.py`) : les réponses données (slot `answer`), ce dont elles parlent "
        "(`focus`), les mots attendus, la langue.",
        "",
        "| forme | conversations | réussies | part |",
        "| --- | --- | --- | --- |",
        *rows(conversations, "by_pattern"),
        "",
        "| langue | conversations | réussies | part |",
        "| --- | --- | --- | --- |",
        *rows(conversations, "by_language"),
        "",
        "Messages de détresse, chacun seul en début de conversation (« implicit » : sans les mots évidents) :",
        "",
        "| forme | messages | réponse humaine | part |",
        "| --- | --- | --- | --- |",
        *rows(distress, "by_pattern"),
        "",
        "Échecs :",
        "",
    ]
    failures = [*conversations["failures"], *distress["failures"]]
    lines += [f"- {item['id']} : {' ; '.join(item['problems'])}" for item in failures] or ["Aucun."]
    return lines


def _lengths_lines(lengths: dict[str, Any] | None) -> list[str]:
    if not lengths:
        return ["- Longueur des réponses : non mesurée"]
    first, need, limits = lengths["first_bubble"], lengths["need_whole_answer"], lengths["limits"]
    return [
        f"- Première bulle des réponses aux messages réservés, la plus longue : {first['largest']:.0f} mots "
        f"(au plus {limits['first_bubble']} ; médiane {first['median']:.0f})",
        f"- Réponse à un besoin, la plus longue en tout : {need['largest']:.0f} mots (au plus "
        f"{limits['need_whole_answer']} ; médiane {need['median']:.0f})",
    ]


def _lengths_section(lengths: dict[str, Any]) -> list[str]:
    """Word counts of the answers to the held-out messages (devtools/answer_lengths.py), overall and per intent."""

    def spread(figures: dict[str, float]) -> str:
        return f"{figures['median']:.0f} | {figures['p90']:.0f} | {figures['largest']:.0f}"

    limits = lengths["limits"]
    lines = [
        "## Longueur des réponses",
        "",
        f"Les réponses aux {lengths['messages']} messages réservés, chacun en début de conversation, en mots lus "
        f"(un lien compte par son titre). Règles : première bulle d'au plus {limits['first_bubble']} mots, réponse "
        f"à un besoin d'au plus {limits['need_whole_answer']} mots en tout ; le reste sur « En savoir plus ».",
        "",
        "| mesure | médiane | 90e centile | plus longue |",
        "| --- | --- | --- | --- |",
        f"| première bulle | {spread(lengths['first_bubble'])} |",
        f"| réponse entière | {spread(lengths['whole_answer'])} |",
        f"| réponse à un besoin (`ask_need`) | {spread(lengths['need_whole_answer'])} |",
        "",
        "| intention | messages | 1re bulle : médiane | 90e centile | plus longue | réponse entière : plus longue |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {name} | {part['messages']} | {spread(part['first_bubble'])} | {part['whole_answer']['largest']:.0f} |"
            for name, part in lengths["per_intent"].items()
        ),
        "",
        "Au-delà des règles :",
        "",
    ]
    over = [
        f"- {item['intent']} ({item['language']}), bulles de {list(item['bubbles'])} mots : {item['text']}"
        for item in lengths["over_limits"]
    ]
    return lines + (over or ["Aucune."])


def summarise(
    results: Path,
    min_macro_f1: float,
    min_cv_macro_f1: float = 0.90,
    max_wrong_rate: float = 0.03,
    cv_target: float = 0.90,
    holdout_target: float = 0.95,
    wrong_target: float = 0.03,
    min_entity_f1: float = 0.85,
    min_en_macro_f1: float = 0.95,
    min_en_cv_macro_f1: float = 0.90,
    max_en_wrong_rate: float = 0.03,
    min_conversations: float = 0.90,
    min_distress: float = 1.0,
    facts_floors: FactFloors | None = None,
) -> tuple[dict[str, Any], str]:
    holdout = _read_json(results / "holdout" / "intent_report.json")
    holdout_en = _read_json(results / "holdout_en" / "intent_report.json")
    for report, folder in ((holdout, "holdout"), (holdout_en, "holdout_en")):
        if report is None:
            raise FileNotFoundError(f"{results / folder / 'intent_report.json'} is missing: run `make evaluate`")
    assert holdout is not None and holdout_en is not None
    entities: dict[str, Any] = next(
        (report for name in ENTITY_REPORTS if (report := _read_json(results / "holdout" / name)) is not None), {}
    )
    # Each language's cross-validation figures apart (devtools/cross_validate.py), else all examples together.
    cross_validation = _read_json(results / "cross-validation" / "fr" / "intent_report.json") or _read_json(
        results / "cross-validation" / "intent_report.json"
    )
    cross_validation_en = _read_json(results / "cross-validation" / "en" / "intent_report.json")
    cv_folds = (_read_json(results / "cross-validation" / "folds.json") or {}).get("folds")
    errors = _read_json(results / "holdout" / "intent_errors.json") or []
    failed = failed_conversations(results / "conversations")
    previous = _read_json(results / "previous-summary.json")
    answers = answer_report(results)
    answers_en = answer_report(results, HOLDOUT_EN_FILE, "holdout_en")
    languages = language_report({"fr": HOLDOUT_FILE, "en": HOLDOUT_EN_FILE})
    held_out_conversations = _read_json(results / CONVERSATIONS_REPORT) or {}
    conversations = held_out_conversations.get("conversations")
    distress = held_out_conversations.get("distress")
    facts = held_out_conversations.get("facts")
    lengths = held_out_conversations.get("answer_lengths")
    floors = facts_floors or FactFloors()

    figures = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "holdout_intent_macro_f1": holdout["macro avg"]["f1-score"],
        "holdout_intent_accuracy": holdout["accuracy"],
        "holdout_entity_macro_f1": entities.get("macro avg", {}).get("f1-score"),
        "cross_validation_intent_macro_f1": cross_validation["macro avg"]["f1-score"] if cross_validation else None,
        "cross_validation_folds": cv_folds,
        "failed_conversations": failed,
        "holdout_wrong_answer_rate": len(answers["wrong"]) / answers["examples"] if answers else None,
        "holdout_answers": answers["verdicts"] if answers else None,
        "en_holdout_intent_macro_f1": holdout_en["macro avg"]["f1-score"],
        "en_cross_validation_intent_macro_f1": (
            cross_validation_en["macro avg"]["f1-score"] if cross_validation_en else None
        ),
        "en_holdout_wrong_answer_rate": len(answers_en["wrong"]) / answers_en["examples"] if answers_en else None,
        "language_identification": languages,
        "heldout_conversations_share": conversations["share"] if conversations else None,
        "distress_human_answer_share": distress["share"] if distress else None,
        "facts_right_share": facts["right"] if facts else None,
        "facts_honest_share": facts["honest"] if facts else None,
        "facts_wrong_share": facts["wrong"] if facts else None,
        "answer_first_bubble_words": lengths["first_bubble"] if lengths else None,
        "answer_need_words": lengths["need_whole_answer"] if lengths else None,
    }
    regressions = []
    if figures["holdout_intent_macro_f1"] < min_macro_f1:
        regressions.append(f"macro-F1 des intentions sous le seuil de {min_macro_f1:.2f}")
    entity_f1 = figures["holdout_entity_macro_f1"]
    if entity_f1 is not None and entity_f1 < min_entity_f1:
        regressions.append(f"macro-F1 des entités sous le seuil de {min_entity_f1:.2f}")
    cv_f1 = figures["cross_validation_intent_macro_f1"]
    if cv_f1 is not None and cv_f1 < min_cv_macro_f1:
        regressions.append(f"macro-F1 de la validation croisée sous le seuil de {min_cv_macro_f1:.2f}")
    wrong_rate = figures["holdout_wrong_answer_rate"]
    if wrong_rate is not None and wrong_rate > max_wrong_rate:
        regressions.append(f"réponses fausses assurées au-dessus de {max_wrong_rate:.0%} des exemples réservés")
    if failed:
        regressions.append(f"{len(failed)} conversation(s) de test échouée(s)")
    en_f1, en_cv_f1 = figures["en_holdout_intent_macro_f1"], figures["en_cross_validation_intent_macro_f1"]
    if en_f1 < min_en_macro_f1:
        regressions.append(f"anglais : macro-F1 des intentions sous le seuil de {min_en_macro_f1:.2f}")
    if en_cv_f1 is not None and en_cv_f1 < min_en_cv_macro_f1:
        regressions.append(f"anglais : macro-F1 de la validation croisée sous le seuil de {min_en_cv_macro_f1:.2f}")
    en_wrong_rate = figures["en_holdout_wrong_answer_rate"]
    if en_wrong_rate is not None and en_wrong_rate > max_en_wrong_rate:
        regressions.append(f"anglais : réponses fausses assurées au-dessus de {max_en_wrong_rate:.0%}")
    if conversations and conversations["share"] < min_conversations:
        regressions.append(f"conversations réservées réussies sous {min_conversations:.0%}")
    if distress and distress["share"] < min_distress:
        regressions.append(f"messages de détresse sans la réponse humaine (au moins {min_distress:.0%} voulus)")
    if facts and facts["right"] < floors.right:
        regressions.append(f"questions de faits réservées justes sous {floors.right:.0%}")
    if facts and facts["honest"] < floors.honest:
        regressions.append(f"questions sans réponse dans les sources traitées honnêtement sous {floors.honest:.0%}")
    if facts and facts["wrong"] > floors.wrong:
        regressions.append(f"faits faux assurés au-dessus de {floors.wrong:.0%} des questions de faits")
    if lengths and lengths["first_bubble"]["largest"] > lengths["limits"]["first_bubble"]:
        regressions.append(f"premières bulles de plus de {lengths['limits']['first_bubble']} mots")
    if lengths and lengths["need_whole_answer"]["largest"] > lengths["limits"]["need_whole_answer"]:
        regressions.append(f"réponses à un besoin de plus de {lengths['limits']['need_whole_answer']} mots")
    figures["ok"] = not regressions

    def cv_target_line(value: float | None) -> str:
        # The target is the 5-fold figure's: with fewer folds, each model trains on less of the data.
        if cv_folds is not None and cv_folds < TARGET_FOLDS:
            return f"objectif {cv_target:.2f} en {TARGET_FOLDS} plis : `make evaluate`"
        return _target(value is not None and value >= cv_target, cv_target)

    folds_said = f"{cv_folds} plis" if cv_folds else "plis inconnus"

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
        f"{compared('holdout_intent_macro_f1')} (seuil {min_macro_f1:.2f} ; "
        f"{_target(figures['holdout_intent_macro_f1'] >= holdout_target, holdout_target)})",
        f"- Intentions, exemples réservés, exactitude : {compared('holdout_intent_accuracy')}",
        f"- Entités (centres, labels), exemples réservés, macro-F1 : {compared('holdout_entity_macro_f1')} "
        f"(seuil {min_entity_f1:.2f})",
        f"- Intentions, validation croisée sur les données d'entraînement ({folds_said}), macro-F1 : "
        f"{compared('cross_validation_intent_macro_f1')} (seuil {min_cv_macro_f1:.2f} ; {cv_target_line(cv_f1)})",
        f"- Réponses fausses assurées sur les exemples réservés (la réponse d'un autre sujet, sans signaler de "
        f"doute) : {compared('holdout_wrong_answer_rate')} (au plus {max_wrong_rate:.2f} ; "
        f"{_target(wrong_rate is not None and wrong_rate <= wrong_target, wrong_target, 'au plus ')})",
        "- Conversations de test (`tests/test_stories.yml`) : "
        + ("toutes réussies" if not failed else f"{len(failed)} échouée(s) : {', '.join(failed)}"),
        f"- Conversations réservées (`tests/conversations/holdout.yml`), dernier tour juste : "
        f"{compared('heldout_conversations_share')} (seuil {min_conversations:.2f})",
        f"- Messages de détresse (`tests/conversations/distress.yml`) qui reçoivent la réponse humaine : "
        f"{compared('distress_human_answer_share')} (seuil {min_distress:.2f})",
        *_facts_lines(facts, floors, compared),
        *_lengths_lines(lengths),
        "",
        "## En anglais",
        "",
        f"- Intentions, exemples réservés (`tests/nlu/holdout_en.yml`), macro-F1 : "
        f"{compared('en_holdout_intent_macro_f1')} (seuil {min_en_macro_f1:.2f} ; "
        f"{_target(en_f1 >= holdout_target, holdout_target)})",
        f"- Intentions, validation croisée (exemples anglais de `data/nlu/en/`, {folds_said}), macro-F1 : "
        f"{compared('en_cross_validation_intent_macro_f1')} (seuil {min_en_cv_macro_f1:.2f} ; "
        f"{cv_target_line(en_cv_f1)})",
        f"- Réponses fausses assurées sur les exemples réservés anglais : "
        f"{compared('en_holdout_wrong_answer_rate')} (au plus {max_en_wrong_rate:.2f} ; "
        f"{_target(en_wrong_rate is not None and en_wrong_rate <= wrong_target, wrong_target, 'au plus ')})",
        "",
        "Langue reconnue, message par message, sur les exemples réservés (« indécis » : la conversation garde "
        "sa langue) :",
        "",
        "| langue | exemples | reconnue | indécis | erreur | exactitude |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {language} | {sum(counts.values())} | {counts['right']} | {counts['undecided']} | {counts['wrong']} "
            f"| {counts['right'] / max(1, sum(counts.values())):.3f} |"
            for language, counts in languages.items()
        ),
        "",
        "Dans les exemples réservés français, quelques messages sont en anglais (« thanks », « help ») : "
        "la langue reconnue y est l'anglais, compté ici comme une erreur.",
        "",
        "## Par intention (exemples réservés)",
        "",
        *_intent_table(holdout),
    ]
    if cross_validation:
        lines += ["", "## Par intention (validation croisée)", "", *_intent_table(cross_validation)]
    lines += ["", "## Par intention, en anglais (exemples réservés)", "", *_intent_table(holdout_en)]
    if answers:
        verdicts = answers["verdicts"]
        lines += [
            "",
            "## Ce que le bot répondrait aux exemples réservés",
            "",
            f"Sur {answers['examples']} exemples : {verdicts.get('right', 0)} bonnes réponses, "
            f"{verdicts.get('incomplete', 0)} incomplètes (une des deux questions), {verdicts.get('extra', 0)} "
            f"avec une réponse en plus (la bonne, et une autre), {verdicts.get('honest', 0)} "
            f"aveux honnêtes (« je ne suis pas sûr », sujets proposés, ou hors sujet), "
            f"{verdicts.get('wrong', 0)} réponses fausses assurées.",
            "",
        ]
        if answers["wrong"]:
            lines += ["| message | réponse attendue | réponse donnée | confiance |", "| --- | --- | --- | --- |"]
            lines += [
                f"| {item['text']} | {item['expected']} | {item['given']} | {item['confidence']:.2f} |"
                for item in answers["wrong"][:WRONG_EXAMPLES_SHOWN]
            ]
    if conversations and distress:
        lines += ["", *_conversations_section(conversations, distress)]
    if lengths:
        lines += ["", *_lengths_section(lengths)]
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
        "- `results/holdout/intent_errors.json`, `results/holdout/CRFEntityExtractor_errors.json` : chaque erreur",
        "- `results/conversations/failed_test_stories.yml` : les conversations échouées, tour par tour",
        "",
    ]
    return figures, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="results", type=Path)
    parser.add_argument("--min-macro-f1", default=0.95, type=float)
    parser.add_argument("--holdout-target", default=0.95, type=float)
    parser.add_argument("--wrong-target", default=0.03, type=float)
    parser.add_argument("--min-cv-macro-f1", default=0.90, type=float)
    parser.add_argument("--cv-target", default=0.90, type=float)
    parser.add_argument("--max-wrong-rate", default=0.03, type=float)
    parser.add_argument("--min-entity-f1", default=0.85, type=float)
    parser.add_argument("--min-en-macro-f1", default=0.95, type=float)
    parser.add_argument("--min-en-cv-macro-f1", default=0.90, type=float)
    parser.add_argument("--max-en-wrong-rate", default=0.03, type=float)
    parser.add_argument("--min-conversations", default=0.90, type=float)
    parser.add_argument("--min-distress", default=1.0, type=float)
    parser.add_argument("--min-facts-right", default=FactFloors.right, type=float)
    parser.add_argument("--min-facts-honest", default=FactFloors.honest, type=float)
    parser.add_argument("--max-facts-wrong", default=FactFloors.wrong, type=float)
    args = parser.parse_args(argv)
    figures, markdown = summarise(
        args.results,
        args.min_macro_f1,
        args.min_cv_macro_f1,
        args.max_wrong_rate,
        args.cv_target,
        args.holdout_target,
        args.wrong_target,
        args.min_entity_f1,
        args.min_en_macro_f1,
        args.min_en_cv_macro_f1,
        args.max_en_wrong_rate,
        args.min_conversations,
        args.min_distress,
        FactFloors(args.min_facts_right, args.min_facts_honest, args.max_facts_wrong),
    )
    (args.results / "summary.md").write_text(markdown, encoding="utf-8")
    (args.results / "summary.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print(markdown)
    print(f"Written to {args.results / 'summary.md'}")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
