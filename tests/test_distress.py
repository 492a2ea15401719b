"""The floor under the intent classifier for people in distress (rasa_extensions/distress.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_extensions.distress import DistressFloor, is_distress


@pytest.mark.parametrize(
    "text",
    [
        "je n'en peux plus, je veux mourir",
        "jen peux plu jai envie d'en finir",
        "mon chef me harcèle tous les jours",
        "mon responsable m'a frappé hier",
        "I want to kill myself",
        "everyone would be better off without me",
        "I can't go on like this",
        "my manager keeps bullying me",
        "I just wanted to say goodbye to everyone, thanks for trying",
        "c'est mon dernier message, merci pour tout",
        "j'ai peur de faire une bêtise ce soir",
        "I'm scared of what I might do tonight",
        "bye, I won't bother anyone anymore",
        "au revoir, vous n'aurez plus jamais de mes nouvelles",
    ],
)
def test_words_of_distress_are_found(text):
    assert is_distress(text)


@pytest.mark.parametrize(
    "text",
    [
        "je cherche une formation de cariste",
        "pardon faute de frappe, Gap",
        "je suis en burn out et je veux me reconvertir",
        "whats the point of the Cité des Métiers label for people like me",
        "je ne peux plus venir samedi, vous ouvrez quand ?",
        "ok goodbye, thanks for the help",
        "merci, au revoir et à bientôt",
        "mon cactus est en train de crever",
        "je veux sauter le pas et me reconvertir",
        "bye, see you next week!",
        "adieu, c'est gratuit chez vous ?",
    ],
)
def test_ordinary_questions_are_left_to_the_classifier(text):
    assert not is_distress(text)


def test_the_floor_sets_distress_over_the_classifier_and_leaves_other_messages_alone():
    floor = DistressFloor()
    hidden = Message(
        {TEXT: "je vois plus d'issue, à quoi bon chercher", INTENT: {"name": "ask_need", "confidence": 0.8}}
    )
    plain = Message({TEXT: "c'est gratuit ?", INTENT: {"name": "ask_free", "confidence": 0.9}})
    hidden.set(INTENT_RANKING_KEY, [{"name": "ask_need", "confidence": 0.8}])
    floor.process([hidden, plain])
    assert hidden.get(INTENT) == {"name": "distress", "confidence": 1.0}
    assert hidden.get(INTENT_RANKING_KEY)[1]["name"] == "ask_need"
    assert plain.get(INTENT)["name"] == "ask_free"
