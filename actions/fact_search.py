"""A search over the facts, for the questions the intents fall short on: the closest stored answer, as Rasa Pro's
extractive search gives it, with no language model.

Each fact of the knowledge file (and each step of the history, and the network's presentation) is learnt from its
French and English texts and from the ways visitors ask for it (`asked:`), against the questions no source
answers: a linear classifier (scikit-learn) over TF-IDF character n-grams and words, so that SMS spelling, missing
accents and typos still meet their fact. A question gets the likeliest fact when its score is at least `MIN_SCORE`
and above the unanswerable questions' by `MIN_MARGIN`, or nothing: the thresholds were chosen on
cross-validation of the `asked` phrasings (`python -m devtools.search_threshold`), never on the held-out
questions. A question that names a label, a centre or the network is only answered with a fact about it.

Pure Python: no Rasa here; actions/search.py is the action.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.svm import LinearSVC

from actions.knowledge.base import Knowledge
from actions.knowledge.schema import Detail, Language
from actions.knowledge.text import normalise

# A fact is said only when the classifier scores it at least this, and this much above the questions no source
# answers. See the module's docstring for how they were chosen.
MIN_SCORE = 0.1
MIN_MARGIN = 0.0
# In place of a topic's whole answer (actions/pinpoint.py), a fact needs the score at which the classifier picks
# it on its own: a wrong pick there replaces an answer that may have been right.
MIN_PINPOINT_SCORE = 0.0
# The questions no source answers: the training examples of these intents (data/nlu/, both languages).
NLU_FOLDER = Path(__file__).resolve().parent.parent / "data" / "nlu"
UNANSWERABLE_INTENTS = ("out_of_scope", "ask_practical_details")
_UNANSWERABLE = -1
# The intents whose answer is a whole topic (the list of labels, the timeline, the network): their examples that
# name nothing ("vos labels ?") teach the search what a question about a whole topic looks like, so that it is not
# taken for a question about the nearest fact (actions/pinpoint.py).
WHOLE_TOPIC_INTENTS = (
    "ask_labels", "ask_history", "ask_network", "ask_conditions", "ask_audience", "ask_services", "ask_advisers",
)  # fmt: skip
_ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")
# Words that make any two questions alike ("quel est", "what is", "vous"): left out of the comparison.
_FUNCTION_WORDS = frozenset(
    "a au aux ce c ca cela d de des du elle elles en est et etait il ils j je l la le les leur leurs lui m ma me "
    "mes moi mon n ne nous on ou pas par pour qu que quel quelle quelles quels qui quoi s sa se ses son sont sur "
    "t ta te tes toi ton tu un une vos votre vous y bonjour svp stp merci "
    "an and are be can could did do does for from has have how i in is it its me my of on or please tell the this "
    "to was what which who you your".split()
)
# The ids the history's steps and the network's presentation are searched under.
HISTORY_PREFIX = "history_"
NETWORK_ENTRY = "network"
# What an entry that no label, centre or the network refers to is about.
ORGANISATION = "organisation"


@dataclass(frozen=True)
class Entry:
    """What the search can answer with: a fact, a step of the history or the network's presentation."""

    id: str
    text: str
    text_en: str
    source: str
    asked: tuple[str, ...]
    # What it is about: "label:<id>", "centre:<id>", "network", or "organisation".
    about: frozenset[str]

    def text_in(self, language: Language) -> str:
        return self.text_en if language == "en" else self.text


@dataclass(frozen=True)
class Found:
    entry: Entry
    # The classifier's decision score for the entry (above 0: the classifier would pick it on its own).
    score: float
    # How much higher than the score of the questions no source answers.
    margin: float


@dataclass(frozen=True)
class Verdict:
    """What the search makes of a question: the entry that answers it (None to abstain), and whether its classifier
    takes the question for one no source answers."""

    found: Found | None
    not_held: bool


def _about(knowledge: Knowledge) -> dict[str, set[str]]:
    """The things each fact is said of, from the references of the knowledge file."""
    about: dict[str, set[str]] = {}

    def mark(fact_ids: Iterable[str], thing: str) -> None:
        for fact_id in fact_ids:
            about.setdefault(fact_id, set()).add(thing)

    for label in knowledge.labels:
        mark([*label.facts, *label.details.values()], f"label:{label.id}")
    for centre in knowledge.centres:
        if centre.kind == "associated":
            mark([*centre.facts, *centre.details.values()], f"centre:{centre.id}")
    mark(knowledge.network.details.values(), NETWORK_ENTRY)
    for place in knowledge.network.places:
        mark(place.facts, NETWORK_ENTRY)
    return about


