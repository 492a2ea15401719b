"""What visitors asked that the bot failed, grouped for review; the maintainers' choices written as training data.

The review lists, over what the tracker store still holds (the retention window), the visitors' messages
that ended in "I don't know" or "not my subject", those the NLU was unsure of (confidence or margin over
the runner-up under a threshold), those whose answer the sources did not hold, and those whose answer a
visitor rated 👎. Near-duplicate messages ("c gratuit ?", "c'est gratuit ?") form one group, most frequent
first. Only the masked text is shown (the guard masked it before Rasa stored it), never a conversation id
or a time. Messages already in the training data, and groups a maintainer chose to ignore, are not listed.

The centre's staff review, not developers: every intent is shown by its title (`topic_title`), the French
title of its button (actions/topic_registry.py) or, for the intents without a button (greet, inform,
distress...), the plain label of `OTHER_TITLES` below; the intent id is only the value a choice carries.
Each group comes with what a reviewer needs to judge it: the language of the message, the turn before it
(the visitor's previous message and the bot's answer), and the bot's answer to it, all masked.

A maintainer's choice for a group (an intent, `out_of_scope` for "hors sujet", or "ignorer") is written
into one file of reviewed examples per language, in Rasa's format: `data/nlu/reviewed.yml` (French) and
`data/nlu/en/reviewed.yml` (English, where the cross-validation counts English examples), deduplicated.

Ignored groups are remembered in the same file, readably, as comments Rasa does not read:
`# ignoré le 2026-12-01 : c ouvert quand` (the day of the choice, not of the message, and the masked text).
They used to be a fingerprint of the text, so as not to keep a visitor's words: but the text is the masked
one, exactly what an added example keeps in the same file, and the maintainers read that file before
committing it (docs/maintainers.md, section 11) — a readable record is one they can check for a personal
detail the masking missed, and remove, as they do for the examples; deleting the line lists the message
again. The fingerprints an older file holds are still honoured and kept.
A message near-identical to one decided on (ignored, or added as an example) is not listed again.
Both the page (staff/review_web.py) and the terminal (`make review`, below) use these functions.
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
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from actions.knowledge.text import strip_accents
from actions.names import RATING_INTENT
from actions.topic_registry import BUTTON_TITLES, Topic
from ops import settings as ops_settings
from ops.conversations import FALLBACK_INTENT, Conversations, Turn, read_conversations

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Under this confidence, or this margin over the second intent, the NLU is taken to have hesitated.
DEFAULT_MIN_CONFIDENCE: float = ops_settings.OperationsSettings.default("REVIEW_MIN_CONFIDENCE")
DEFAULT_MIN_MARGIN: float = ops_settings.OperationsSettings.default("REVIEW_MIN_MARGIN")
# Two messages whose normalised texts are this similar (difflib's ratio) are one group.
SIMILARITY = 0.85
IGNORE = "ignorer"
# The bot's other guesses less likely than this are not offered.
MIN_GUESS = 0.05
OUT_OF_SCOPE = "out_of_scope"
REVIEWED_FILES = {"fr": Path("nlu") / "reviewed.yml", "en": Path("nlu") / "en" / "reviewed.yml"}
# Intents a visitor does not type, never offered as a choice.
_NOT_CHOOSABLE = frozenset({FALLBACK_INTENT, RATING_INTENT})
# A readable ignore record, and the fingerprint older files hold instead.
_IGNORED_LINE = re.compile(r"^# ignoré le (\d{4}-\d{2}-\d{2}) : (.+)$", re.MULTILINE)
_IGNORED_KEY_LINE = re.compile(r"^# ignoré: ([0-9a-f]{16})$", re.MULTILINE)
_RASA_FORMAT_VERSION = "3.1"

# Why a group is listed, as the page and the terminal say it.
REASONS = {
    "not_understood": "non compris",
    "unknown_answer": "réponse absente des sources",
    "hesitant": "hésitation du modèle",
    "rated_unhelpful": "réponse jugée inutile par le visiteur",
}


# Plain French labels of the intents that have no button title (actions/topic_registry.py titles the others).
OTHER_TITLES = {
    "greet": "Salutation (bonjour…)",
    "goodbye": "Au revoir",
    "thank": "Remerciement",
    "bot_challenge": "« Êtes-vous un robot ? »",
    "out_of_scope": "Hors sujet",
    "ask_issuer": "Qui a décerné ce label ?",
    "ask_year": "En quelle année ?",
    "inform": "Le visiteur précise quelque chose (sans question)",
    "distress": "Détresse (harcèlement, violence, idées noires…)",
    "ask_referral": "À orienter ailleurs (droit du travail, salaire, CV à rédiger…)",
    "ask_detail": "Un détail de ce dont on parle (combien, quand, où…)",
    "go_back": "Revenir à une question précédente",
    "switch_language": "Changer de langue (« in English please »)",
    "empty_message": "Message vide",
    "rate_answer": "Avis sur la réponse (👍 / 👎)",
    "ask_more": "En savoir plus",
    FALLBACK_INTENT: "Non compris",
}
NEED = "ask_need"
# How the full list of choices is grouped: the centre's topics, the visitor's needs, two questions, the rest.
_CENTRE_TOPICS = frozenset(
    {topic.entry.intent for topic in Topic}
    | {"ask_history", "ask_centres", "ask_labels", "ask_network", "ask_practical_details", "ask_issuer", "ask_year"}
)
_NEEDS = frozenset({NEED, "ask_referral", "distress"})
CHOICE_GROUPS = ("Les sujets du centre", "Les besoins du visiteur", "Deux questions dans un message", "Autre")


def topic_title(intent: str) -> str:
    """The French title of an intent, as the staff read it: "Est-ce gratuit ?" for ask_free, "Est-ce gratuit ?
    + Est-ce anonyme ?" for a two-question prediction; an intent nobody titled yet keeps its id."""
    if intent in BUTTON_TITLES["fr"]:
        return BUTTON_TITLES["fr"][intent]
    if intent in OTHER_TITLES:
        return OTHER_TITLES[intent]
    if "+" in intent:
        return " + ".join(topic_title(part) for part in intent.split("+"))
    return intent


