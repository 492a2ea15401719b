"""The advisers' conversation in the terminal (`cdm-run shell`, `make shell`): a small console talking to the
visitors' REST channel of a Rasa server that the runner started.

Usage: python -m ops.shell SERVER_URL [--topic TOKEN_FILE]   (e.g. http://127.0.0.1:5005)

`rasa shell` serves its console through Rasa's plain `cmdline` channel, which skips the visitors' guard
(masking, length limit, apology, the fix of action_response_check.py). Here every message goes through
`POST SERVER_URL/webhooks/rest/webhook`, the visitors' own door, so advisers see what visitors see.

Each answer is shown whole, wrapped at word boundaries to the terminal's width (Rasa's console cut a line at
the width); buttons are numbered choices, without their payloads: typing a choice's number sends its payload,
anything else is sent as typed. `--topic` shows, before each answer, the topic understood and its confidence,
read from the conversation's tracker through the Rasa server's HTTP API with the token in TOKEN_FILE (the
runner turns that API on, on loopback, for its own server only).

Exit status: 0 after /stop, Ctrl-C or Ctrl-D; 1 when the Rasa server stops answering.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actions.topic_registry import BUTTON_TITLES

PROMPT = "Vous > "
STOP = "/stop"
WELCOME = "Prêt. Écrivez un message ou le numéro d'un choix ; /stop ou Ctrl-D pour quitter."
# A turn takes well under a second; the guard's apology comes as soon as the action server is found down.
TIMEOUT_S = 120.0
# A markdown link, as the bot writes its sources: "[citedesmetiers.fr/projets](https://…)".
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
# The start of a list item, whose next lines are indented past it: "- ", "• ", "* ", "1. ", "2) ".
_ITEM = re.compile(r"\s*(?:[-•*]|\d+[.)])\s+")

Json = Any
Post = Callable[[str, Json], Json]
Get = Callable[[str], Json]


class ServerGone(Exception):
    """The Rasa server did not answer (refused, reset, timed out): the console stops."""


class Refused(Exception):
    """The Rasa server answered with an error status: the console says so and goes on."""


def terminal_text(text: str) -> str:
    """The bot's markdown as a terminal shows it: a link as its title and its address."""
    return _LINK.sub(lambda link: link[2] if link[1] in link[2] else f"{link[1]} <{link[2]}>", text)


def wrapped(text: str, width: int) -> list[str]:
    """`text`'s lines broken at spaces to fit `width` columns, every word kept: a word longer than the width
    (an address) stands alone on its line, whole. A list item's next lines are indented past its mark."""
    width = max(width, 20)
    lines: list[str] = []
    for line in text.splitlines() or [""]:
        item = _ITEM.match(line)
        indent = " " * len(item[0]) if item else line[: len(line) - len(line.lstrip())]
        lines += textwrap.wrap(
            line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        ) or [""]
    return lines


def conversation_id() -> str:
    """A new conversation at each start, with an id the visitors' channel accepts (letters, digits, '-')."""
    return f"conseiller-{uuid.uuid4().hex}"


def topic_line(latest_message: Json) -> str:
    """The topic understood, as visitors see its title on a button, then the intent and its confidence:
    "[compris : Est-ce gratuit ? (ask_free, 0.93)]"."""
    intent = (latest_message or {}).get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if not name:
        return "[compris : rien (le message n'a pas été analysé)]"
    figures = f"{name}, {confidence:.2f}" if isinstance(confidence, int | float) else str(name)
    titles = [BUTTON_TITLES["fr"].get(part) for part in str(name).split("+")]
    if all(titles):
        return f"[compris : {' + '.join(str(title) for title in titles)} ({figures})]"
    return f"[compris : {figures}]"