def entries_of(knowledge: Knowledge) -> list[Entry]:
    """Every entry the search can answer with."""
    about = _about(knowledge)
    entries = [
        Entry(
            fact_id,
            fact.text,
            fact.text_en,
            fact.source,
            tuple(fact.asked),
            frozenset(about.get(fact_id) or {ORGANISATION}),
        )  # fmt: skip
        for fact_id, fact in knowledge.all_facts().items()
    ]
    entries += [
        Entry(
            f"{HISTORY_PREFIX}{event.year}",
            event.text,
            event.text_en,
            event.source,
            tuple(event.asked),
            frozenset({ORGANISATION, NETWORK_ENTRY}),
        )  # fmt: skip
        for event in knowledge.history
    ]
    network = knowledge.network
    entries.append(
        Entry(
            NETWORK_ENTRY,
            network.text,
            network.text_en,
            network.source,
            tuple(network.asked),
            frozenset({NETWORK_ENTRY}),
        )  # fmt: skip
    )
    return entries


class FactSearch:
    """A classifier of questions into the entries and the class of questions no source answers; `best` answers a
    question or abstains."""

    def __init__(
        self,
        entries: list[Entry],
        unanswerable: Iterable[str] = (),
        whole_topic: Iterable[str] = (),
        ended: Callable[[], frozenset[str]] = frozenset,
    ) -> None:
        self.entries = entries
        # The ids of the facts past their end date now (`Knowledge.ended_facts`): learnt, never answered with.
        self._ended = ended
        owners: list[int] = []
        texts: list[str] = []
        for index, entry in enumerate(entries):
            for text in (entry.text, entry.text_en, *entry.asked):
                owners.append(index)
                texts.append(text)
        for text in unanswerable:
            owners.append(_UNANSWERABLE)
            texts.append(text)
        # A linear classifier rather than the closest text: it learns which words tell two entries apart
        # ("cité des métiers" is in most questions, "1999" in few).
        self._model: Pipeline | None = None
        if len(set(owners)) >= 2:
            self._model = _classifier().fit(texts, owners)
        # Apart, so that it takes nothing from the facts' scores: whether a question is about a whole topic
        # ("vos labels ?") rather than one fact ("le label diversité, c'était quand ?").
        # Against the facts' phrasings and the questions no source answers: "qui préside le réseau ?" names no
        # fact, yet asks for one detail.
        whole = list(whole_topic)
        self._whole_topic: Pipeline | None = None
        if whole and texts:
            self._whole_topic = _classifier().fit(whole + texts, [1] * len(whole) + [0] * len(texts))

    def about_whole_topic(self, question: str) -> bool:
        """Whether the question is about a whole topic rather than one fact: a single word that carries meaning
        ("le réseau ?") names a topic; otherwise, as the classifier of whole-topic questions decides."""
        if len(_meaningful(question).split()) <= 1:
            return True
        return self._whole_topic is not None and bool(self._whole_topic.decision_function([question])[0] > 0)

    def ranked(self, question: str, about: Iterable[str] | None = None) -> list[Found]:
        """Every entry (about one of `about`, when given), likeliest first, each with its score; its margin is how
        much likelier it is than the class of questions no source answers."""
        if self._model is None:
            return []
        wanted = set(about) if about is not None else None
        scores = self._model.decision_function([question])[0].tolist()
        by_owner = dict(zip(self._model.classes_.tolist(), scores, strict=True))
        unanswerable = by_owner.pop(_UNANSWERABLE, -1.0)
        ended = self._ended()
        kept = [
            owner
            for owner in by_owner
            if (wanted is None or self.entries[owner].about & wanted) and self.entries[owner].id not in ended
        ]
        order = sorted(kept, key=lambda owner: by_owner[owner], reverse=True)
        return [Found(self.entries[owner], by_owner[owner], by_owner[owner] - unanswerable) for owner in order]

    def look_up(self, question: str, about: Iterable[str] | None = None, min_score: float = MIN_SCORE) -> Verdict:
        """What the search makes of the question, from one ranking of the entries (about one of `about`, when
        given)."""
        ranked = self.ranked(question, about) if _meaningful(question) else []
        if not ranked:
            return Verdict(None, not_held=False)
        top = ranked[0]
        found = top if top.score >= min_score and top.margin >= MIN_MARGIN else None
        # The class of questions no source answers: likelier than every entry, and likely enough on its own.
        return Verdict(found, not_held=top.margin < 0 <= top.score - top.margin)

    def best(self, question: str, about: Iterable[str] | None = None, min_score: float = MIN_SCORE) -> Found | None:
        """The entry that answers the question, or None when none is likely enough to say."""
        return self.look_up(question, about, min_score).found


# What a fact's text holds without a `details:` entry naming it: a year says when, a month the date (the sources
# date nothing more finely than a day), an address on the web the website.
_YEAR_IN_TEXT = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH_IN_TEXT = re.compile(
    r"\b(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|january|february|"
    r"march|april|june|july|august|september|october|november|december)\b"
)
_WEB_ADDRESS = re.compile(r"https?://|\bwww\.|\b[a-z-]+\.(?:fr|com|org|net)\b")
_SAID_BY_A_YEAR = frozenset({"year", "founded", "opened"})


