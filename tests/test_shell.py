"""The advisers' shell (`cdm-run shell`, ops/run.py and ops/shell.py) goes through the visitors' REST channel,
built by Rasa from the same credentials, with no tracker store. The terminal itself: tests/e2e/test_shell.py."""

from __future__ import annotations

import aiohttp
import yaml
from rasa.core.channels import console as console_channel
from rasa.core.run import create_http_input_channels

from ops import run, shell
from rasa_extensions.input_channels import _SENDER_ID, VisitorRestInput
from tests.conftest import PROJECT_ROOT


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def shell_command() -> list[str]:
    settings = run.Settings.from_environment("shell")
    return run.shell_server_command(settings, "/tmp/shell-endpoints.yml")


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
    assert "--enable-api" not in command


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


def test_the_shell_stops_with_a_message_when_the_rasa_server_stops_answering(monkeypatch, capsys):
    async def server_gone(*_: object, **__: object) -> int:
        raise aiohttp.ClientConnectionError("Connection refused")

    monkeypatch.setattr(console_channel, "record_messages", server_gone)
    assert shell.main(["http://127.0.0.1:9"]) == 1
    assert "ERROR: the Rasa server did not answer (Connection refused)" in capsys.readouterr().err


def test_the_shell_talks_to_the_visitors_channel_without_stream(monkeypatch):
    calls: list[dict[str, object]] = []

    async def console(sender_id: str, **options: object) -> int:
        calls.append({"sender_id": sender_id, **options})
        return 0

    monkeypatch.setattr(console_channel, "record_messages", console)
    assert shell.main(["http://127.0.0.1:5005"]) == 0
    (call,) = calls
    assert call["server_url"] == "http://127.0.0.1:5005" and call["use_response_stream"] is False