def percent(share: float) -> str:
    """A share as French writes it: "92 %" (with a no-break space)."""
    return f"{round(share * 100)}\u00a0%"


def choice_groups(intents: Iterable[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The intents a maintainer may choose, as (group heading, [(intent, title)...]), by title in each group."""
    grouped: dict[str, list[tuple[str, str]]] = {heading: [] for heading in CHOICE_GROUPS}
    for intent in intents:
        if intent in _CENTRE_TOPICS:
            heading = CHOICE_GROUPS[0]
        elif intent in _NEEDS:
            heading = CHOICE_GROUPS[1]
        elif "+" in intent:
            heading = CHOICE_GROUPS[2]
        else:
            heading = CHOICE_GROUPS[3]
        grouped[heading].append((intent, topic_title(intent)))
    return [(heading, sorted(choices, key=lambda choice: choice[1].lower())) for heading, choices in grouped.items()
            if choices]  # fmt: skip


def shortened(text: str, limit: int = 160) -> str:
    """The text on one line, cut at a word under `limit` characters, with "…"."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.") + " …"


def spoken(text: str) -> str:
    """A visitor's message as a reviewer reads it, shortened: « the words », or what a button's payload
    ("/ask_free") stands for."""
    payload = re.match(r"/([\w+]+)", text)
    if payload is None:
        return f"« {shortened(text)} »"
    if payload.group(1) == "greet":
        return "ouvre la fenêtre de discussion"
    return f"clique sur « {topic_title(payload.group(1))} »"


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
    # The bot's other guesses after `predicted_intent`, with their confidences (the NLU's ranking).
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    # The context of one of its messages: the bot's answer, the visitor's message before and its answer.
    answer: str = ""
    previous_text: str = ""
    previous_answer: str = ""

    def guesses(self, intents: Iterable[str]) -> list[str]:
        """The bot's likeliest intents for the message, among `intents`, at most 3, likeliest first."""
        allowed = set(intents)
        ranked = [self.predicted_intent, *(intent for intent, _ in self.likely_alternatives)]
        return [intent for intent in dict.fromkeys(ranked) if intent in allowed][:3]

    @property
    def likely_alternatives(self) -> list[tuple[str, float]]:
        """The other guesses worth showing (5 % or more)."""
        return [(intent, share) for intent, share in self.alternatives if share >= MIN_GUESS]

    @property
    def understood(self) -> str:
        """What the bot understood, in words: "Les horaires (31 %)"."""
        return f"{topic_title(self.predicted_intent)} ({percent(self.confidence)})"

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
    decided: Iterable[str] = (),
    ignored_keys: Iterable[str] = (),
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    min_margin: float = DEFAULT_MIN_MARGIN,
) -> list[ReviewGroup]:
    """The failed messages, grouped by near duplicates, most frequent first.

    `known_texts`: messages already in the training data; `decided`: messages a maintainer ignored or added
    (they and their near duplicates are not listed again); `ignored_keys`: the fingerprints of older files.
    """
    skip = {normalised(text) for text in known_texts}
    settled = [normalised(text) for text in decided]
    skip.update(settled)
    ignored_keys = set(ignored_keys)
    # Each group: its normalised texts, and the turns in it.
    groups: list[tuple[list[str], list[tuple[Turn, list[str]]]]] = []
    for turn in conversations.turns:
        text = normalised(turn.text)
        reasons = reasons_for(turn, min_confidence, min_margin)
        if not text or turn.is_payload or not reasons or text in skip or fingerprint(turn.text) in ignored_keys:
            continue
        if any(_similar(text, other) for other in settled):
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
    text = texts.most_common(1)[0][0]
    # The context shown is that of the most recent message with the group's text.
    example = [turn for turn, _ in members if turn.text == text][-1]
    return ReviewGroup(
        text=text,
        language=languages.most_common(1)[0][0],
        count=len(members),
        predicted_intent=intents.most_common(1)[0][0],
        confidence=round(sum(turn.confidence for turn, _ in members) / len(members), 2),
        reasons=[reason for reason in REASONS if reason in reasons],
        variants=[text for text, _ in texts.most_common()],
        alternatives=example.alternatives,
        answer=example.answer,
        previous_text=example.previous_text,
        previous_answer=example.previous_answer,
    )


