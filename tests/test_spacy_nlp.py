"""rasa_extensions/spacy_nlp.py: Rasa's SpacyNLP without the spaCy components the pipeline does not use."""

from __future__ import annotations

from unittest.mock import MagicMock

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from rasa_extensions.spacy_nlp import SpacyNLP


def test_it_loads_the_tokenizer_alone():
    component = SpacyNLP.create({"model": "fr_core_news_sm"}, MagicMock(), MagicMock(), MagicMock())
    language = component.provide().model
    assert language.pipe_names == []
    # spaCy's French tokenizer, the one thing the pipeline uses: elisions split, hyphenated words kept.
    assert [token.text for token in language("l'adresse d'Aix-en-Provence ?")] == [
        "l'",
        "adresse",
        "d'",
        "Aix-en-Provence",
        "?",
    ]


def test_rasas_tokenizer_and_featurizer_find_it_as_their_model_provider():
    # Rasa links SpacyTokenizer to the component whose class is named "SpacyNLP".
    assert SpacyNLP.__name__ == "SpacyNLP"
    assert DefaultV1Recipe._from_registry("SpacyNLP").clazz is SpacyNLP
