"""Rasa's `SpacyNLP`, loading only the spaCy components that the pipeline uses.

Rasa 3.6 loads every component of the spaCy model but the parser. The pipeline uses spaCy's French
tokenizer only ("l'adresse" is two tokens, "c'est-à-dire" one): since 2026-12-01 its intents and entities
come from word and character counts (config.yml), not from spaCy's contextual vectors (`tok2vec`) or parts
of speech (`morphologizer`, `attribute_ruler`), and it never used `ner` or the rule-based `lemmatizer`, whose
lookup tables alone held about 130 MB of the Rasa server's memory. Without a lemmatizer, Rasa's tokens take
the word itself as lemma. `exclude` lists what not to load: every component of fr_core_news_sm.

The class keeps Rasa's name, `SpacyNLP`: Rasa's tokenizer finds its model provider by that name.
"""

from __future__ import annotations

from typing import Any

import spacy
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

# fr_core_news_sm 3.8's components (`spacy.load(...).pipe_names` plus the parser Rasa already leaves out).
UNUSED_COMPONENTS = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "exclude": list(UNUSED_COMPONENTS)}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyNLP:
        config = {**cls.get_default_config(), **config}
        try:
            language = spacy.load(config["model"], exclude=config["exclude"])
        except OSError as error:  # as Rasa's own SpacyNLP: say which model is missing
            raise InvalidModelError(f"The spaCy model {config['model']!r} is not installed: {error}") from error
        cls.ensure_proper_language_model(language)
        return cls(SpacyModel(model=language, model_name=config["model"]), config)