def _request(request: urllib.request.Request) -> Json:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise Refused(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        raise ServerGone(str(reason)) from None


def post_json(url: str, body: Json) -> Json:
    data = json.dumps(body).encode("utf-8")
    return _request(urllib.request.Request(url, data, {"Content-Type": "application/json"}, method="POST"))


def get_json(url: str) -> Json:
    return _request(urllib.request.Request(url, method="GET"))


def terminal_width() -> int:
    return shutil.get_terminal_size().columns


@dataclass
class Console:
    """One conversation: what the adviser types, sent to the visitors' channel; the answers, printed."""

    server_url: str
    token: str | None = None  # the HTTP API's, to show the topic understood; None: not shown
    sender: str = field(default_factory=conversation_id)
    post: Post = post_json
    get: Get = get_json
    write: Callable[[str], None] = print
    width: Callable[[], int] = terminal_width
    # The buttons of the last answer, (title, payload), numbered from 1 on the screen.
    choices: list[tuple[str, str]] = field(default_factory=list)
    _last_message_id: str | None = None

    def message_for(self, typed: str) -> str:
        """What a line typed sends: a choice's payload for its number, else the line itself."""
        if typed.isdigit() and 1 <= int(typed) <= len(self.choices):
            title, payload = self.choices[int(typed) - 1]
            self.write(f"  → {title}")
            return payload
        return typed

    def send(self, typed: str) -> None:
        url = f"{self.server_url.rstrip('/')}/webhooks/rest/webhook"
        answers = self.post(url, {"sender": self.sender, "message": self.message_for(typed)})
        if self.token is not None:
            self.write(self.understood())
        self.show(answers if isinstance(answers, list) else [])

    def understood(self) -> str:
        """The topic line of the message just sent, from the conversation's tracker."""
        query = urllib.parse.urlencode({"include_events": "NONE", "token": self.token})
        url = f"{self.server_url.rstrip('/')}/conversations/{self.sender}/tracker?{query}"
        try:
            latest = self.get(url).get("latest_message") or {}
        except Refused as refusal:
            return f"[compris : inconnu, l'API du serveur a refusé ({refusal})]"
        # A message the guard stopped (too long, too fast) never reaches the model: the tracker's last message
        # is then the one before.
        message_id = latest.get("message_id")
        if message_id is None or message_id == self._last_message_id:
            return topic_line({})
        self._last_message_id = message_id
        return topic_line(latest)

    def show(self, answers: list[Json]) -> None:
        """Each message whole, wrapped to the terminal; buttons as numbered choices."""
        width = self.width()
        self.choices = []
        for answer in answers:
            if isinstance(answer.get("text"), str):
                for line in wrapped(terminal_text(answer["text"]), width):
                    self.write(line)
            if answer.get("image"):
                self.write(f"Image : {answer['image']}")
            if answer.get("custom") is not None:
                self.write(json.dumps(answer["custom"], ensure_ascii=False))
            for button in answer.get("buttons") or []:
                self.choices.append((terminal_text(str(button.get("title", ""))), str(button.get("payload", ""))))
                for line in wrapped(f"{len(self.choices)}. {self.choices[-1][0]}", width - 2):
                    self.write(f"  {line}")

    def run(self, read: Callable[[str], str]) -> int:
        """Reads and sends lines until /stop, Ctrl-C or Ctrl-D (0), or until the server stops answering (1)."""
        self.write(WELCOME)
        while True:
            try:
                typed = read(PROMPT).strip()
                if typed == STOP:
                    return 0
                if typed:
                    self.send(typed)
            except (KeyboardInterrupt, EOFError):  # Ctrl-C, even while the bot answers, or Ctrl-D
                return 0
            except Refused as refusal:
                self.write(f"Le serveur Rasa a refusé ce message ({refusal}).")
            except ServerGone as gone:
                print(f"ERREUR : le serveur Rasa ne répond plus ({gone}) ; le terminal s'arrête.", file=sys.stderr)
                return 1


def line_reader() -> Callable[[str], str]:
    """prompt_toolkit's prompt in a terminal (line editing, history; Ctrl-C is a key there, not a signal that
    would reach the servers too), `input` otherwise."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return input
    from prompt_toolkit import PromptSession

    session: PromptSession[str] = PromptSession()
    return session.prompt


def main(argv: list[str] | None = None, read: Callable[[str], str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--topic"):
        print("usage: python -m ops.shell SERVER_URL [--topic TOKEN_FILE]", file=sys.stderr)
        return 2
    token = Path(args[2]).read_text(encoding="utf-8").strip() if len(args) == 3 else None
    return Console(args[0], token).run(read or line_reader())


if __name__ == "__main__":
    sys.exit(main())