def details_held(knowledge: Knowledge, entry: Entry) -> frozenset[str]:
    """The details (`details:` ids) an entry answers: those the knowledge file maps to it for any thing, and those its
    text says (a year, a month, a website)."""
    maps = [knowledge.organisation.details, knowledge.network.details]
    maps += [centre.details for centre in knowledge.centres] + [label.details for label in knowledge.labels]
    held = {detail for details in maps for detail, fact_id in details.items() if fact_id == entry.id}
    text = normalise(entry.text)
    if _YEAR_IN_TEXT.search(text):
        held |= _SAID_BY_A_YEAR
    if _MONTH_IN_TEXT.search(text):
        held.add("date")
    if _WEB_ADDRESS.search(entry.text.lower()):  # the dots are in the text, not in its folded form
        held.add("website")
    return frozenset(held)


def detail_not_held(knowledge: Knowledge, entry: Entry, question: str) -> Detail | None:
    """The detail the question asks that the entry does not say, when it says none of those asked ("le jour exact ?"
    of a fact dated by its year): the entry is then what the sources hold, not the answer."""
    asked = knowledge.details_in(question)
    if not asked:
        return None
    held = details_held(knowledge, entry)
    return None if any(detail.id in held for detail in asked) else asked[0]


# The organisation's own name says nothing of which fact is asked: "marseille" in "la cité des métiers de
# marseille, c'est quoi ?" is not a question about its address.
_OWN_NAME = re.compile(r"\b(cite des metiers|cdm) (de )?marseille\b")


def _classifier() -> Pipeline:
    """A linear SVM over character n-grams within words, and words and pairs of words, of the words that carry
    meaning: "aliance", "diversite" and "diversity" still meet, and "quel est" or "what is" do not make two
    questions alike."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), preprocessor=_meaningful, sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), preprocessor=_meaningful, sublinear_tf=True),
    )
    return make_pipeline(features, LinearSVC(C=1.0, random_state=0))


def _meaningful(text: str) -> str:
    return " ".join(
        word for word in _OWN_NAME.sub("cite des metiers", normalise(text)).split() if word not in _FUNCTION_WORDS
    )


def _examples(intents: Iterable[str], nlu_folder: Path, annotated: bool = True) -> list[str]:
    """The training examples of these intents, both languages, as plain text; with `annotated` False, only those
    that name no entity. None when the training data is not there."""
    wanted = set(intents)
    questions: list[str] = []
    for path in sorted(nlu_folder.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if block.get("intent") in wanted:
                lines = [line.strip() for line in str(block.get("examples") or "").splitlines()]
                items = [line[2:] for line in lines if line.startswith("- ")]
                questions += [
                    _ANNOTATION.sub(r"\1", item) for item in items if annotated or not _ANNOTATION.search(item)
                ]
    return questions


def unanswerable_questions(knowledge: Knowledge, nlu_folder: Path = NLU_FOLDER) -> list[str]:
    """The questions no source answers: the knowledge file's `not_held_asked` (about the centre, close to the
    facts), and the examples of the intents of such questions."""
    return [*knowledge.not_held_asked, *_examples(UNANSWERABLE_INTENTS, nlu_folder)]


def whole_topic_questions(nlu_folder: Path = NLU_FOLDER) -> list[str]:
    """Questions about a whole topic that name nothing in it ("vos labels ?", "racontez votre histoire")."""
    return _examples(WHOLE_TOPIC_INTENTS, nlu_folder, annotated=False)


@lru_cache(maxsize=4)
def search_of(knowledge: Knowledge) -> FactSearch:
    """The search over one knowledge base, built once per process."""
    return FactSearch(
        entries_of(knowledge), unanswerable_questions(knowledge), whole_topic_questions(), knowledge.ended_facts
    )


def things_named(knowledge: Knowledge, text: str) -> list[str]:
    """What a question names, as the `about` of the entries: its labels, its associated centres, the network."""
    # `labels_in` already takes "la Cité des Métiers" alone for the organisation, not its label.
    things = [f"label:{label.id}" for label in knowledge.labels_in(text)]
    things += [f"centre:{centre.id}" for centre in knowledge.centres_in(text) if centre.kind == "associated"]
    if knowledge.names_network(text):
        things.append(NETWORK_ENTRY)
    return things


def asks_whole_topic(knowledge: Knowledge, text: str) -> bool:
    """Whether `text` asks about a whole topic ("vos labels ?") rather than one fact."""
    return search_of(knowledge).about_whole_topic(text)


def look_up(
    knowledge: Knowledge, text: str, about: Iterable[str] | None = None, min_score: float = MIN_SCORE
) -> Verdict:
    """What the search makes of `text`, among the entries about `about`, else about what the text names."""
    wanted = list(about or []) or things_named(knowledge, text)
    return search_of(knowledge).look_up(text, wanted or None, min_score)


def found_fact(
    knowledge: Knowledge, text: str, about: Iterable[str] | None = None, min_score: float = MIN_SCORE
) -> Found | None:
    """The entry that answers `text`, among those about `about`, else about what the text names; None to abstain."""
    return look_up(knowledge, text, about, min_score).found
