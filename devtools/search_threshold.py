"""Chooses the fact search's thresholds by cross-validation, never on the held-out questions.

The `asked` phrasings of the knowledge file and the questions no source answers (the training examples of
`out_of_scope` and `ask_practical_details`) are split into folds (seeded); each fold's questions are looked up in
a search built without them, as a visitor's new question would be. A phrasing is right when it gets its own fact;
any fact said to a question no source answers is wrong. For each pair of thresholds (score, margin over the
unanswerable questions' score): the share of phrasings answered with their fact, the share of unanswerable
questions left unanswered, and the wrong facts said among all questions. The chosen pair answers the most
phrasings with at most `MAX_WRONG_RATE` wrong and at least `MIN_HONEST` of the unanswerable ones left alone.

    .venv/bin/python -m devtools.search_threshold [--folds 5]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, replace

from actions.fact_search import (
    MIN_MARGIN,
    MIN_SCORE,
    FactSearch,
    entries_of,
    things_named,
    unanswerable_questions,
)
from actions.knowledge.base import Knowledge
from actions.knowledge_store import get_knowledge

SEED = 42
MAX_WRONG_RATE = 0.03
MIN_HONEST = 0.95
SCORES = [round(-0.5 + 0.1 * step, 1) for step in range(9)]
MARGINS = [0.0, 0.1, 0.2, 0.3]


@dataclass(frozen=True)
class Lookup:
    """One question looked up: the entry it should get (None: no source answers it), and what it got."""

    expected: str | None
    found: str | None
    score: float
    margin: float


@dataclass(frozen=True)
class Scores:
    score: float
    margin: float
    right: float  # phrasings answered with their own fact
    honest: float  # unanswerable questions left unanswered
    wrong: float  # wrong facts said, among all questions


def lookups(knowledge: Knowledge, folds: int, unanswerable: list[str]) -> list[Lookup]:
    """Every phrasing and unanswerable question, looked up by a search built without its fold."""
    entries = entries_of(knowledge)
    phrasings = [(entry.id, index) for entry in entries for index in range(len(entry.asked))]
    random.Random(SEED).shuffle(phrasings)
    questions = list(unanswerable)
    random.Random(SEED).shuffle(questions)
    by_id = {entry.id: entry for entry in entries}
    results: list[Lookup] = []
    for fold in range(folds):
        held = set(phrasings[fold::folds])
        kept = [
            replace(entry, asked=tuple(text for index, text in enumerate(entry.asked) if (entry.id, index) not in held))
            for entry in entries
        ]
        search = FactSearch(kept, [question for index, question in enumerate(questions) if index % folds != fold])
        for entry_id, index in sorted(held):
            results.append(_lookup(search, knowledge, by_id[entry_id].asked[index], entry_id))
        results += [_lookup(search, knowledge, question, None) for question in questions[fold::folds]]
    return results


def _lookup(search: FactSearch, knowledge: Knowledge, question: str, expected: str | None) -> Lookup:
    ranked = search.ranked(question, things_named(knowledge, question) or None)
    if not ranked:
        return Lookup(expected, None, 0.0, 0.0)
    return Lookup(expected, ranked[0].entry.id, ranked[0].score, ranked[0].margin)


def scores(results: list[Lookup], score: float, margin: float) -> Scores:
    answerable = sum(1 for result in results if result.expected is not None)
    unanswerable = len(results) - answerable
    said = [r for r in results if r.found is not None and r.score >= score and r.margin >= margin]
    right = sum(1 for result in said if result.found == result.expected)
    honest = unanswerable - sum(1 for result in said if result.expected is None)
    return Scores(score, margin, right / max(answerable, 1), honest / max(unanswerable, 1),
                  (len(said) - right) / max(len(results), 1))  # fmt: skip


def chosen(table: list[Scores]) -> Scores | None:
    """The pair that answers the most phrasings within the limits; the strictest of equals."""
    allowed = [row for row in table if row.wrong <= MAX_WRONG_RATE and row.honest >= MIN_HONEST]
    return max(allowed, key=lambda row: (row.right, row.score, row.margin)) if allowed else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    knowledge = get_knowledge()
    unanswerable = unanswerable_questions(knowledge)
    results = lookups(knowledge, args.folds, unanswerable)
    table = [scores(results, score, margin) for score in SCORES for margin in MARGINS]
    answerable = sum(1 for result in results if result.expected is not None)
    print(f"{args.folds}-fold cross-validation: {answerable} phrasings, {len(unanswerable)} unanswerable questions")
    print("score  margin  right  honest  wrong")
    for row in table:
        print(f"{row.score:10.2f}  {row.margin:6.2f}  {row.right:5.3f}  {row.honest:6.3f}  {row.wrong:5.3f}")
    best = chosen(table)
    in_use = scores(results, MIN_SCORE, MIN_MARGIN)
    print(f"chosen: {f'{best.score} / {best.margin}' if best else 'none within the limits'}")
    print(f"in use (MIN_SCORE / MIN_MARGIN): {MIN_SCORE} / {MIN_MARGIN}: right {in_use.right:.3f}, "
          f"honest {in_use.honest:.3f}, wrong {in_use.wrong:.3f}")  # fmt: skip
    return 0 if best is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
