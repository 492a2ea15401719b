"""What visitors asked that the bot failed, grouped for review; the maintainers' choices written as training data.

The review lists, over what the tracker store still holds (the retention window), the visitors' messages
that ended in "I don't know" or "not my subject", those the NLU was unsure of (confidence or margin over
the runner-up under a threshold), those whose answer the sources did not hold, and those whose answer a
visitor rated 👎. Near-duplicate messages ("c gratuit ?", "c'est gratuit ?") form one group, most frequent
first. Only the masked text is shown (the guard masked it before Rasa stored it), never a conversation id
or a time. Messages already in the training data, and groups a maintainer chose to ignore, are not listed.

A maintainer's choice for a group (an intent, `out_of_scope` for "hors sujet", or "ignorer") is written
into one file of reviewed examples per language, in Rasa's format: `data/nlu/reviewed.yml` (French) and
`data/nlu/en/reviewed.yml` (English, where the cross-validation counts English examples), deduplicated.
Ignored groups are remembered there too, as a comment with a fingerprint of the text (not the text).
Both the page (ops/review_web.py) and the terminal (`make review`, below) use these functions.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.knowledge.text import strip_accents
from actions.names import RATING_INTENT
from ops import settings as ops_settings
from ops.conversations import FALLBACK_INTENT, Conversations, Turn, read_conversations

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Under this confidence, or this margin over the second intent, the NLU is taken to have hesitated.
DEFAULT_MIN_CONFIDENCE: float = ops_settings.OperationsSettings.default("REVIEW_MIN_CONFIDENCE")
DEFAULT_MIN_MARGIN: float = ops_settings.OperationsSettings.default("REVIEW_MIN_MARGIN")
# Two messages whose normalised texts are this similar (difflib's ratio) are one group.
SIMILARITY = 0.85
IGNORE = "ignorer"
OUT_OF_SCOPE = "out_of_scope"
REVIEWED_FILES = {"fr": Path("nlu") / "reviewed.yml", "en": Path("nlu") / "en" / "reviewed.yml"}
# Intents a visitor does not type, never offered as a choice.
_NOT_CHOOSABLE = frozenset({FALLBACK_INTENT, RATING_INTENT})
_IGNORED_LINE = re.compile(r"^# ignoré: ([0-9a-f]{16})$", re.MULTILINE)
_RASA_FORMAT_VERSION = "3.1"

# Why a group is listed, as the page and the terminal say it.
REASONS = {
    "not_understood": "non compris",
    "unknown_answer": "réponse absente des sources",
    "hesitant": "hésitation du modèle",
    "rated_unhelpful": "réponse jugée inutile par le visiteur",
}


def normalised(text: str) -> str:
    """Lower case, no accents, no punctuation: "C'est GRATUIT ?" and "c est gratuit" are the same."""
    return " ".join(re.sub(r"[^\w\[\]]+", " ", strip_accents(text.lower())).split())


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalised(text).encode()).hexdigest()[:16]


@dataclass
class ReviewGroup:
    """Near-duplicate messages the bot failed, shown as one line to review."""

    text: str
    language: str
    count: int
    predicted_intent: str
    confidence: float
    reasons: list[str]
    variants: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return fingerprint(self.text)


def reasons_for(turn: Turn, min_confidence: float, min_margin: float) -> list[str]:
    reasons = []
    if turn.not_understood:
        reasons.append("not_understood")
    if turn.unknown_answer:
        reasons.append("unknown_answer")
    # A fallback hesitated by definition: "hesitant" is for the answers given with little confidence.
    hesitant = turn.confidence < min_confidence or turn.confidence - turn.runner_up_confidence < min_margin
    if hesitant and not turn.not_understood:
        reasons.append("hesitant")
    if turn.rating == "not_helpful":
        reasons.append("rated_unhelpful")
    return reasons


def _similar(first: str, second: str) -> bool:
    matcher = difflib.SequenceMatcher(None, first, second)
    return matcher.real_quick_ratio() >= SIMILARITY and matcher.ratio() >= SIMILARITY


def review_groups(
    conversations: Conversations,
    known_texts: Iterable[str] = (),
    ignored: Iterable[str] = (),
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    min_margin: float = DEFAULT_MIN_MARGIN,
) -> list[ReviewGroup]:
    """The failed messages, grouped by near duplicates, most frequent first.

    `known_texts`: messages already in the training data; `ignored`: fingerprints a maintainer ignored.
    """
    skip = {normalised(text) for text in known_texts}
    ignored_keys = set(ignored)
    # Each group: its normalised texts, and the turns in it.
    groups: list[tuple[list[str], list[tuple[Turn, list[str]]]]] = []
    for turn in conversations.turns:
        text = normalised(turn.text)
        reasons = reasons_for(turn, min_confidence, min_margin)
        if not text or turn.is_payload or not reasons or text in skip or fingerprint(turn.text) in ignored_keys:
            continue
        for texts, members in groups:
            if any(text == other or _similar(text, other) for other in texts):
                texts.append(text)
                members.append((turn, reasons))
                break
        else:
            groups.append(([text], [(turn, reasons)]))
    result = [_group(members) for _, members in groups]
    result = [group for group in result if group.key not in ignored_keys]
    return sorted(result, key=lambda group: (-group.count, group.text))


def _group(members: list[tuple[Turn, list[str]]]) -> ReviewGroup:
    texts = Counter(turn.text for turn, _ in members)
    intents = Counter(turn.intent for turn, _ in members)
    languages = Counter(turn.language for turn, _ in members)
    reasons = {reason for _, turn_reasons in members for reason in turn_reasons}
    return ReviewGroup(
        text=texts.most_common(1)[0][0],
        language=languages.most_common(1)[0][0],
        count=len(members),
        predicted_intent=intents.most_common(1)[0][0],
        confidence=round(sum(turn.confidence for turn, _ in members) / len(members), 2),
        reasons=[reason for reason in REASONS if reason in reasons],
        variants=[text for text, _ in texts.most_common()],
    )


def choosable_intents(domain_file: Path) -> list[str]:
    """The domain's intents a maintainer may assign a message to."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = [next(iter(intent)) if isinstance(intent, dict) else str(intent) for intent in domain.get("intents", [])]
    return sorted(name for name in names if name not in _NOT_CHOOSABLE)


