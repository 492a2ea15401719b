"""Two or three questions in one message (rasa_extensions/clauses.py): where a message is cut, and when the
clauses are handled apart."""

from __future__ import annotations

from typing import Any

import pytest

from rasa_extensions.clauses import candidate_clauses, questions_in, split_on_parses


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "Depuis quand vous avez le label SPO, et est-ce que vous faites partie d'un réseau international ?",
            ["Depuis quand vous avez le label SPO", "est-ce que vous faites partie d'un réseau international ?"],
        ),
        ("c'est gratuit ? vous êtes ouverts le samedi ?", ["c'est gratuit ?", "vous êtes ouverts le samedi ?"]),
        ("is it free? and where are you?", ["is it free?", "where are you?"]),
        (
            "vous avez un centre à Gap ? et il ouvre quand ? et c'est anonyme ?",
            ["vous avez un centre à Gap ?", "il ouvre quand ?", "c'est anonyme ?"],
        ),
        # After "et" / "and" before a determiner, and after a comma and "et" / "and".
        (
            "c'est quoi vos horaires et votre numéro de téléphone",
            ["c'est quoi vos horaires", "votre numéro de téléphone"],
        ),
        ("what are your hours and your email", ["what are your hours", "your email"]),
        (
            "vos valeurs c'est quoi, et la charte diversité vous l'avez depuis quand ?",
            ["vos valeurs c'est quoi", "la charte diversité vous l'avez depuis quand ?"],
        ),
        ("c quoi la cite des metiers et elle est ou", ["c quoi la cite des metiers", "elle est ou"]),
        # No place where a new question starts, or a clause too short: the message whole.
        ("c'est gratuit et anonyme ?", ["c'est gratuit et anonyme ?"]),
        ("Bonjour, vous êtes où ?", ["Bonjour, vous êtes où ?"]),
        ("/ask_free", ["/ask_free"]),
        # The part before the cut is not a question: a topic, or the visitor's situation, then one question.
        ("the Antibes centre, where is it exactly?", ["the Antibes centre, where is it exactly?"]),
        (
            "mon fils veut passer après les cours, vous fermez à quelle heure ?",
            ["mon fils veut passer après les cours, vous fermez à quelle heure ?"],
        ),
        ("je cherche une formation et un emploi", ["je cherche une formation et un emploi"]),
        ("a ? b c ? d e ? f g ? h i ?", ["a ? b c ? d e ? f g ? h i ?"]),
    ],
)
def test_where_a_message_is_cut(text, clauses):
    assert candidate_clauses(text) == clauses


def parsed(intent: str, confidence: float = 0.9) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": confidence}}


def test_confident_distinct_questions_are_handled_apart():
    assert split_on_parses(parsed("ask_labels"), [parsed("ask_year"), parsed("ask_network")])


@pytest.mark.parametrize(
    ("whole", "clauses"),
    [
        (parsed("ask_free+ask_anonymous"), [parsed("ask_free"), parsed("ask_anonymous")]),  # its own rule answers it
        (parsed("ask_free"), [parsed("ask_free"), parsed("ask_free")]),  # one question, said twice
        (parsed("ask_centres"), [parsed("ask_centres"), parsed("inform")]),  # "... ? et à Istres ?"
        (parsed("ask_need"), [parsed("ask_need"), parsed("ask_free", 0.3)]),  # an unsure clause
        (parsed("distress"), [parsed("ask_need"), parsed("ask_free")]),  # distress is answered whole
        (parsed("ask_need"), [parsed("ask_need"), parsed("ask_capabilities")]),  # "..., can you help us?"
        (parsed("ask_free"), [parsed("ask_free"), parsed("out_of_scope")]),  # not a question the bot answers
    ],
)
def test_otherwise_the_message_is_handled_whole(whole, clauses):
    assert not split_on_parses(whole, clauses)


async def test_questions_in_asks_the_nlu_only_when_there_is_a_place_to_cut():
    asked: list[str] = []
    intents = {"is it free?": "ask_free", "where are you?": "ask_address"}

    async def parse(text: str) -> dict[str, Any]:
        asked.append(text)
        return parsed(intents.get(text, "ask_free"))

    assert await questions_in("c'est gratuit ?", parse) == ["c'est gratuit ?"]
    assert asked == []
    assert await questions_in("is it free? and where are you?", parse) == ["is it free?", "where are you?"]
    assert asked == ["is it free? and where are you?", "is it free?", "where are you?"]
