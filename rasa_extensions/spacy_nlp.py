"""Rasa's `SpacyNLP`, loading only the spaCy components that the pipeline uses.

Rasa 3.6 loads every component of the spaCy model but the parser. Of fr_core_news_sm's, the pipeline
uses the tokenizer, `tok2vec` (contextual vectors for SpacyFeaturizer), `morphologizer` and
`attribute_ruler` (part-of-speech for LexicalSyntacticFeaturizer); it does not use `ner`, nor the
rule-based `lemmatizer`, whose lookup tables alone hold about 130 MB of the Rasa server's memory
(measured: the model adds 207 MB to a process with it, 71 MB without it and `ner`). Without a
lemmatizer, Rasa's tokens take the word itself as lemma. `exclude` lists what not to load.

The class keeps Rasa's name, `SpacyNLP`: Rasa's tokenizer and featurizer find their model provider by
that name.
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


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "exclude": ["parser", "ner", "lemmatizer"]}

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
