"""rasa_extensions/spacy_nlp.py: Rasa's SpacyNLP without the spaCy components the pipeline does not use."""

from __future__ import annotations

from unittest.mock import MagicMock

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from rasa_extensions.spacy_nlp import SpacyNLP


def test_it_loads_only_what_the_pipeline_uses():
    component = SpacyNLP.create({"model": "fr_core_news_sm"}, MagicMock(), MagicMock(), MagicMock())
    language = component.provide().model
    assert language.pipe_names == ["tok2vec", "morphologizer", "attribute_ruler"]
    tags = {token.text: token.pos_ for token in language("Avez-vous un centre à Gap ?")}
    assert tags["centre"] == "NOUN"  # the part of speech LexicalSyntacticFeaturizer uses is still there


def test_rasas_tokenizer_and_featurizer_find_it_as_their_model_provider():
    # Rasa links SpacyTokenizer and SpacyFeaturizer to the component whose class is named "SpacyNLP".
    assert SpacyNLP.__name__ == "SpacyNLP"
    assert DefaultV1Recipe._from_registry("SpacyNLP").clazz is SpacyNLP
