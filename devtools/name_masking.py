"""How well people's names are masked (rasa_extensions/privacy.py): recall and false positives.

- recall: over tests/privacy/names_fr.yml (sentences as visitors write them, each with its names), the share
  of names of which no word is left after masking; the misses are printed;
- false positives: the messages where a name was masked among the set's own questions without names
  (printed), and among the held-out NLU examples, French and English (tests/nlu/holdout*.yml, which hold no
  person's name): counted only, their text is never printed;
- the cost: the resident memory the NER model adds when it loads, and the masking time per message.

    .venv/bin/python -m devtools.name_masking [--min-recall 0.95] [--max-false-positives 0.01]

Exits 1 when the recall is under `--min-recall`, a question of the set had a name masked, or the share of
held-out examples with one is over `--max-false-positives`.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rasa_extensions.privacy import mask_personal_data, name_model

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NAMES_FILE = PROJECT_ROOT / "tests" / "privacy" / "names_fr.yml"
HOLDOUT_FILES = [PROJECT_ROOT / "tests" / "nlu" / "holdout.yml", PROJECT_ROOT / "tests" / "nlu" / "holdout_en.yml"]
DEFAULT_MIN_RECALL = 0.95
DEFAULT_MAX_FALSE_POSITIVES = 0.01
# An annotated entity of Rasa's training format, "[Gap](centre)" or '[Gap]{"entity": "centre"}': its text.
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class NamedSentence:
    text: str
    names: tuple[str, ...]


def load_names(path: Path = NAMES_FILE) -> tuple[list[NamedSentence], list[str]]:
    """The sentences with names, and the questions without any."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sentences = [NamedSentence(item["text"], tuple(item["names"])) for item in data["sentences"]]
    return sentences, list(data["questions"])


def name_left(name: str, masked: str) -> bool:
    """Whether a word of the name is still in the masked text (a name half masked is not masked)."""
    left = {word.lower() for word in _WORD.findall(masked)}
    return any(word.lower() in left for word in _WORD.findall(name))


def missed_names(sentence: NamedSentence) -> list[str]:
    masked = mask_personal_data(sentence.text).text
    return [name for name in sentence.names if name_left(name, masked)]


def has_masked_name(text: str) -> bool:
    return "name" in mask_personal_data(text).kinds


def nlu_examples(path: Path) -> list[str]:
    """The examples' text of a file of Rasa's NLU training format, without the entities' annotations."""
    items: list[dict[str, Any]] = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
    texts: list[str] = []
    for item in items:
        examples = item.get("examples") if "intent" in item else None
        if isinstance(examples, str):
            texts += [line.strip()[2:] for line in examples.splitlines() if line.strip().startswith("- ")]
        elif isinstance(examples, list):
            texts += [example["text"] for example in examples]
    return [_ANNOTATION.sub(r"\1", text) for text in texts]


def resident_mb() -> float:
    """This process's resident memory (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def model_cost() -> tuple[float, float]:
    """(seconds, MB of resident memory) that loading the NER model takes."""
    before, start = resident_mb(), time.perf_counter()
    name_model()
    mask_personal_data("Je m'appelle Karim Benali.")  # the first call allocates the model's working memory
    return time.perf_counter() - start, resident_mb() - before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-recall", type=float, default=DEFAULT_MIN_RECALL)
    parser.add_argument("--max-false-positives", type=float, default=DEFAULT_MAX_FALSE_POSITIVES)
    args = parser.parse_args(argv)

    load_s, load_mb = model_cost()
    print(f"NER model ({name_model().pipe_names}): loaded in {load_s:.1f} s, +{load_mb:.0f} MB resident memory")

    sentences, questions = load_names()
    names = sum(len(sentence.names) for sentence in sentences)
    missed = 0
    for sentence in sentences:
        for name in missed_names(sentence):
            missed += 1
            print(f"  missed {name!r} in: {sentence.text}")
    recall = (names - missed) / names
    print(f"Recall of names: {names - missed}/{names} = {recall:.3f} ({len(sentences)} sentences, {NAMES_FILE.name})")

    wrong = [question for question in questions if has_masked_name(question)]
    for question in wrong:
        print(f"  masked: {question} -> {mask_personal_data(question).text}")
    print(f"False positives, the set's questions without names: {len(wrong)}/{len(questions)}")

    held_out_rates = [held_out_false_positives(path) for path in HOLDOUT_FILES]
    return 0 if recall >= args.min_recall and not wrong and max(held_out_rates) <= args.max_false_positives else 1


def held_out_false_positives(path: Path) -> float:
    """Prints how many held-out examples had a name masked (never their text), and the time it took."""
    examples = nlu_examples(path)
    start = time.perf_counter()
    count = sum(has_masked_name(example) for example in examples)
    elapsed_ms = (time.perf_counter() - start) * 1000 / len(examples)
    print(
        f"False positives, held-out {path.name}: {count}/{len(examples)} messages with a name masked "
        f"({count / len(examples):.1%}); masking took {elapsed_ms:.1f} ms per message on average"
    )
    return count / len(examples)


if __name__ == "__main__":
    sys.exit(main())
