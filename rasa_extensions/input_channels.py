"""The REST and Socket.IO input channels visitors talk through, declared in `credentials.yml`.

They keep Rasa's URLs and message formats (`/webhooks/rest/webhook`, `/socket.io`) and add what a
public, anonymous service needs: every message goes through `rasa_extensions.guard` (cleaning, masking of
personal data, rate and length limits, apology on failure), the REST webhook answers malformed requests with a
clear 400 instead of a server error, and the Socket.IO server admits only the configured web origins.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_extensions import action_connections, action_response_check, gc_freeze, session_start, settings
from rasa_extensions.guard import GuardedHandler, MessageHandler, guarded
from rasa_extensions.rate_limit import server_rate_limits

logger = logging.getLogger(__name__)

# Conversation ids are opaque: letters, digits and a few separators (no "@": never an e-mail address).
_SENDER_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")

# Web pages allowed to reach the Rasa server (the same setting as `rasa run --cors`), space-separated.
CORS_ORIGINS_ENV = "CORS_ORIGINS"


class BadRequest(InvalidUsage):
    """A 400 whose message says, in French, what is wrong with the request."""


@dataclass(frozen=True)
class _RestMessage:
    sender: str
    text: str


def _parse_rest_message(request: Request) -> _RestMessage:
    example = 'attendu : {"sender": "un-identifiant", "message": "votre question"}'
    try:
        payload = request.json
    except InvalidUsage:
        raise BadRequest(f"Le corps de la requête n'est pas du JSON valide ({example}).") from None
    if not isinstance(payload, dict):
        raise BadRequest(f"Le corps de la requête doit être un objet JSON ({example}).")
    sender, text = payload.get("sender"), payload.get("message")
    if not isinstance(sender, str) or not _SENDER_ID.fullmatch(sender):
        raise BadRequest(
            "Le champ « sender » est obligatoire : un identifiant de conversation de 1 à 128 caractères "
            f"(lettres, chiffres, « _ . : - ») ; {example}."
        )
    if not isinstance(text, str):
        raise BadRequest(f"Le champ « message » est obligatoire et doit être un texte ; {example}.")
    return _RestMessage(sender=sender, text=text)


class _GuardedChannel(InputChannel):
    """A channel whose messages go through the guard; `website` (credentials.yml) is named in its apology."""

    website: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        # The Rasa server builds its channels at start, before any message: the moment to install the fixes
        # of action_response_check.py and action_connections.py (idempotent: each channel applies them).
        action_response_check.apply()
        action_connections.apply()
        session_start.apply()
        channel = super().from_credentials(credentials)
        channel.website = (credentials or {}).get("website")
        return channel

    def guard(self, on_new_message: MessageHandler) -> GuardedHandler:
        return guarded(on_new_message, self.website, server_rate_limits())


def _listen_to_the_server(blueprint: Blueprint) -> None:
    """What the channels do when the server has started and when it stops (each channel's blueprint asks: the
    second finds nothing left to do)."""
    blueprint.listener(gc_freeze.freeze, "after_server_start")
    blueprint.listener(action_connections.close_pool, "after_server_stop")


def client_address(request: Request) -> str | None:
    """The client's address: the one a trusted reverse proxy forwards (`remote_addr`, when Sanic is told to
    trust it, `SANIC_PROXIES_COUNT`), else the connection's."""
    return request.remote_addr or request.ip or None


# The address of the Socket.IO client whose message is being handled: Rasa's handler builds the message
# and calls the guard within the same task, so the value set before calling it is the one the guard reads.
_SOCKET_CLIENT: ContextVar[str | None] = ContextVar("socket_client", default=None)


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")


def widget_markdown(text: str) -> str:
    """The bot's text as markdown that rasa-webchat renders as written: a list starts and ends at a blank line
    (markdown would glue a line after a list onto its last item). Its other line breaks the widget shows as they
    are (web/style.css)."""
    lines: list[str] = []
    for line in text.strip().split("\n"):
        if (
            lines
            and lines[-1].strip()
            and line.strip()
            and bool(_LIST_ITEM.match(line)) != bool(_LIST_ITEM.match(lines[-1]))
        ):
            lines.append("")
        lines.append(line)
    return "\n".join(lines)