def choosable_intents(domain_file: Path) -> list[str]:
    """The domain's intents a maintainer may assign a message to."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = [next(iter(intent)) if isinstance(intent, dict) else str(intent) for intent in domain.get("intents", [])]
    return sorted(name for name in names if name not in _NOT_CHOOSABLE)


@dataclass
class Ignored:
    """A message a maintainer chose to ignore: its masked text, and the day of the choice."""

    day: str
    text: str


@dataclass
class ReviewedExamples:
    """One language's file of reviewed examples: examples per intent, and the ignored messages."""

    path: Path
    examples: dict[str, list[str]] = field(default_factory=dict)
    ignored: list[Ignored] = field(default_factory=list)
    # The fingerprints of ignored messages an older file holds, kept as they are.
    ignored_keys: list[str] = field(default_factory=list)

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
        ignored = [Ignored(day, text.strip()) for day, text in _IGNORED_LINE.findall(content)]
        return cls(path, examples, ignored, _IGNORED_KEY_LINE.findall(content))

    def add(self, intent: str, text: str) -> bool:
        """Adds the example unless the file already has it (for any intent); says whether it did."""
        if any(normalised(text) == normalised(known) for known in self.all_texts()):
            return False
        self.examples.setdefault(intent, []).append(text)
        return True

    def ignore(self, text: str, today: date) -> None:
        line = _one_line(text)
        if all(normalised(line) != normalised(known.text) for known in self.ignored):
            self.ignored.append(Ignored(today.isoformat(), line))

    def all_texts(self) -> list[str]:
        return [text for texts in self.examples.values() for text in texts]

    def decided_texts(self) -> list[str]:
        """The messages decided on: added as examples, or ignored."""
        return self.all_texts() + [known.text for known in self.ignored]

    def write(self) -> None:
        lines = [
            "# Exemples relus par les mainteneurs (page de relecture ou `make review`) : messages réels de",
            "# visiteurs, masqués, avec l'intention choisie. Fichier écrit par staff/review.py ; on peut le",
            "# corriger à la main (retirer un exemple, changer d'intention).",
            f'version: "{_RASA_FORMAT_VERSION}"',
            "nlu:" if self.examples else "nlu: []",
        ]
        for intent in sorted(self.examples):
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {_one_line(text)}" for text in self.examples[intent]]
        if self.ignored or self.ignored_keys:
            lines += [
                "# Messages ignorés (masqués), avec le jour où ils l'ont été : la relecture ne les propose plus.",
                "# Retirer une ligne pour qu'un message soit de nouveau proposé.",
            ]
            lines += [f"# ignoré le {known.day} : {known.text}" for known in self.ignored]
            lines += [f"# ignoré: {key}" for key in self.ignored_keys]
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


def apply_decisions(
    data_dir: Path,
    groups: list[ReviewGroup],
    decisions: dict[str, str],
    intents: list[str],
    today: date | None = None,
) -> int:
    """Writes the chosen intents of the groups (by key) into the reviewed files; returns how many it added.

    A decision is an intent of `intents`, or IGNORE; anything else is refused (ValueError).
    """
    today = today or date.today()
    files = reviewed_files(data_dir)
    added = 0
    by_key = {group.key: group for group in groups}
    for key, decision in decisions.items():
        group = by_key.get(key)
        if group is None:
            continue
        target = files.get(group.language, files["fr"])
        if decision == IGNORE:
            target.ignore(group.text, today)
        elif decision in intents:
            added += target.add(decision, group.text)
        else:
            raise ValueError(f"unknown intent {decision!r}")
    for reviewed in files.values():
        if reviewed.examples or reviewed.ignored or reviewed.ignored_keys or reviewed.path.exists():
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
        decided=[text for reviewed in files.values() for text in reviewed.decided_texts()],
        ignored_keys=[key for reviewed in files.values() for key in reviewed.ignored_keys],
        min_confidence=settings.min_confidence,
        min_margin=settings.min_margin,
    )


