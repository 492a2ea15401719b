"""The advisers' conversation in the terminal (`cdm-run shell`, `make shell`): Rasa's own console, the one
`rasa shell` shows, talking to the visitors' REST channel of a Rasa server that the runner started.

Usage: python -m ops.shell SERVER_URL   (e.g. http://127.0.0.1:5005)

`rasa shell` serves its console through Rasa's plain `cmdline` channel, which skips the visitors' guard
(masking, length limit, apology, the fix of action_response_check.py). Here every message goes through
`POST SERVER_URL/webhooks/rest/webhook`, the visitors' own door, so advisers see what visitors see.
Exit status: 0 after /stop or Ctrl-C, 1 when the Rasa server stops answering.
"""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from typing import Any

import aiohttp
from rasa.core.channels import console

# A markdown link, as the bot writes its sources: "[citedesmetiers.fr/projets](https://…)".
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_print_bot_output = console._print_bot_output


def terminal_text(text: str) -> str:
    """The bot's markdown as a terminal shows it: a link as its title and its address."""
    return _LINK.sub(lambda link: link[2] if link[1] in link[2] else f"{link[1]} <{link[2]}>", text)


def _print_readable(message: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
    if isinstance(message.get("text"), str):
        message = {**message, "text": terminal_text(message["text"])}
    return _print_bot_output(message, *args, **kwargs)


def conversation_id() -> str:
    """A new conversation at each start, with an id the visitors' channel accepts (letters, digits, '-')."""
    return f"conseiller-{uuid.uuid4().hex}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ops.shell SERVER_URL", file=sys.stderr)
        return 2
    try:
        # The visitors' REST channel answers each message with a JSON list: no stream (an option of Rasa's
        # plain REST channel that the visitors' channel does not offer).
        console._print_bot_output = _print_readable  # Rasa's console prints the markdown as it comes
        asyncio.run(console.record_messages(conversation_id(), server_url=args[0], use_response_stream=False))
    except KeyboardInterrupt:  # Ctrl-C while the bot answers: as /stop
        return 0
    except aiohttp.ClientError as error:
        print(f"\nERROR: the Rasa server did not answer ({error}); the shell stops.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
