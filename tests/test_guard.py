"""The guard every visitor message goes through (rasa_extensions/guard.py), with Rasa's own message and channel
types."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_extensions.guard import guarded

WEBSITE = "https://www.citedesmetiers.fr"


class FakeRasa:
    """Stands for Rasa's message handler: records what it was given, then replies, fails or stays silent."""

    def __init__(self, behaviour: str = "reply") -> None:
        self.behaviour = behaviour
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.behaviour == "fail":
            raise ConnectionError("the action server is down")
        if self.behaviour == "reply":
            await message.output_channel.send_response(message.sender_id, {"text": "Oui, c'est gratuit."})


async def send(text: Any, rasa: FakeRasa, **message_args: Any) -> list[str]:
    collector = CollectingOutputChannel()
    await guarded(rasa, WEBSITE)(UserMessage(text, collector, "visitor-1", **message_args))
    return [message["text"] for message in collector.messages]


async def test_rasa_sees_masked_text_and_no_metadata_and_the_visitor_is_told():
    rasa = FakeRasa()
    replies = await send("mon mail jean.dupont@example.fr, c'est gratuit ?", rasa, metadata={"name": "Jean Dupont"})
    (message,) = rasa.received
    assert message.text == "mon mail [e-mail masqué], c'est gratuit ?"
    assert message.metadata is None
    assert replies[0].startswith("Pour protéger votre anonymat, j'ai effacé de votre message votre adresse e-mail")
    assert replies[1:] == ["Oui, c'est gratuit."]


async def test_a_name_is_masked_and_the_visitor_told():
    rasa = FakeRasa()
    replies = await send("je m'appelle Karim Benali, mon numéro c'est 06 12 34 56 78", rasa)
    assert rasa.received[0].text == "je m'appelle [nom masqué], mon numéro c'est [téléphone masqué]"
    assert replies[0].startswith(
        "Pour protéger votre anonymat, j'ai effacé de votre message les noms de personnes et votre numéro de téléphone"
    )


@pytest.mark.parametrize("text", ["", "   ", "???", "…", "😅🙏", " \t "])
async def test_a_message_with_nothing_to_read_is_handled_as_an_empty_message(text):
    rasa = FakeRasa()
    assert await send(text, rasa) == ["Oui, c'est gratuit."]
    assert [message.text for message in rasa.received] == ["/empty_message"]


async def test_two_confident_questions_are_handled_in_turn_and_one_reply_per_question():
    rasa = FakeRasa()
    intents = {"c'est gratuit ?": "ask_free", "vous êtes où ?": "ask_address"}

    async def parse(text: str) -> dict[str, Any]:
        return {"intent": {"name": intents.get(text, "ask_free"), "confidence": 0.9}}

    collector = CollectingOutputChannel()
    handle = guarded(rasa, WEBSITE, parse=lambda: parse)
    await handle(UserMessage("c'est gratuit ? et vous êtes où ?", collector, "visitor-1"))
    assert [message.text for message in rasa.received] == ["c'est gratuit ?", "vous êtes où ?"]
    assert len(collector.messages) == 2


async def test_a_message_without_personal_data_gets_only_the_answer():
    rasa = FakeRasa()
    assert await send("c gratuit ?", rasa) == ["Oui, c'est gratuit."]
    assert rasa.received[0].text == "c gratuit ?"


async def test_control_characters_and_lone_surrogates_never_reach_rasa():
    rasa = FakeRasa()
    await send("c\x00 gratuit\udc80 ?", rasa)
    assert rasa.received[0].text == "c gratuit? ?"


async def test_a_too_long_message_is_neither_parsed_nor_stored(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "100")
    rasa = FakeRasa()
    replies = await send("a" * 101, rasa)
    assert rasa.received == []
    assert replies == [
        "Votre message est trop long pour moi (101 caractères, 100 au plus). "
        "Pouvez-vous poser votre question en quelques phrases ?"
    ]


@pytest.mark.parametrize("behaviour", ["fail", "silent"])
async def test_a_failed_or_silent_turn_gets_an_apology_with_the_website(behaviour):
    replies = await send("c'est gratuit ?", FakeRasa(behaviour))
    assert replies == [
        "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques "
        f"minutes, ou consultez le site de la Cité des Métiers : {WEBSITE}"
    ]


async def test_without_a_configured_website_the_apology_still_comes():
    collector = CollectingOutputChannel()
    await guarded(FakeRasa("fail"))(UserMessage("c'est gratuit ?", collector, "visitor-1"))
    assert [message["text"] for message in collector.messages] == [
        "Désolé, un problème technique m'empêche de vous répondre pour le moment. Réessayez dans quelques minutes."
    ]


async def test_the_turn_after_a_failure_is_handled_normally():
    rasa = FakeRasa("fail")
    handle = guarded(rasa, WEBSITE)
    collector = CollectingOutputChannel()
    await handle(UserMessage("c'est gratuit ?", collector, "visitor-1"))
    rasa.behaviour = "reply"
    await handle(UserMessage("c'est gratuit ?", collector, "visitor-1"))
    assert [message["text"] for message in collector.messages][-1] == "Oui, c'est gratuit."


async def test_nothing_of_the_message_is_logged_when_a_turn_fails(caplog):
    caplog.set_level("DEBUG")
    rasa = FakeRasa("fail")
    await send("je suis zorglub, 06 12 34 56 78", rasa)
    assert "zorglub" in rasa.received[0].text  # not masked: a log line could have held it
    assert "A visitor's message could not be handled" in caplog.text
    assert "zorglub" not in caplog.text and "06 12" not in caplog.text
