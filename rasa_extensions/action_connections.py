"""Open connections to the action server, kept between turns.

Rasa 3.6's `EndpointConfig.request` opens a new aiohttp `ClientSession` for every request, and with it a
new connection pool: every custom action call opened a TCP connection to the action server, then closed it.
Here the sessions of one event loop share one pool (`connector_owner=False`: closing a session leaves the
pool and its open connections), so a call reuses an idle keep-alive connection. The headers, the
authentication, the timeout and the request itself stay Rasa's.

Idle connections are closed after `KEEPALIVE_S`, before the action server's own keep-alive timeout (Sanic's
default, 5 s) would close them under a request being sent.

`apply()` is called when the Rasa server builds the input channels of `rasa_extensions.input_channels`,
at start, before any message; their blueprints close the pool when the server stops (`close_pool`).
"""

from __future__ import annotations

import asyncio

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from sanic import Sanic

KEEPALIVE_S = 3.0

_rasa_session = EndpointConfig.session
# One pool per event loop: a pool belongs to the loop it was made in (the Rasa server has one).
_pools: dict[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = {}


def _pool(loop: asyncio.AbstractEventLoop) -> aiohttp.TCPConnector:
    pool = _pools.get(loop)
    if pool is None or pool.closed:
        for other in [other for other in _pools if other.is_closed()]:
            del _pools[other]  # the pools of loops that ended (tests run several)
        pool = _pools[loop] = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S)
    return pool


def _session(self: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's session, on the event loop's shared pool."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not in a coroutine: Rasa's own session
        session: aiohttp.ClientSession = _rasa_session(self)
        return session
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=_pool(loop),
        connector_owner=False,
    )


def apply() -> None:
    EndpointConfig.session = _session


def applied() -> bool:
    return EndpointConfig.session is _session


async def close_pool(_app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
    """Closes the loop's pool and its connections when the server stops: left to the garbage collector, asyncio
    logs an "Unclosed connector" error at every stop."""
    pool = _pools.pop(loop, None)
    if pool is not None:
        await pool.close()
