"""The held-out fact questions (tests/facts/holdout.yml), asked of the real assistant through REST, each as a
conversation's first message: the share answered with the right statement of the sources, the share of those the
sources do not answer that get no fact in its place, and the wrong statements said with confidence. Run by
devtools/evaluate_conversations.py on the same servers; gated by devtools/evaluation_summary.py.

Which answer states which statement: tests/facts/answers.yml (the texts of the knowledge file's facts, or words
the answer must say). The questions were written from the sources by someone who never saw the training data.

For the questions the NLU was unsure of (`nlu_fallback`), it also measures the first step the bot took, the fact
search, against the two-stage fallback's buttons it replaced: each button the NLU would have offered is
clicked in a conversation of its own, and the buttons count as right when one of them gets the right answer.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.knowledge.base import Knowledge

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_FILE = PROJECT_ROOT / "tests" / "facts" / "holdout.yml"
ANSWERS_FILE = PROJECT_ROOT / "tests" / "facts" / "answers.yml"
SEARCH_ACTION = "action_answer_by_search"
FALLBACK_INTENT = "nlu_fallback"

# A conversation with the assistant: the texts of its replies to a first message, the answering actions, and the
# parse of that message (intent, ranking) as the tracker store keeps it.
Ask = Callable[[str], tuple[list[str], list[str], dict[str, Any]]]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


@dataclass(frozen=True)
class Recogniser:
    """How to tell that an answer states one statement: one of its facts' texts, or every word of a group."""

    texts: dict[str, tuple[str, ...]]  # language -> folded texts
    says: tuple[tuple[str, ...], ...]

    def stated_in(self, answer: str, language: str) -> bool:
        if any(text in answer for text in self.texts.get(language, ())):
            return True
        return any(all(word in answer for word in group) for group in self.says)


def entry_texts(knowledge: Knowledge) -> dict[str, dict[str, str]]:
    """Every text an answer can hold, by key: facts, `history_<year>`, `network`."""
    texts = {key: {"fr": fact.text, "en": fact.text_en} for key, fact in knowledge.all_facts().items()}
    texts.update({f"history_{event.year}": {"fr": event.text, "en": event.text_en} for event in knowledge.history})
    texts["network"] = {"fr": knowledge.network.text, "en": knowledge.network.text_en}
    return texts


def recognisers(knowledge: Knowledge, spec: dict[str, Any]) -> dict[str, Recogniser]:
    texts = entry_texts(knowledge)
    found: dict[str, Recogniser] = {}
    for statement, how in spec["answers"].items():
        keys = how.get("facts") or []
        unknown = [key for key in keys if key not in texts]
        if unknown:
            raise ValueError(f"{ANSWERS_FILE.name}: {statement}: no fact {unknown} in the knowledge file")
        by_language = {language: tuple(fold(texts[key][language]) for key in keys) for language in ("fr", "en")}
        says = tuple(tuple(fold(str(word)) for word in group) for group in how.get("says") or [])
        found[statement] = Recogniser(by_language, says)
    return found


def judge(expected: str | None, stated: set[str], pointers: set[str], abstains: bool) -> str:
    """right / wrong / unanswered for a statement asked; honest / wrong for a question the sources do not answer.
    Another statement is wrong unless the answer says that its sources do not hold what was asked."""
    confident = bool(stated - pointers) and not abstains
    if expected is None:
        return "wrong" if confident else "honest"
    if expected in stated:
        return "right"
    return "wrong" if confident else "unanswered"


@dataclass
class FactOutcome:
    text: str
    language: str
    statement: str | None
    verdict: str
    stated: list[str]
    answers: list[str]
    unsure: bool
    # For an unsure question: whether one of the buttons the NLU would have offered gets the right answer.
    buttons_right: bool | None = None
    texts: list[str] = field(default_factory=list)


def run_facts(ask: Ask, questions: list[dict[str, Any]], knowledge: Knowledge) -> list[FactOutcome]:
    from actions.fallback import suggested_intents

    spec = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    found = recognisers(knowledge, spec)
    pointers = set(spec.get("pointers") or [])
    abstaining = [fold(str(words)) for words in spec.get("abstains") or []]

    def stated(texts: list[str], language: str) -> set[str]:
        answer = fold(" ".join(texts))
        return {statement for statement, recogniser in found.items() if recogniser.stated_in(answer, language)}

    outcomes = []
    for question in questions:
        language, expected = str(question["lang"]), question.get("statement")
        texts, answers, parse = ask(str(question["text"]))
        said = stated(texts, language)
        abstains = any(words in fold(" ".join(texts)) for words in abstaining)
        outcome = FactOutcome(
            str(question["text"]), language, expected, judge(expected, said, pointers, abstains), sorted(said), answers,
            unsure=(parse.get("intent") or {}).get("name") == FALLBACK_INTENT, texts=texts,
        )  # fmt: skip
        if outcome.unsure and expected is not None:
            clicks = [ask(f"/{intent}")[0] for intent in suggested_intents(parse)]
            outcome.buttons_right = any(expected in stated(click, language) for click in clicks)
        outcomes.append(outcome)
    return outcomes


