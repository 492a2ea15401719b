"""The advisers' shell (`cdm-run shell`, ops/run.py and ops/shell.py) goes through the visitors' REST channel,
built by Rasa from the same credentials, with no tracker store; its console shows each answer whole and buttons
as numbered choices. The terminal itself: tests/e2e/test_shell.py."""

from __future__ import annotations

import io
import json
import re
import signal
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml
from rasa.core.run import create_http_input_channels

from ops import processes, run, shell, shell_server
from rasa_extensions.input_channels import _SENDER_ID, VisitorRestInput
from tests.conftest import PROJECT_ROOT, with_a_model


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def shell_command() -> list[str]:
    settings = run.Settings.from_environment("shell")
    return run.shell_server_command(settings, "/tmp/shell-endpoints.yml", "models/a-model.tar.gz")


def test_the_shell_server_has_the_visitors_rest_channel_only_with_its_credentials():
    command = shell_command()
    # What `rasa run --connector ... --credentials ...` builds, with Rasa's own function.
    (channel,) = create_http_input_channels(
        option(command, "--connector"), str(PROJECT_ROOT / option(command, "--credentials"))
    )
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert type(channel) is VisitorRestInput  # guarded; not Rasa's `cmdline` channel, which is not
    assert channel.website == credentials[run.VISITORS_REST_CHANNEL]["website"]


def test_the_shell_server_keeps_no_conversation_and_listens_on_loopback_only():
    command = shell_command()
    assert option(command, "--endpoints") == "/tmp/shell-endpoints.yml"
    assert option(command, "--interface") == "127.0.0.1"
    assert option(command, "--model") == "models/a-model.tar.gz"  # the model the state file names