def _quick_replies(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"content_type": "text", "title": button["title"], "payload": button["payload"]} for button in buttons]


def _widget_metadata(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The message's language (set by the actions and the domain's responses), for the widget: a class that
    rasa-webchat puts on the message's bubble, from which web/chat.js sets `lang` and its own texts' language."""
    language = (kwargs.get("metadata") or {}).get("language")
    if language not in ("fr", "en"):
        return {}
    return {"metadata": {"language": language, "customCss": {"style": "class", "css": f"cdm-lang-{language}"}}}


class WholeMessageCollector(CollectingOutputChannel):
    """Rasa's REST output, with each bot message whole: Rasa's channels cut a message at each blank line, one
    bubble per paragraph, which parts an answer from its list and its sources line (`actions.replies`)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class VisitorSocketIOOutput(SocketIOOutput):
    """Rasa's Socket.IO output, with each bot message whole (one bubble, its markdown as rasa-webchat renders it)
    and its language."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": widget_markdown(text), **_widget_metadata(kwargs)})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        message = {"text": widget_markdown(text), "quick_replies": _quick_replies(buttons), **_widget_metadata(kwargs)}
        await self._send_message(recipient_id, message)


class VisitorRestInput(_GuardedChannel, RestInput):
    """Rasa's REST channel (`POST /webhooks/rest/webhook`), strict about its input and guarded."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        handle = self.guard(on_new_message)
        webhook = Blueprint("visitor_rest_webhook", __name__)
        _listen_to_the_server(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            message = _parse_rest_message(request)
            collector = WholeMessageCollector()
            user_message = UserMessage(message.text, collector, message.sender, input_channel=self.name())
            await handle(user_message, client_address(request))
            return response.json(collector.messages)

        return webhook


def allowed_origins() -> list[str]:
    return settings.load().allowed_origins


class VisitorSocketIOInput(_GuardedChannel, SocketIOInput):
    """Rasa's Socket.IO channel (the website widget), guarded, and closed to other websites' pages.

    Rasa 3.6 turns the Socket.IO server's origin check off, and browsers apply no CORS rule to a
    WebSocket: without a check, any website could hold conversations with the bot from its visitors'
    browsers. Connections from a page whose origin is not in `CORS_ORIGINS` are refused. (The check is
    made at connection rather than by the Engine.IO server's own CORS option, which would add a second
    Access-Control-Allow-Origin header to Sanic's, and browsers reject a response with two.)
    """

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Any]) -> Blueprint:
        handle = self.guard(on_new_message)

        async def handle_with_client(message: UserMessage) -> None:
            # Rasa's handler builds the message with its own output channel: ours sends each message whole.
            if isinstance(message.output_channel, SocketIOOutput):
                message.output_channel = VisitorSocketIOOutput(
                    message.output_channel.sio, message.output_channel.bot_message_evt
                )
            await handle(message, _SOCKET_CLIENT.get())

        webhook: Blueprint = super().blueprint(handle_with_client)
        _listen_to_the_server(webhook)
        namespace = self.namespace or "/"
        rasa_handle_message = self.sio.handlers[namespace][self.user_message_evt]

        @self.sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: dict[str, Any]) -> None:
            request = self.sio.get_environ(sid, namespace=namespace).get("sanic.request")
            _SOCKET_CLIENT.set(client_address(request) if request is not None else None)
            await rasa_handle_message(sid, data)

        origins = allowed_origins()
        if not origins:
            logger.warning("%s is empty: the Socket.IO channel accepts pages from any website.", CORS_ORIGINS_ENV)
            return webhook
        rasa_connect = self.sio.handlers[namespace]["connect"]

        @self.sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None = None) -> bool:
            # Browsers always send their page's origin; other clients (scripts, apps) send none.
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin not in origins:
                logger.warning("Socket.IO connection refused: its web page's origin is not allowed.")
                return False
            accepted: bool = await rasa_connect(sid, environ, auth)
            return accepted

        return webhook
