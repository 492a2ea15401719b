"""Each bot message reaches the visitor whole (one bubble, its markdown intact), with its language."""

from __future__ import annotations

from typing import Any

from actions.followups import ActionAnswerFollowup
from actions.language import tag_language
from actions.topic_registry import Topic
from actions.topics import topic_action
from rasa_extensions.input_channels import VisitorSocketIOOutput, WholeMessageCollector, widget_markdown
from tests.conftest import make_tracker, run_action_with_events

ANSWER = "Oui, c'est gratuit.\n\n- sans rendez-vous\n- anonyme\n\nSource : [citedesmetiers.fr](https://www.citedesmetiers.fr)"


class FakeSocketServer:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict[str, Any], str]] = []

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        self.emitted.append((event, data, room))


async def test_the_widget_gets_a_message_whole_with_its_language():
    server = FakeSocketServer()
    output = VisitorSocketIOOutput(server, "bot_uttered")
    await output.send_text_message("visitor", ANSWER + "\n", metadata={"language": "en"})
    [(event, data, room)] = server.emitted
    assert (event, room) == ("bot_uttered", "visitor")
    assert data["text"] == ANSWER
    assert data["metadata"] == {"language": "en", "customCss": {"style": "class", "css": "cdm-lang-en"}}


async def test_quick_replies_come_with_the_whole_message():
    server = FakeSocketServer()
    output = VisitorSocketIOOutput(server, "bot_uttered")
    buttons = [{"title": "En savoir plus", "payload": "/ask_more"}]
    await output.send_text_with_buttons("visitor", ANSWER, buttons, metadata={"language": "fr"})
    [(_, data, _)] = server.emitted
    assert data["text"] == ANSWER
    assert data["quick_replies"] == [{"content_type": "text", "title": "En savoir plus", "payload": "/ask_more"}]
    assert data["metadata"]["customCss"]["css"] == "cdm-lang-fr"


async def test_a_message_of_unknown_language_carries_no_class():
    server = FakeSocketServer()
    await VisitorSocketIOOutput(server, "bot_uttered").send_text_message("visitor", "Bonjour")
    assert server.emitted[0][1] == {"text": "Bonjour"}


async def test_rest_replies_are_whole_messages_too():
    collector = WholeMessageCollector()
    await collector.send_text_message("visitor", ANSWER)
    assert [message["text"] for message in collector.messages] == [ANSWER]


async def test_an_action_tags_its_messages_with_the_turn_language():
    messages, _ = await run_action_with_events(
        topic_action(Topic.FREE), make_tracker("is it free?", "ask_free", language="en")
    )
    assert [message["metadata"] for message in messages] == [{"language": "en"}]


async def test_an_action_that_switches_language_tags_its_messages_with_the_new_one():
    tracker = make_tracker("en anglais svp", "switch_language", language="fr")
    messages, events = await run_action_with_events(ActionAnswerFollowup(), tracker)
    assert {"event": "slot", "name": "language", "value": "en"} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events
    ]
    assert messages and all(message["metadata"] == {"language": "en"} for message in messages)


def test_tagging_keeps_other_metadata():
    messages: list[dict[str, Any]] = [{"text": "x", "metadata": {"kept": True}}]
    tag_language(messages, [])
    assert messages[0]["metadata"] == {"kept": True, "language": "fr"}


def test_lists_start_and_end_at_a_blank_line_for_the_widget():
    text = "Ce que je sais :\n- un\n- deux\nVous pouvez aussi :\n- trois\n\nSource : x"
    assert widget_markdown(text) == "Ce que je sais :\n\n- un\n- deux\n\nVous pouvez aussi :\n\n- trois\n\nSource : x"


async def test_the_widget_gets_lists_it_can_render():
    server = FakeSocketServer()
    await VisitorSocketIOOutput(server, "bot_uttered").send_text_message("visitor", "Intro :\n- un\nFin")
    assert server.emitted[0][1]["text"] == "Intro :\n\n- un\n\nFin"
