"""Real questions and bad input through the REST channel of the running assistant."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import Assistant

# Words that any French reply of the bot contains at least one of.
_FRENCH_WORDS = re.compile(r"\b(je|vous|la|le|les|de|des|est|pas)\b", re.IGNORECASE)


def new_visitor() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def test_free(assistant: Assistant):
    reply = assistant.texts("C'est gratuit ?", new_visitor())
    assert "gratuit" in reply.lower()
    assert "Source : [citedesmetiers.fr/qui-sommes-nous](https://www.citedesmetiers.fr/qui-sommes-nous)" in reply


def test_centre_in_gap_then_follow_up_in_istres(assistant: Assistant):
    visitor = new_visitor()
    gap = assistant.texts("Avez-vous un centre à Gap ?", visitor)
    assert gap.startswith("Oui, Gap fait partie des 7 centres associés")
    istres = assistant.texts("et à Istres ?", visitor)
    assert istres.startswith("Oui, Istres fait partie des 7 centres associés")


def test_town_without_centre(assistant: Assistant):
    reply = assistant.texts("Vous avez une antenne à Toulouse ?", new_visitor())
    assert "Toulouse ne fait pas partie des centres de la Cité des Métiers" in reply
    assert "Gap, Istres, Martigues, Aubagne, La Garde, Sisteron et Antibes" in reply


def test_labels_with_years_then_follow_up_on_diversity(assistant: Assistant):
    visitor = new_visitor()
    labels = assistant.texts("Quels labels avez-vous ?", visitor)
    for year in ("2002", "2005", "2011", "2012", "2017", "2023"):
        assert year in labels
    # The label's first fact, read at a glance (with its heading, it would pass 60 words); the rest on request.
    diversity = assistant.ask("et la diversité ?", visitor)
    assert diversity[0]["text"].startswith("Reçu pour la première fois le 1er mars 2017")
    assert diversity[-1]["buttons"] == [{"title": "En savoir plus", "payload": "/ask_more"}]
    assert assistant.texts("/ask_more", visitor).startswith("Label Diversité (2017)")


def test_out_of_scope_is_declined_honestly(assistant: Assistant):
    reply = assistant.texts("Quelle est la recette de la bouillabaisse ?", new_visitor())
    assert "https://www.citedesmetiers.fr" in reply
    assert "recette" not in reply.lower()


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "a" * 10_000,
        "Bonjour, " + "je cherche une formation. " * 400,
        "😀😀🎉👍",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "\u0000\u200b\ufeff",
        "/ask_free",
        "/inexistant_intent",
        '{"message": "hack"}',
    ],
    ids=["empty", "spaces", "10k-chars", "long-sentence", "emoji", "script", "img-onerror", "control-chars",
         "intent-payload", "unknown-payload", "json"],
)  # fmt: skip
def test_bad_input_gets_a_french_reply(assistant: Assistant, message: str):
    replies = assistant.ask(message, new_visitor())
    texts = [reply.get("text", "") for reply in replies]
    assert texts and all(texts), f"no text reply to {message[:40]!r}: {replies}"
    reply = "\n".join(texts)
    assert _FRENCH_WORDS.search(reply), reply
    assert "<script" not in reply and "onerror" not in reply


def test_the_assistant_still_answers_after_bad_input(assistant: Assistant):
    visitor = new_visitor()
    assistant.ask("😀" * 500, visitor)
    assert "gratuit" in assistant.texts("c gratuit ?", visitor).lower()
