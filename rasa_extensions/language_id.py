"""The language of a visitor's message, French or English, as an entity `language` that fills the slot of the
same name (domain.yml): the actions and the responses then answer in it.

Lingua (`lingua-language-detector`) identifies the language: its statistical models ship inside its package,
nothing is downloaded, and it is made for short texts. Only French and English are compared. Names carry no
language ("Antibes", "label SPO", "Cité des Métiers" in an English sentence), so the entities the NLU found,
the organisation's name and the few words of the domain both languages write alike ("centre", "label", "CV")
are left out first. A short message says little: the fewer its words, the
surer Lingua must be ("ok", "hello", "merci" and "SPO ?" set nothing). When unsure, the component sets no
entity and the slot keeps the language of the conversation so far (French at its start).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ENTITY = "language"
LANGUAGES = {Language.FRENCH: "fr", Language.ENGLISH: "en"}
# The confidence Lingua must reach for a message of 1, 2, and 3 or more words: measured on the held-out
# examples of both languages (results/summary.md gives the accuracy).
DEFAULT_MIN_CONFIDENCE = [0.9, 0.8, 0.6]
_WORD = re.compile(r"[^\W\d_]+")
# The organisation's name, in the spellings visitors use: a French name, in any language's sentence.
_NAMES = re.compile(r"\bcit[ée]s?\s+des\s+m[ée]tiers?\b", re.IGNORECASE)
# Words of the domain written alike in French and English: they say nothing of the language ("Do you have a
# centre in Antibes?" would otherwise look half French).
_SHARED_WORDS = frozenset(
    "centre centres label labels cv bac vae cpf spo afnor parking job jobs ok contact stop".split()
)


def words_for_identification(text: str, entities: list[dict[str, Any]]) -> list[str]:
    """The message's words, without the entities' text (names), the organisation's name, the words both
    languages share, digits or signs."""
    for entity in sorted(entities, key=lambda found: -int(found.get("start", 0))):
        if "start" in entity and "end" in entity and entity.get("entity") != ENTITY:
            text = f"{text[: entity['start']]} {text[entity['end'] :]}"
    return [word for word in _WORD.findall(_NAMES.sub(" ", text)) if word.lower() not in _SHARED_WORDS]


# Short words only one of the two languages writes ("on" is in both: in neither list): when Lingua is unsure of a
# short message ("y a un parking ?" scores 0.59 English), words of one list and none of the other settle it.
_ONLY_FRENCH = frozenset(
    "je j tu il elle nous vous ils un une des le la les du au aux est c ce ces cette sont suis es ou où "
    "quel quelle quels quelles combien pourquoi comment quand qui quoi y ya pour avec sans dans sur chez mais "
    "et pas ne rien oui non merci svp stp bjr slt jsp mon ma mes votre vos faut peut peux veux voudrais".split()
)
_ONLY_ENGLISH = frozenset(
    "the is are am was do does did you your i me my we they it its what where when who why how which can could "
    "would should will please thanks thank yes no not any there this that with for of and or to in at".split()
)


# Lingua's confidence under which small words of one language alone overrule it.
MARKERS_OVERRULED_FROM = 0.8


def _by_marker_words(words: list[str]) -> str | None:
    folded = {word.lower() for word in words}
    french, english = bool(folded & _ONLY_FRENCH), bool(folded & _ONLY_ENGLISH)
    if french != english:
        return "fr" if french else "en"
    return None


class LanguageOfMessage:
    """Lingua, French against English, with the confidence needed by message length."""

    def __init__(self, min_confidence: list[float]) -> None:
        self.min_confidence = min_confidence
        self.detector: LanguageDetector = (
            LanguageDetectorBuilder.from_languages(*LANGUAGES).with_preloaded_language_models().build()
        )

    def identify(self, words: list[str]) -> tuple[str, float] | None:
        """("fr" or "en", confidence), or None when the words do not say it surely enough."""
        if not words:
            return None
        best = self.detector.compute_language_confidence_values(" ".join(words))[0]
        needed = self.min_confidence[min(len(words), len(self.min_confidence)) - 1]
        by_markers = _by_marker_words(words) if len(words) >= 2 else None
        if best.value < needed or best.language not in LANGUAGES:
            return (by_markers, needed) if by_markers else None
        if by_markers and by_markers != LANGUAGES[best.language] and best.value < MARKERS_OVERRULED_FROM:
            return by_markers, needed  # "c'est long ?": Lingua 0.61 English, but "c" and "est" are French
        return LANGUAGES[best.language], float(best.value)


@lru_cache(maxsize=1)
def _default_language_of() -> LanguageOfMessage:
    return LanguageOfMessage(DEFAULT_MIN_CONFIDENCE)


def language_of_text(text: str) -> str:
    """ "en" when a text is surely English, else "fr" (the channels' own messages, before the NLU runs)."""
    found = _default_language_of().identify(words_for_identification(text, []))
    return found[0] if found else "fr"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageIdentifier(GraphComponent, EntityExtractorMixin):
    """Adds the entity `language` ("fr" or "en") to each message whose language it is sure of."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_confidence": DEFAULT_MIN_CONFIDENCE}

    @staticmethod
    def required_packages() -> list[str]:
        return ["lingua"]

    def __init__(self, config: dict[str, Any]) -> None:
        self.language_of = LanguageOfMessage(list(config["min_confidence"]))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities: list[dict[str, Any]] = list(message.get(ENTITIES) or [])
            found = self.language_of.identify(words_for_identification(text, entities))
            if found is None:
                continue
            language, confidence = found
            entities.append(
                {
                    "entity": ENTITY,
                    "value": language,
                    "start": 0,
                    "end": len(text),
                    "confidence_entity": confidence,
                    "extractor": self.__class__.__name__,
                }
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
