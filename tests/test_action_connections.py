"""rasa_extensions/action_connections.py: Rasa's calls to the action server reuse open connections, with
Rasa's own request, headers and authentication."""

from __future__ import annotations

import asyncio
import base64

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from rasa_extensions import action_connections

RASA_SESSION = EndpointConfig.session  # as Rasa comes, before any test applies the change


async def calls_and_connections(endpoint: EndpointConfig, calls: int) -> tuple[list[dict], int, list[str]]:
    """`calls` requests through Rasa's `EndpointConfig.request` to a small server that counts its connections."""
    peers: set[tuple[str, int]] = set()
    authorizations: list[str] = []

    async def webhook(request: web.Request) -> web.Response:
        assert request.transport is not None
        peers.add(request.transport.get_extra_info("peername"))
        authorizations.append(request.headers.get("Authorization", ""))
        return web.json_response({"received": await request.json()})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    endpoint.url = f"http://127.0.0.1:{port}/webhook"
    try:
        replies = [await endpoint.request(json={"call": number}, method="post") for number in range(calls)]
    finally:
        await runner.cleanup()
    return replies, len(peers), authorizations


@pytest.fixture
def as_rasa_comes(monkeypatch):
    monkeypatch.setattr(EndpointConfig, "session", RASA_SESSION)


def test_rasa_opens_a_connection_per_call(as_rasa_comes):
    replies, connections, _ = asyncio.run(calls_and_connections(EndpointConfig("http://unset"), 5))
    assert [reply["received"]["call"] for reply in replies] == [0, 1, 2, 3, 4]
    assert connections == 5


def test_with_the_change_the_calls_share_one_connection(as_rasa_comes):
    action_connections.apply()
    assert action_connections.applied()
    replies, connections, _ = asyncio.run(calls_and_connections(EndpointConfig("http://unset"), 5))
    assert [reply["received"]["call"] for reply in replies] == [0, 1, 2, 3, 4]
    assert connections == 1


def test_authentication_and_headers_are_rasas(as_rasa_comes):
    action_connections.apply()
    endpoint = EndpointConfig("http://unset", basic_auth={"username": "rasa", "password": "secret"})
    _, _, authorizations = asyncio.run(calls_and_connections(endpoint, 2))
    expected = "Basic " + base64.b64encode(b"rasa:secret").decode()
    assert authorizations == [expected, expected]


def test_building_the_channels_applies_it(as_rasa_comes):
    from rasa_extensions.input_channels import VisitorRestInput

    assert not action_connections.applied()
    VisitorRestInput.from_credentials({"website": "https://example.org"})  # what the Rasa server does at start
    assert action_connections.applied()


def test_the_pool_is_closed_when_the_server_stops(as_rasa_comes):
    action_connections.apply()

    async def call_then_stop() -> bool:
        await calls_and_connections(EndpointConfig("http://unset"), 1)
        loop = asyncio.get_running_loop()
        pool = action_connections._pools[loop]
        await action_connections.close_pool(None, loop)  # type: ignore[arg-type]
        return pool.closed and loop not in action_connections._pools

    assert asyncio.run(call_then_stop())


def test_each_channel_closes_it_when_the_server_stops():
    from rasa_extensions.input_channels import VisitorRestInput, VisitorSocketIOInput

    async def ignore(_: object) -> None:
        return None

    for channel in (VisitorRestInput(), VisitorSocketIOInput()):
        listeners = channel.blueprint(ignore)._future_listeners
        assert [listener.event for listener in listeners if listener.listener is action_connections.close_pool] == [
            "after_server_stop"
        ]