def facts_summary(outcomes: list[FactOutcome]) -> dict[str, Any]:
    answerable = [outcome for outcome in outcomes if outcome.statement is not None]
    unanswerable = [outcome for outcome in outcomes if outcome.statement is None]
    verdicts = Counter(outcome.verdict for outcome in outcomes)
    unsure = [outcome for outcome in answerable if outcome.unsure]
    searched = [outcome for outcome in unsure if SEARCH_ACTION in outcome.answers]

    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "right": share(sum(outcome.verdict == "right" for outcome in answerable), len(answerable)),
        "honest": share(sum(outcome.verdict == "honest" for outcome in unanswerable), len(unanswerable)),
        "wrong": share(verdicts["wrong"], len(outcomes)),
        "verdicts": dict(verdicts),
        "by_language": {
            language: {
                "right": share(
                    sum(o.verdict == "right" for o in answerable if o.language == language),
                    sum(o.language == language for o in answerable),
                ),
                "honest": share(
                    sum(o.verdict == "honest" for o in unanswerable if o.language == language),
                    sum(o.language == language for o in unanswerable),
                ),
            }
            for language in ("fr", "en")
        },
        # The fact search against the buttons, on the answerable questions the NLU was unsure of.
        "unsure": {
            "questions": len(unsure),
            "search_answered": len(searched),
            "search_right": sum(outcome.verdict == "right" for outcome in unsure),
            "search_wrong": sum(outcome.verdict == "wrong" for outcome in unsure),
            "buttons_right": sum(bool(outcome.buttons_right) for outcome in unsure),
            # The bot as it is: the search's right answers, and the buttons' where the search said nothing.
            "search_then_buttons_right": sum(
                outcome.verdict == "right" or (SEARCH_ACTION not in outcome.answers and bool(outcome.buttons_right))
                for outcome in unsure
            ),
        },
        "failures": [asdict(outcome) for outcome in outcomes if outcome.verdict in ("wrong", "unanswered")],
    }


def load_questions(path: Path = QUESTIONS_FILE) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])


def main(argv: list[str] | None = None) -> int:
    """The fact questions of one file alone (`make evaluate` asks the held-out ones with the conversations):
    `--questions tests/facts/dev.yml` while tuning, so that the held-out set stays unread."""
    import argparse
    import json
    import tempfile

    from actions.knowledge_store import get_knowledge
    from devtools.bench import Servers
    from devtools.evaluate_conversations import ask_first

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=PROJECT_ROOT / "tests" / "facts" / "dev.yml")
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models")
    parser.add_argument("--out", type=Path, default=None, help="where to write the figures and failures (JSON)")
    parser.add_argument("--outcomes", type=Path, default=None, help="where to write every question's outcome (JSON)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cdm-facts-") as folder:
        log = Path(folder) / "servers.log"
        servers = Servers(args.model, log)
        try:
            servers.wait_for_first_answer()
            outcomes = run_facts(ask_first(servers.rest_url, log.with_suffix(".db")), load_questions(args.questions),
                                 get_knowledge())  # fmt: skip
        finally:
            servers.stop()
    report = facts_summary(outcomes)
    if args.out is not None:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.outcomes is not None:  # the right answers too: which action gave them
        every = [asdict(outcome) for outcome in outcomes]
        args.outcomes.write_text(json.dumps(every, ensure_ascii=False, indent=2), encoding="utf-8")
    for failure in report["failures"]:
        print(f"{failure['verdict']:10} {failure['statement']!s:22} {failure['text']}\n           "
              f"-> {failure['answers']} {failure['stated']}")  # fmt: skip
    unsure = report["unsure"]
    print(f"{report['right']:.1%} of {report['answerable']} answered right, {report['honest']:.1%} of "
          f"{report['unanswerable']} unanswerable left honest, {report['wrong']:.1%} wrong; unsure of "
          f"{unsure['questions']}: search answered {unsure['search_answered']}, right {unsure['search_right']}, "
          f"wrong {unsure['search_wrong']}; buttons right {unsure['buttons_right']}; search then buttons right "
          f"{unsure['search_then_buttons_right']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