LANGUAGES = {"fr": "FR", "en": "EN"}
LANGUAGE_NAMES = {"fr": "en français", "en": "en anglais"}


def describe(group: ReviewGroup) -> str:
    """One group on one line, in words: how often, the message, its language, what the bot understood, why."""
    reasons = ", ".join(REASONS[reason] for reason in group.reasons)
    language = LANGUAGES.get(group.language, group.language.upper())
    return f"{group.count} × « {group.text} » ({language}) — le bot a compris : {group.understood} — {reasons}"


def context_lines(group: ReviewGroup) -> list[str]:
    """The turn before the message and the bot's answer to it, shortened."""
    lines = []
    if group.previous_text or group.previous_answer:
        before = f"le visiteur {spoken(group.previous_text)}" if group.previous_text else ""
        answer = f"bot « {shortened(group.previous_answer)} »" if group.previous_answer else ""
        lines.append("Juste avant : " + " ; ".join(part for part in (before, answer) if part))
    else:
        lines.append("Juste avant : rien (premier message de la conversation)")
    lines.append(f"Réponse du bot : « {shortened(group.answer)} »" if group.answer else "Réponse du bot : aucune")
    return lines


def review_in_terminal(
    settings: ReviewSettings, ask: Callable[[str], str] = input, say: Callable[[str], Any] = print
) -> int:
    """`make review`: each group in turn; the maintainer types the number of a topic (the bot's guesses are
    shown with theirs), `b` (un besoin), `h` (hors sujet), `i` (ignorer), `l` (la liste des sujets), Entrée
    (plus tard) or `q` (enregistrer et quitter). An intent's id is accepted too."""
    intents = choosable_intents(settings.domain_file)
    groups = load_review(settings)
    if not groups:
        say("Rien à relire : aucun message en échec qui ne soit déjà dans les données d'entraînement.")
        return 0
    numbered = [intent for _, choices in choice_groups(intents) for intent, _ in choices]
    number_of = {intent: str(number) for number, intent in enumerate(numbered, start=1)}

    def show_topics() -> None:
        for heading, choices in choice_groups(intents):
            say(f"  {heading} :")
            say("\n".join(f"    {number_of[intent]:>3}. {title}" for intent, title in choices))

    say(f"{len(groups)} groupes de messages à relire. Les sujets, par numéro :")
    show_topics()
    shortcuts = {"b": NEED, "h": OUT_OF_SCOPE, "i": IGNORE}
    decisions: dict[str, str] = {}
    for number, group in enumerate(groups, start=1):
        say(f"\n[{number}/{len(groups)}] {describe(group)}")
        for line in context_lines(group):
            say(f"    {line}")
        guesses = "   ".join(f"{number_of[intent]} = {topic_title(intent)}" for intent in group.guesses(intents))
        say(f"    Sujets probables : {guesses or 'aucun'}")
        while True:
            answer = ask(
                "Numéro du sujet (b = un besoin, h = hors sujet, i = ignorer, l = liste des sujets, "
                "Entrée = plus tard, q = quitter) : "
            ).strip()
            if answer == "l":
                show_topics()
                continue
            choice = shortcuts.get(answer, answer)
            if choice.isdigit() and 0 < int(choice) <= len(numbered):
                choice = numbered[int(choice) - 1]
            if choice in ("", "q") or choice in intents or choice == IGNORE:
                break
            say(f"« {answer} » n'est pas un numéro de sujet ni un choix proposé.")
        if choice == "q":
            break
        if choice:
            decisions[group.key] = choice
            say(f"    → {'ignoré' if choice == IGNORE else topic_title(choice)}")
    added = apply_decisions(settings.data_dir, groups, decisions, intents)
    files = " ou ".join(f"data/{path}" for path in REVIEWED_FILES.values())
    say(f"{added} exemple(s) ajouté(s) à {files}. Ensuite : make train, puis make evaluate.")
    return 0


def main(argv: list[str] | None = None) -> int:
    return review_in_terminal(settings_from_environment(argv))


if __name__ == "__main__":
    sys.exit(main())
