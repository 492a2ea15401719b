"""What every visitor message goes through before Rasa handles it, and what the visitor gets when a turn fails.

`guarded(on_new_message)` wraps Rasa's message handler for the input channels of `rasa_extensions.input_channels`:
- the text is cleaned, and its personal data (people's names too) masked, before the NLU, the tracker store
  or any log line sees it; the visitor is told what was removed;
- a conversation or a client address that sends more messages than its rate limit allows
  (rasa_extensions/rate_limit.py) gets a short polite reply; the message is neither parsed nor stored;
- a message longer than `MAX_MESSAGE_CHARS` (default 2,000) gets a polite request to shorten it and is
  neither parsed nor stored;
- a message with nothing to read (blank, punctuation or emoji only) is handled as the intent `empty_message`: a
  short prompt in the conversation's language (a rule of data/rules.yml), never an error;
- a message of two or three questions is handled as that many messages, in order, when each is a confident
  question of its own (rasa_extensions/clauses.py);
- message metadata, which the bot never uses, is not stored;
- every `MAX_TURNS_PER_SESSION`-th message of a conversation opens a fresh session first, its slots carried
  over, so that a turn's cost stays bounded (rasa_extensions/session_limit.py);
- a turn that fails (action server down, an exception) or sends nothing gets a short apology with
  the centre's website (the channel's `website` in credentials.yml) instead of silence. The next message
  is handled normally: nothing is left broken.
What the guard says is in the message's language (English when it is surely English, else French).

Like all the Rasa server's extensions, it imports nothing of the action server's package (`actions`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from sanic import Sanic
from sanic.exceptions import SanicException

from rasa_extensions import gc_freeze, settings, wording
from rasa_extensions.clauses import Parse, questions_in
from rasa_extensions.language_id import language_of_text
from rasa_extensions.privacy import clean_text, mask_personal_data, name_model
from rasa_extensions.rate_limit import RateLimits
from rasa_extensions.session_limit import SESSION_START_MESSAGE, SessionTurns

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
# What a message with nothing to read is handled as (its rule answers with a prompt to type a question).
EMPTY_MESSAGE_PAYLOAD = "/empty_message"


def has_words(text: str) -> bool:
    """Whether a text holds a letter or a digit: blank, punctuation and emoji say nothing to answer."""
    return any(char.isalnum() for char in text)


def server_agent() -> Any:
    """The running Rasa server's agent (its model), or None outside a server."""
    try:
        return Sanic.get_app().ctx.agent
    except (SanicException, AttributeError):
        return None


def server_parse() -> Parse | None:
    """The running Rasa server's NLU (its agent's `parse_message`), or None outside a server."""
    agent = server_agent()
    if agent is None:
        return None
    parse: Parse = agent.parse_message
    return parse


class GuardedHandler(Protocol):
    """The guarded handler: the message, and the address of the client that sent it (None when unknown)."""

    async def __call__(self, message: UserMessage, client: str | None = None) -> None: ...


class _CountingOutputChannel(OutputChannel):
    """Passes the bot's messages on to the visitor's channel, counting them: a turn that sent none failed."""

    def __init__(self, channel: OutputChannel) -> None:
        self.channel = channel
        self.sent = 0

    def name(self) -> str:  # an instance's, not the class's: the wrapped channel's name selects its responses
        name: str = self.channel.name()
        return name

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.channel.send_response(recipient_id, message)


def turn_failed_reply(website: str | None, language: str = "fr") -> str:
    """The apology, with the website when the channel has one configured."""
    if language == "en":
        return wording.TURN_FAILED_EN.format(website=website) if website else wording.TURN_FAILED_NO_WEBSITE_EN
    return wording.TURN_FAILED.format(website=website) if website else wording.TURN_FAILED_NO_WEBSITE


def _in(english: bool) -> dict[str, Any]:
    """The guard's own message's language, in its metadata as the actions' (actions/language.py)."""
    return {"metadata": {"language": "en" if english else "fr"}}


def guarded(
    on_new_message: MessageHandler,
    website: str | None = None,
    rate_limits: RateLimits | None = None,
    parse: Callable[[], Parse | None] = server_parse,
) -> GuardedHandler:
    limit = settings.load().max_message_chars
    limits = rate_limits or RateLimits.from_environment()
    sessions = SessionTurns.from_environment()
    # The names' NER loads here, as the server starts: at the first message it would hold up every
    # conversation for the second or so it takes (the masking runs in the event loop).
    name_model()

    async def handle(message: UserMessage, client: str | None = None) -> None:
        # After `make publish` loaded a new model: the old one is freed (once).
        gc_freeze.refreeze_if_the_model_changed(server_agent())
        channel, recipient = message.output_channel, message.sender_id
        text = clean_text(message.text) if isinstance(message.text, str) else ""
        # First, before any work: a flood costs as little as possible.
        if not await limits.allow(str(recipient), client):
            english = language_of_text(text[:limit]) == "en"
            await channel.send_text_message(
                recipient, wording.TOO_MANY_MESSAGES_EN if english else wording.TOO_MANY_MESSAGES, **_in(english)
            )
            return
        # The language is identified only when the guard has something to say (the NLU identifies it anyway).
        if len(text) > limit:
            english = language_of_text(text) == "en"
            too_long = wording.MESSAGE_TOO_LONG_EN if english else wording.MESSAGE_TOO_LONG
            await channel.send_text_message(recipient, too_long.format(length=len(text), limit=limit), **_in(english))
            return
        if not has_words(text):
            text = EMPTY_MESSAGE_PAYLOAD
        masked = mask_personal_data(text)
        if masked.kinds:
            english = language_of_text(text) == "en"
            removed = wording.personal_data_removed_en if english else wording.personal_data_removed
            await channel.send_text_message(recipient, removed(masked.kinds), **_in(english))
        message.text = masked.text
        message.metadata = None
        counter = _CountingOutputChannel(channel)
        message.output_channel = counter
        try:
            if sessions.new_session_before(str(recipient)):
                # Rasa's own message for a new session; its replies, if any, are not the visitor's concern.
                start = UserMessage(
                    SESSION_START_MESSAGE, CollectingOutputChannel(), recipient, input_channel=message.input_channel
                )
                await on_new_message(start)
            nlu = parse()
            questions = await questions_in(masked.text, nlu) if nlu is not None else [masked.text]
            for question in questions[:-1]:
                await on_new_message(
                    UserMessage(question, counter, recipient, input_channel=message.input_channel, metadata=None)
                )
            message.text = questions[-1]
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - the visitor gets an apology, never a stack trace or silence
            # No message text in the log: it may hold personal data that the masking missed.
            logger.exception("A visitor's message could not be handled; the visitor got an apology.")
        if counter.sent == 0:
            language = language_of_text(text)
            await channel.send_text_message(recipient, turn_failed_reply(website, language), **_in(language == "en"))

    return handle
