"""An intent classifier that learns each intent on its own and answers several at once.

Visitors often ask two things in one message ("c'est gratuit et anonyme ?"). Rasa's multi-intents name such
a message by the joined intents (`ask_free+ask_anonymous`, data/nlu/multi.yml) and its classifiers learn
that joined name as one more label, apart from its parts: the few dozen examples of each pair then compete
with the hundreds of each of its parts. Here every example teaches the intents it contains (a two-question
example is an example of both), one yes/no logistic regression per intent (one-vs-rest), and a message is
given the set of intents, among those the training data joins, that is likeliest: a pair wins when the
second intent is itself likely enough (`pair_threshold`, set in config.yml). In 5-fold cross-validation on
this project's data, this and the features below raised the intent macro-F1 from 0.86 (Rasa's
`LogisticRegressionClassifier`) and 0.85 (DIET) to about 0.90 (docs/performance.md).

Features: the sparse sentence features of the pipeline's featurizers, each featurizer's block weighted by
TF-IDF (sublinear counts, unit length) on its own, so that the many character n-grams do not drown the words.

The confidences form one distribution over the intents of the training data, joined ones included: the score
of a set of intents is the sum of their log-odds, normalised over the sets the data knows. The ranking is
then read by `FallbackClassifier` (threshold and ambiguity) as any classifier's.

At run time the fitted weighting and regressions are applied as arrays (`_LinearScorer`): the same figures as
scikit-learn's `transform` and `predict_proba`, in one sparse product per featurizer, where scikit-learn's
checks on every call took 4.3 ms of each message (most of the NLU's 7.3 ms; docs/performance.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import numpy.typing as npt
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

logger = logging.getLogger(__name__)

MODEL_FILE = "multi_label_intents.joblib"
# Rasa's symbol between the intents of a multi-intent label (also the tokenizers' `intent_split_symbol`).
SPLIT_SYMBOL = "+"


def label_scores(
    probabilities: npt.NDArray[np.float64], intents: list[str], labels: list[str], pair_threshold: float = 0.5
) -> npt.NDArray[np.float64]:
    """One confidence per label (an intent or intents joined by `+`), summing to 1: the likelihood that the
    message holds exactly that label's intents, each intent independent of the others, normalised over the
    labels. Only log-odds matter: log p(set) = sum of log(1 - p) over all intents + sum of the set's log-odds.
    A joined label pays the log-odds of `pair_threshold` for each intent beyond the first: its second intent
    must be that likely for the pair to win (0.5: more likely than not)."""
    label_intents = _label_intents(intents, labels)
    return np.asarray(
        _scores(probabilities[np.newaxis, :], label_intents, _penalties(label_intents, pair_threshold))[0]
    )


def _penalties(label_intents: npt.NDArray[np.float64], pair_threshold: float) -> npt.NDArray[np.float64]:
    """Per label: the log-odds of `pair_threshold` for each of its intents beyond the first."""
    log_odds = float(np.log(pair_threshold) - np.log1p(-pair_threshold))
    return np.asarray(log_odds * (label_intents.sum(axis=1) - 1.0))


def _label_intents(intents: list[str], labels: list[str]) -> npt.NDArray[np.float64]:
    """labels x intents: 1 where the label holds the intent."""
    column = {intent: index for index, intent in enumerate(intents)}
    incidence = np.zeros((len(labels), len(intents)))
    for row, label in enumerate(labels):
        for intent in label.split(SPLIT_SYMBOL):
            incidence[row, column[intent]] = 1.0
    return incidence


def _scores(
    probabilities: npt.NDArray[np.float64], label_intents: npt.NDArray[np.float64], penalties: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """label_scores for each row of `probabilities` (messages x intents): messages x labels."""
    clipped = np.clip(probabilities, 1e-9, 1 - 1e-9)
    scores = (np.log(clipped) - np.log1p(-clipped)) @ label_intents.T - penalties
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return np.asarray(scores / scores.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class _LinearScorer:
    """The fitted TF-IDF weightings and one-vs-rest regressions as arrays, for `process`."""

    idfs: list[npt.NDArray[np.float64]]  # per featurizer block
    offsets: list[int]  # where each block's columns start among the regressions' features
    weights: npt.NDArray[np.float64]  # features x intents
    intercepts: npt.NDArray[np.float64]  # intents
    label_intents: npt.NDArray[np.float64]  # labels x intents
    penalties: npt.NDArray[np.float64]  # labels: what a joined label pays (label_scores)

    @classmethod
    def of(cls, weightings: list[TfidfTransformer], classifier: OneVsRestClassifier, intents: list[str],
           labels: list[str], pair_threshold: float) -> _LinearScorer:  # fmt: skip
        estimators: list[LogisticRegression] = classifier.estimators_
        # Features x intents, each feature's row contiguous: a block's rows are then a slice that scipy's
        # product reads in place (a strided one it copied whole, 6 MB, at every message).
        weights = np.ascontiguousarray(np.vstack([estimator.coef_ for estimator in estimators]).T)
        # Each regression keeps a view of its column: the matrix costs no memory of its own.
        for column, estimator in enumerate(estimators):
            estimator.coef_ = weights[:, column][np.newaxis, :]
        idfs = [np.asarray(weighting.idf_, dtype=np.float64) for weighting in weightings]
        offsets = np.cumsum([0] + [len(idf) for idf in idfs[:-1]]).tolist()
        label_intents = _label_intents(intents, labels)
        return cls(idfs, offsets, weights, np.array([e.intercept_[0] for e in estimators]),
                   label_intents, _penalties(label_intents, pair_threshold))  # fmt: skip

    def probabilities(self, blocks: list[scipy.sparse.csr_matrix]) -> npt.NDArray[np.float64]:
        """messages x intents: as `predict_proba` of the regressions on the blocks weighted as
        TfidfTransformer(sublinear_tf=True) does (1 + log of the counts, times idf, rows of unit length)."""
        decision = np.tile(self.intercepts, (blocks[0].shape[0], 1))
        for block, idf, offset in zip(blocks, self.idfs, self.offsets, strict=True):
            weighted = block.astype(np.float64, copy=True)
            weighted.data = (np.log(weighted.data) + 1.0) * idf[weighted.indices]
            inplace_csr_row_normalize_l2(weighted)
            decision += weighted @ self.weights[offset : offset + len(idf)]
        return np.asarray(1.0 / (1.0 + np.exp(-decision)))

    def scores(self, blocks: list[scipy.sparse.csr_matrix]) -> npt.NDArray[np.float64]:
        """messages x labels: label_scores of each message."""
        return _scores(self.probabilities(blocks), self.label_intents, self.penalties)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MultiLabelIntentClassifier(IntentClassifier, GraphComponent):
    """One-vs-rest logistic regression over the intents; multi-intent labels are sets of intents."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Inverse regularisation of each intent's regression: 30 did best in cross-validation (3 to 100).
            "C": 30.0,
            # How likely a second intent must be for a joined label (ask_free+ask_audience) to win.
            "pair_threshold": 0.5,
            "max_iter": 1000,
            "random_state": 42,
            LABEL_RANKING_LENGTH: 10,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        # Set by train() or load(); None: untrained (no intent examples), the component then sets nothing.
        self.origins: list[str] = []
        self.weightings: list[TfidfTransformer] = []
        self.binarizer: MultiLabelBinarizer | None = None
        self.classifier: OneVsRestClassifier | None = None
        self.labels: list[str] = []
        self._scorer: _LinearScorer | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultiLabelIntentClassifier:
        return cls(config, model_storage, resource)

    @staticmethod
    def _sentence_features(message: Message) -> dict[str, scipy.sparse.spmatrix]:
        """The message's sparse sentence features of its text, by featurizer."""
        return {
            str(feature.origin): feature.features
            for feature in message.features
            if feature.attribute == TEXT and feature.type == FEATURE_TYPE_SENTENCE and feature.is_sparse()
        }

    def _blocks(self, messages: list[Message]) -> list[scipy.sparse.csr_matrix]:
        """One matrix per featurizer (rows: messages); a featurizer a message lacks gives a zero row."""
        features = [self._sentence_features(message) for message in messages]
        blocks = []
        for index, origin in enumerate(self.origins):
            # A message without this featurizer's features (an empty text) has a zero row of the fitted width.
            widths = [found[origin].shape[1] for found in features if origin in found]
            width = widths[0] if widths else len(self.weightings[index].idf_)
            rows = [found.get(origin, scipy.sparse.csr_matrix((1, width))) for found in features]
            blocks.append(scipy.sparse.vstack(rows).tocsr())
        return blocks

    def train(self, training_data: TrainingData) -> Resource:
        examples = [example for example in training_data.intent_examples if example.get(INTENT) and example.get(TEXT)]
        if not examples:
            logger.debug("No intent examples: %s is not trained.", self.__class__.__name__)
            return self._resource
        self.origins = sorted({origin for example in examples for origin in self._sentence_features(example)})
        self.weightings = [TfidfTransformer(sublinear_tf=True) for _ in self.origins]
        blocks = self._blocks(examples)
        matrix = scipy.sparse.hstack(
            [weighting.fit_transform(block) for weighting, block in zip(self.weightings, blocks, strict=True)]
        ).tocsr()
        self.labels = sorted({str(example.get(INTENT)) for example in examples})
        self.binarizer = MultiLabelBinarizer()
        targets = self.binarizer.fit_transform([str(example.get(INTENT)).split(SPLIT_SYMBOL) for example in examples])
        self.classifier = OneVsRestClassifier(
            LogisticRegression(
                C=self.config["C"],
                class_weight="balanced",
                max_iter=self.config["max_iter"],
                random_state=self.config["random_state"],
            )
        ).fit(matrix, targets)
        self.persist()
        self._prepare_scorer()
        return self._resource

    def _prepare_scorer(self) -> None:
        if self.classifier is not None and self.binarizer is not None:
            intents = [str(intent) for intent in self.binarizer.classes_]
            self._scorer = _LinearScorer.of(
                self.weightings, self.classifier, intents, self.labels, self.config["pair_threshold"]
            )

    def process(self, messages: list[Message]) -> list[Message]:
        if self._scorer is None or not messages:
            return messages
        for message, scores in zip(messages, self._scorer.scores(self._blocks(messages)), strict=True):
            ranking = [
                {"name": self.labels[index], "confidence": float(scores[index])} for index in np.argsort(-scores)
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            length = self.config[LABEL_RANKING_LENGTH]
            message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            joblib.dump(
                {
                    "origins": self.origins,
                    "weightings": self.weightings,
                    "binarizer": self.binarizer,
                    "classifier": self.classifier,
                    "labels": self.labels,
                },
                model_dir / MODEL_FILE,
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MultiLabelIntentClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                saved = joblib.load(model_dir / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.debug("No trained %s in the model: it sets no intent.", cls.__name__)
            return component
        component.origins = saved["origins"]
        component.weightings = saved["weightings"]
        component.binarizer = saved["binarizer"]
        component.classifier = saved["classifier"]
        component.labels = saved["labels"]
        component._prepare_scorer()
        return component
