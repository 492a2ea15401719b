"""rasa_extensions/multi_label_intents.py: one yes/no classifier per intent; a two-question message gets the
pair of intents the training data joins, a one-question message its one intent. Trained here on Rasa's own
tokenizer and featurizers, as in config.yml, saved and loaded back through Rasa's model storage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_extensions.multi_label_intents import MultiLabelIntentClassifier, label_scores

EXAMPLES = {
    "ask_free": ["c'est gratuit ?", "c gratuit", "faut payer ?", "c'est payant ?", "combien ça coûte ?"],
    "ask_anonymous": ["c'est anonyme ?", "faut donner mon nom ?", "c anonyme", "je dois dire qui je suis ?"],
    "ask_address": ["vous êtes où ?", "c'est quoi l'adresse ?", "c ou ?", "votre adresse svp"],
    "ask_free+ask_anonymous": ["c'est gratuit et anonyme ?", "faut payer et donner mon nom ?"],
}


def test_a_pair_wins_when_its_second_intent_is_more_likely_than_not():
    intents = ["ask_anonymous", "ask_free"]
    labels = ["ask_anonymous", "ask_free", "ask_free+ask_anonymous"]
    both = label_scores(np.array([0.6, 0.9]), intents, labels)
    one = label_scores(np.array([0.4, 0.9]), intents, labels)
    assert labels[int(np.argmax(both))] == "ask_free+ask_anonymous"
    assert labels[int(np.argmax(one))] == "ask_free"
    assert both.sum() == pytest.approx(1.0) and one.sum() == pytest.approx(1.0)


def test_a_pair_the_training_data_never_joins_is_never_answered():
    # Both intents are likely, but the data knows no "ask_address+ask_free": the likelier one alone.
    intents = ["ask_address", "ask_free"]
    scores = label_scores(np.array([0.8, 0.95]), intents, intents)
    assert intents[int(np.argmax(scores))] == "ask_free"


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


class Featurizers:
    """Rasa's whitespace tokenizer and two count-vector featurizers (words, characters), trained on texts."""

    def __init__(self, texts: list[str], storage: LocalModelStorage) -> None:
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.featurizers = [
            CountVectorsFeaturizer(
                {**CountVectorsFeaturizer.get_default_config(), **config},
                storage,
                Resource(name),
                ExecutionContext(GraphSchema({}), node_name=name),
            )
            for name, config in (
                ("words", {"strip_accents": "unicode", "max_ngram": 2}),
                ("characters", {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4, "strip_accents": "unicode"}),
            )
        ]
        data = TrainingData([Message.build(text=text) for text in texts])
        self.tokenizer.process_training_data(data)
        for featurizer in self.featurizers:
            featurizer.train(data)

    def __call__(self, messages: list[Message]) -> list[Message]:
        self.tokenizer.process(messages)
        for featurizer in self.featurizers:
            featurizer.process(messages)
        return messages


def test_it_learns_single_intents_and_pairs_and_survives_a_reload(storage: LocalModelStorage):
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    resource = Resource("intents")
    classifier = MultiLabelIntentClassifier.create({}, storage, resource, context)
    featurize = Featurizers([text for texts in EXAMPLES.values() for text in texts], storage)
    messages = featurize([Message.build(text=text) for texts in EXAMPLES.values() for text in texts])
    for message, intent in zip(messages, [intent for intent, texts in EXAMPLES.items() for _ in texts], strict=True):
        message.set("intent", intent)
    classifier.train(TrainingData(messages))
    assert classifier.origins == ["characters", "words"]

    loaded = MultiLabelIntentClassifier.load({}, storage, resource, context)
    texts = ["c gratuit ?", "vous êtes ou ?", "c'est gratuit et c'est anonyme ?", "c anonyme ?"]
    visitors = featurize([Message.build(text=text) for text in texts])
    loaded.process(visitors)
    predicted = [message.get("intent")["name"] for message in visitors]
    assert predicted == ["ask_free", "ask_address", "ask_free+ask_anonymous", "ask_anonymous"]
    ranking = visitors[0].get("intent_ranking")
    assert ranking[0]["name"] == "ask_free"
    assert [entry["confidence"] for entry in ranking] == sorted(
        (entry["confidence"] for entry in ranking), reverse=True
    )
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)

    # The arrays `process` scores with give scikit-learn's own figures (TF-IDF transform, predict_proba).
    blocks = loaded._blocks(visitors)
    weighted = [weighting.transform(block) for weighting, block in zip(loaded.weightings, blocks, strict=True)]
    assert loaded.classifier is not None and loaded.binarizer is not None
    probabilities = loaded.classifier.predict_proba(scipy.sparse.hstack(weighted).tocsr())
    intents = [str(intent) for intent in loaded.binarizer.classes_]
    for message, row in zip(visitors, probabilities, strict=True):
        expected = dict(zip(loaded.labels, label_scores(row, intents, loaded.labels), strict=True))
        got = {entry["name"]: entry["confidence"] for entry in message.get("intent_ranking")}
        assert got == pytest.approx(expected, abs=1e-12)


def test_an_untrained_classifier_sets_no_intent(storage: LocalModelStorage):
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    classifier = MultiLabelIntentClassifier.load({}, storage, Resource("never-trained"), context)
    message = Message.build(text="bonjour")
    classifier.process([message])
    assert message.get("intent") is None


def test_a_higher_pair_threshold_asks_more_of_the_second_intent():
    intents = ["ask_anonymous", "ask_free"]
    labels = ["ask_anonymous", "ask_free", "ask_free+ask_anonymous"]
    assert labels[int(np.argmax(label_scores(np.array([0.6, 0.9]), intents, labels, pair_threshold=0.7)))] == "ask_free"
    assert labels[int(np.argmax(label_scores(np.array([0.8, 0.9]), intents, labels, pair_threshold=0.7)))] == (
        "ask_free+ask_anonymous"
    )
