"""A stand-in for the Rasa server's Socket.IO channel that answers from a script, and the page server
(ops/serve_web.py) pointed at it: the widget's rendering, accessibility and keyboard use are tested with
every kind of message, whatever the model says today. The messages follow the bot's contract: one bubble
per message, in markdown, with `metadata.language` and the class `cdm-lang-<language>` in
`metadata.customCss`; the rating buttons are the quick replies "👍 Utile" / "👎 Pas utile"."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

import socketio
from aiohttp import web

from ops.processes import free_port
from ops.serve_web import WidgetPageHandler, make_asset

SOURCE = "Source : [citedesmetiers.fr](https://www.citedesmetiers.fr/qui-sommes-nous)"
GREETING_FR = "Bonjour ! Je suis l'assistant de la Cité des Métiers.\n\nPosez-moi une question ou choisissez un sujet."
GREETING_EN = "Hello! I am the assistant of the Cité des Métiers.\n\nAsk me a question or choose a topic."
# Each kind of answer: paragraphs, a list, line breaks in a paragraph, a link, the source line.
LIST_ANSWER = (
    "La Cité des Métiers vous aide à :\n\n- choisir un métier ;\n- trouver une formation ;\n- créer une activité.\n\n"
    + SOURCE
)
ADDRESS_ANSWER = "Nous sommes au :\n4 rue des Consuls\n13002 Marseille\n\n" + SOURCE
ENGLISH_ANSWER = "Yes, it is free:\n\n- no fee;\n- no registration.\n\nSource: [citedesmetiers.fr](https://www.citedesmetiers.fr/qui-sommes-nous)"
TOPICS = ["Être aidé dans mon projet", "Nos centres"]
RATING = {"fr": ["👍 Utile", "👎 Pas utile"], "en": ["👍 Helpful", "👎 Not helpful"]}
MORE = {"fr": "En savoir plus", "en": "Tell me more"}


def bot_message(text: str, language: str, quick_replies: list[str] | None = None) -> dict[str, Any]:
    """A message as the bot's Socket.IO channel sends it."""
    message: dict[str, Any] = {
        "text": text,
        "metadata": {"language": language, "customCss": {"style": "class", "css": f"cdm-lang-{language}"}},
    }
    if quick_replies:
        message["quick_replies"] = [
            {"content_type": "text", "title": title, "payload": f'/choice{{"title": "{title}"}}'}
            for title in quick_replies
        ]
    return message


def replies_to(message: str) -> list[dict[str, Any]]:
    """The script: the greeting, a list with a source and the rating, an address, an answer in English."""
    if message.startswith("/greet"):
        language = json.loads(message[len("/greet") :] or "{}").get("language", "fr")
        greeting = GREETING_EN if language == "en" else GREETING_FR
        return [bot_message(greeting, language, TOPICS if language == "fr" else ["Our centres"])]
    if message.startswith("/choice"):
        title = json.loads(message[len("/choice") :])["title"]
        if title in RATING["en"]:
            return [bot_message("Thank you.", "en")]
        return [bot_message("Merci.", "fr")]
    lowered = message.lower()
    if "free" in lowered or "english" in lowered:
        return [bot_message(ENGLISH_ANSWER, "en", [*RATING["en"], MORE["en"]])]
    if "adresse" in lowered:
        return [bot_message(ADDRESS_ANSWER, "fr")]
    if "aide" in lowered or "services" in lowered:
        return [bot_message(LIST_ANSWER, "fr", [*RATING["fr"], MORE["fr"]])]
    return [bot_message("Je n'ai pas compris. Reformulez votre question, s'il vous plaît.", "fr")]


@dataclass
class ScriptedBot:
    port: int
    # Seconds before the greeting goes out: a slow server, for the visitor who types at once.
    greeting_delay_s: float = 0.0
    received: list[str] = field(default_factory=list)


def _serve_bot(bot: ScriptedBot, started: threading.Event, stop: threading.Event) -> None:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    app = web.Application()
    sio.attach(app, socketio_path="/socket.io/")

    @sio.on("session_request")
    async def session_request(sid: str, data: dict[str, Any] | None) -> None:
        session_id = (data or {}).get("session_id") or uuid.uuid4().hex
        await sio.emit("session_confirm", session_id, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: dict[str, Any]) -> None:
        message = data.get("message", "")
        bot.received.append(message)
        if message.startswith("/greet") and bot.greeting_delay_s:
            await asyncio.sleep(bot.greeting_delay_s)
        for reply in replies_to(message):
            await sio.emit("bot_uttered", reply, room=sid)

    async def run() -> None:
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", bot.port).start()
        started.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        await runner.cleanup()

    asyncio.run(run())


@contextmanager
def scripted_site() -> Iterator[tuple[str, ScriptedBot]]:
    """The page server (ops/serve_web.py) on a free port, its config.js pointing at the scripted bot."""
    bot = ScriptedBot(port=free_port())
    started, stop = threading.Event(), threading.Event()
    bot_thread = threading.Thread(target=_serve_bot, args=(bot, started, stop), daemon=True)
    bot_thread.start()
    assert started.wait(10), "the scripted bot did not start"
    config = json.dumps({"socketUrl": f"http://localhost:{bot.port}", "rasaPort": bot.port})

    class ScriptedPageHandler(WidgetPageHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path.split("?", 1)[0] == "/config.js":
                self._send(make_asset(f"window.CDM_ASSISTANT = {config};\n".encode(), "text/javascript"))
            else:
                super().do_GET()

    page_server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedPageHandler)
    page_thread = threading.Thread(target=page_server.serve_forever, daemon=True)
    page_thread.start()
    try:
        yield f"http://localhost:{page_server.server_address[1]}/", bot
    finally:
        page_server.shutdown()
        page_server.server_close()
        stop.set()
        bot_thread.join(10)