def test_the_shell_servers_api_token_is_on_no_command_line(monkeypatch):
    """The API (for the topic line) is on, with a token the keeper writes on the server's stdin: `ps` shows
    every command line to every user of the computer."""
    command = shell_command()
    assert command[1:5] == ["-m", "ops.shell_server", "rasa", "run"]
    assert "--enable-api" in command and not any(argument.startswith("--auth-token") for argument in command)
    ran: list[list[str]] = []
    monkeypatch.setattr("rasa.__main__.main", lambda: ran.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["shell_server"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-secret\n"))
    assert shell_server.main(command[3:]) == 0
    assert ran == [["rasa", *command[4:], "--auth-token=a-secret"]]
    # No token, no server: an empty --auth-token would leave the API open.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert shell_server.main(command[3:]) == 2 and len(ran) == 1


def test_the_shell_endpoints_are_the_visitors_action_server_without_a_tracker_store():
    endpoints = yaml.safe_load(run.shell_endpoints(5055))
    visitors = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints.keys() == {"action_endpoint"}  # conversations in memory: no tracker_store, nor any store
    expected = {
        **visitors["action_endpoint"],
        "url": visitors["action_endpoint"]["url"].replace("${ACTIONS_PORT}", "5055"),
    }
    assert endpoints["action_endpoint"] == expected


def test_the_shell_conversation_id_is_one_the_visitors_channel_accepts():
    first, second = shell.conversation_id(), shell.conversation_id()
    assert _SENDER_ID.fullmatch(first) and first != second


# A visitor's long answer, as the bot writes it: a source link whose address is longer than a terminal line.
LONG_ANSWER = (
    "La Cité des Métiers de Marseille et de Provence-Alpes-Côte d'Azur est un espace de conseils et de "
    "ressources, gratuit et anonyme, au service de tous les publics en recherche de repères, d'orientation et "
    "d'information sur les métiers et la vie professionnelle, avec des ateliers chaque semaine.\n"
    "Source : [citedesmetiers.fr](https://www.citedesmetiers.fr/qui-sommes-nous/nos-missions-et-nos-services-"
    "au-quotidien-pour-tous-les-publics)"
)
FEEDBACK = [
    {"title": "👍 Utile", "payload": '/rate_answer{"rating": "helpful"}'},
    {"title": "👎 Pas utile", "payload": '/rate_answer{"rating": "not_helpful"}'},
]


def test_a_long_answer_is_wrapped_at_spaces_with_every_word_kept():
    text = shell.terminal_text(LONG_ANSWER)
    lines = shell.wrapped(text, 80)
    assert len(LONG_ANSWER) > 300 and len(lines) > 4
    assert " ".join(lines).split() == text.split()  # no word cut, none dropped
    address = (
        "https://www.citedesmetiers.fr/qui-sommes-nous/nos-missions-et-nos-services-au-quotidien-pour-tous-les-publics"
    )
    assert address in lines  # longer than the line: alone on its own, whole
    assert all(len(line) <= 80 for line in lines if line != address)
    assert "Provence-Alpes-Côte d'Azur" in " ".join(lines)  # never broken at a hyphen


def test_a_list_item_goes_on_indented_past_its_mark():
    lines = shell.wrapped("Au choix :\n- " + "un atelier de recherche d'emploi " * 4, 40)
    assert lines[0] == "Au choix :" and lines[1].startswith("- un atelier")
    assert all(line.startswith("  ") for line in lines[2:])


class FakeServer:
    """The Rasa server as the console sees it: the visitors' webhook and, for the topic, the tracker."""

    def __init__(self, answers: list[list[dict[str, Any]]], intents: list[dict[str, Any]] | None = None) -> None:
        self.answers, self.intents = answers, intents or []
        self.sent: list[dict[str, Any]] = []
        self.screen: list[str] = []

    def post(self, url: str, body: Any) -> Any:
        assert url == "http://127.0.0.1:5005/webhooks/rest/webhook"
        self.sent.append(body)
        return self.answers.pop(0)

    def get(self, url: str) -> Any:
        assert re.fullmatch(
            r"http://127\.0\.0\.1:5005/conversations/conseiller-\w+/tracker\?include_events=NONE&token=t0k", url
        )
        return {"latest_message": self.intents.pop(0)}

    def console(self, token: str | None = None) -> shell.Console:
        return shell.Console(
            "http://127.0.0.1:5005", token, post=self.post, get=self.get, write=self.screen.append, width=lambda: 80
        )


def typing(*lines: str) -> Any:
    """An adviser typing `lines`, then Ctrl-D."""
    typed = iter(lines)

    def read(prompt: str) -> str:
        assert prompt == shell.PROMPT
        line = next(typed, None)
        if line is None:
            raise EOFError
        return line

    return read


def test_buttons_are_numbered_choices_and_a_number_sends_its_payload():
    more = [{"title": "En savoir plus", "payload": "/ask_more"}]
    server = FakeServer([
        [{"recipient_id": "x", "text": LONG_ANSWER, "buttons": [*FEEDBACK, *more]}],
        [{"recipient_id": "x", "text": "Ses missions…"}],
        [{"recipient_id": "x", "text": "Oui, c'est gratuit."}],
    ])  # fmt: skip
    assert server.console().run(typing("c'est quoi la cité des métiers ?", "3", "3")) == 0
    screen = "\n".join(server.screen)
    assert "  1. 👍 Utile\n  2. 👎 Pas utile\n  3. En savoir plus" in screen
    assert "rate_answer" not in screen and "/ask_more" not in screen
    assert [body["message"] for body in server.sent] == ["c'est quoi la cité des métiers ?", "/ask_more", "3"]
    assert "  → En savoir plus" in server.screen  # the choice, as sent
    assert len({body["sender"] for body in server.sent}) == 1  # one conversation


def test_the_whole_answer_is_shown_wrapped_to_the_terminal():
    server = FakeServer([[{"recipient_id": "x", "text": LONG_ANSWER}]])
    server.console().run(typing("c'est quoi ?"))
    answer = server.screen[1:]
    assert " ".join(answer).split() == shell.terminal_text(LONG_ANSWER).split()


def test_the_topic_line_shows_the_title_the_intent_and_its_confidence():
    server = FakeServer(
        [[{"recipient_id": "x", "text": "Oui."}]] * 4,
        [
            {"message_id": "1", "intent": {"name": "ask_free", "confidence": 0.934}},
            {"message_id": "2", "intent": {"name": "ask_free+ask_anonymous", "confidence": 0.71}},
            {"message_id": "3", "intent": {"name": "nlu_fallback", "confidence": 0.3}},
            {"message_id": "3", "intent": {"name": "nlu_fallback", "confidence": 0.3}},  # stopped by the guard
        ],
    )
    server.console(token="t0k").run(typing("gratuit ?", "gratuit et anonyme ?", "bof", "x" * 3000))
    topics = [line for line in server.screen if line.startswith("[compris")]
    assert topics == [
        "[compris : Est-ce gratuit ? (ask_free, 0.93)]",
        "[compris : Est-ce gratuit ? + Est-ce anonyme ? (ask_free+ask_anonymous, 0.71)]",
        "[compris : nlu_fallback, 0.30]",
        "[compris : rien (le message n'a pas été analysé)]",
    ]


def test_no_topic_line_without_the_option():
    server = FakeServer([[{"recipient_id": "x", "text": "Oui."}]])
    server.console().run(typing("gratuit ?"))
    assert not [line for line in server.screen if line.startswith("[compris")]


@pytest.mark.parametrize("quit_with", [typing("/stop"), typing()], ids=["/stop", "Ctrl-D"])
def test_the_shell_stops_with_status_0(quit_with):
    server = FakeServer([])
    assert server.console().run(quit_with) == 0 and server.sent == []


def test_ctrl_c_stops_the_shell_with_status_0():
    def ctrl_c(_: str) -> str:
        raise KeyboardInterrupt

    assert FakeServer([]).console().run(ctrl_c) == 0


class Webhook(BaseHTTPRequestHandler):
    """A real HTTP server's webhook: the console's own requests, as sent."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Webhook.received.append({"path": self.path, **body})
        answer = json.dumps([{"recipient_id": body["sender"], "text": "Oui.", "buttons": FEEDBACK}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Webhook.received = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_shell_posts_to_the_visitors_webhook(webhook, capsys):
    assert shell.main([webhook], read=typing("c'est gratuit ?", "2")) == 0
    first, second = Webhook.received
    assert first["path"] == second["path"] == "/webhooks/rest/webhook"
    assert first["message"] == "c'est gratuit ?" and second["message"] == '/rate_answer{"rating": "not_helpful"}'
    assert first["sender"] == second["sender"] and _SENDER_ID.fullmatch(first["sender"])
    assert "  2. 👎 Pas utile" in capsys.readouterr().out


def test_the_shell_stops_with_one_line_when_the_rasa_server_stops_answering(capsys):
    gone = "http://127.0.0.1:9"  # nothing listens there
    assert shell.main([gone], read=typing("c'est gratuit ?")) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("ERREUR : le serveur Rasa ne répond plus (") and "\n" not in error, error


def test_cdm_run_shell_topic_turns_the_topic_line_on(monkeypatch):
    started: list[run.Settings] = []
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # the test process keeps its own handlers

    def started_with(runner: run.Runner) -> int:
        started.append(runner.settings)
        return 0

    monkeypatch.setattr(run.Runner, "run", started_with)

    def shows_topic(args: list[str]) -> bool:
        assert run.main(args) == 0
        return started[-1].show_topic

    assert shows_topic(["shell", "--topic"]) and not shows_topic(["shell"])
    monkeypatch.setenv("SHOW_TOPIC", "1")
    assert shows_topic(["shell"])
    assert run.main(["serve", "--topic"]) == 2


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


def test_the_shell_never_talks_to_a_rasa_server_it_did_not_start(monkeypatch, capsys, tmp_path):
    """A Rasa server already on RASA_PORT (`make run`) keeps its conversations: the shell refuses to start."""
    monkeypatch.setattr(shell_server, "SHELL_FOLDER", tmp_path)
    with_a_model(tmp_path, monkeypatch)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("RASA_PORT", str(server.server_address[1]))
        runner = run.Runner(run.Settings.from_environment("shell"))
        with pytest.raises(processes.StartFailed, match="un serveur Rasa répond déjà sur le port"):
            runner.talk_in_shell()
        assert runner.children == [] and "Démarrage" not in capsys.readouterr().out
    finally:
        server.shutdown()
        server.server_close()