@dataclass
class ReviewedExamples:
    """One language's file of reviewed examples: examples per intent, and the ignored fingerprints."""

    path: Path
    examples: dict[str, list[str]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> ReviewedExamples:
        if not path.exists():
            return cls(path)
        content = path.read_text(encoding="utf-8")
        data = yaml.safe_load(content) or {}
        examples: dict[str, list[str]] = {}
        for block in data.get("nlu") or []:
            lines = str(block.get("examples") or "").splitlines()
            examples[str(block["intent"])] = [line[2:].strip() for line in lines if line.startswith("- ")]
        return cls(path, examples, _IGNORED_LINE.findall(content))

    def add(self, intent: str, text: str) -> bool:
        """Adds the example unless the file already has it (for any intent); says whether it did."""
        if any(normalised(text) == normalised(known) for known in self.all_texts()):
            return False
        self.examples.setdefault(intent, []).append(text)
        return True

    def all_texts(self) -> list[str]:
        return [text for texts in self.examples.values() for text in texts]

    def write(self) -> None:
        lines = [
            "# Exemples relus par les mainteneurs (page de relecture ou `make review`) : messages réels de",
            "# visiteurs, masqués, avec l'intention choisie. Fichier écrit par ops/review.py ; on peut le",
            "# corriger à la main (retirer un exemple, changer d'intention).",
            f'version: "{_RASA_FORMAT_VERSION}"',
            "nlu:" if self.examples else "nlu: []",
        ]
        for intent in sorted(self.examples):
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {_one_line(text)}" for text in self.examples[intent]]
        if self.ignored:
            lines.append("# Messages ignorés (empreinte du texte, pour ne plus les proposer) :")
            lines += [f"# ignoré: {key}" for key in self.ignored]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _one_line(text: str) -> str:
    """The text on one line, with no "[...](...)" that Rasa would read as an entity annotation."""
    return " ".join(text.split()).replace("](", "] (")


def reviewed_files(data_dir: Path) -> dict[str, ReviewedExamples]:
    return {language: ReviewedExamples.read(data_dir / path) for language, path in REVIEWED_FILES.items()}


def training_texts(data_dir: Path) -> list[str]:
    """Every example of the NLU training data, as plain text (entity annotations removed)."""
    with warnings.catch_warnings():  # Rasa's dependencies warn about their own deprecations
        warnings.simplefilter("ignore")
        from rasa.shared.nlu.training_data.loading import load_data

        warnings.simplefilter("ignore")
        return [str(message.get("text")) for message in load_data(str(data_dir / "nlu")).intent_examples]


def apply_decisions(data_dir: Path, groups: list[ReviewGroup], decisions: dict[str, str], intents: list[str]) -> int:
    """Writes the chosen intents of the groups (by key) into the reviewed files; returns how many it added.

    A decision is an intent of `intents`, or IGNORE; anything else is refused (ValueError).
    """
    files = reviewed_files(data_dir)
    added = 0
    by_key = {group.key: group for group in groups}
    for key, decision in decisions.items():
        group = by_key.get(key)
        if group is None:
            continue
        target = files.get(group.language, files["fr"])
        if decision == IGNORE:
            if key not in target.ignored:
                target.ignored.append(key)
        elif decision in intents:
            added += target.add(decision, group.text)
        else:
            raise ValueError(f"unknown intent {decision!r}")
    for reviewed in files.values():
        if reviewed.examples or reviewed.ignored or reviewed.path.exists():
            reviewed.write()
    return added


@dataclass
class ReviewSettings:
    data_dir: Path
    domain_file: Path
    endpoints_file: str
    min_confidence: float
    min_margin: float


def settings_from_environment(argv: list[str] | None = None) -> ReviewSettings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    try:
        read = ops_settings.load()
    except ops_settings.SettingsError as error:
        parser.error(str(error))
    parser.add_argument("--data", type=Path, default=read.review_data_dir)
    parser.add_argument("--domain", type=Path, default=PROJECT_ROOT / "domain.yml")
    parser.add_argument("--endpoints", default=read.rasa_endpoints)
    parser.add_argument("--min-confidence", type=float, default=read.review_min_confidence)
    parser.add_argument("--min-margin", type=float, default=read.review_min_margin)
    args = parser.parse_args(argv)
    return ReviewSettings(args.data, args.domain, args.endpoints, args.min_confidence, args.min_margin)


def load_review(settings: ReviewSettings, conversations: Conversations | None = None) -> list[ReviewGroup]:
    """The groups to review, from `conversations` or else from the tracker store of the settings."""
    if conversations is None:
        conversations = read_conversations(settings.endpoints_file)
    files = reviewed_files(settings.data_dir)
    return review_groups(
        conversations,
        known_texts=training_texts(settings.data_dir),
        ignored=[key for reviewed in files.values() for key in reviewed.ignored],
        min_confidence=settings.min_confidence,
        min_margin=settings.min_margin,
    )


def describe(group: ReviewGroup) -> str:
    reasons = ", ".join(REASONS[reason] for reason in group.reasons)
    understood = f"compris : {group.predicted_intent} à {group.confidence:.2f}"
    return f"{group.count} × « {group.text} » ({group.language}) — {understood} — {reasons}"


def review_in_terminal(
    settings: ReviewSettings, ask: Callable[[str], str] = input, say: Callable[[str], Any] = print
) -> int:
    """`make review`: each group in turn; the maintainer types an intent, `h` (hors sujet), `i` (ignorer),
    Entrée (plus tard) or `q` (enregistrer et quitter)."""
    intents = choosable_intents(settings.domain_file)
    groups = load_review(settings)
    if not groups:
        say("Rien à relire : aucun message en échec qui ne soit déjà dans les données d'entraînement.")
        return 0
    say(f"{len(groups)} groupes de messages à relire. Intentions possibles : {', '.join(intents)}")
    decisions: dict[str, str] = {}
    for number, group in enumerate(groups, start=1):
        say(f"\n[{number}/{len(groups)}] {describe(group)}")
        while True:
            answer = ask("Intention (h = hors sujet, i = ignorer, Entrée = plus tard, q = quitter) : ").strip()
            choice = {"h": OUT_OF_SCOPE, "i": IGNORE}.get(answer, answer)
            if choice in ("", "q") or choice in intents or choice == IGNORE:
                break
            say(f"« {answer} » n'est pas une intention connue.")
        if choice == "q":
            break
        if choice:
            decisions[group.key] = choice
    added = apply_decisions(settings.data_dir, groups, decisions, intents)
    files = " ou ".join(f"data/{path}" for path in REVIEWED_FILES.values())
    say(f"{added} exemple(s) ajouté(s) à {files}. Ensuite : make train, puis make evaluate.")
    return 0


def main(argv: list[str] | None = None) -> int:
    return review_in_terminal(settings_from_environment(argv))


if __name__ == "__main__":
    sys.exit(main())
