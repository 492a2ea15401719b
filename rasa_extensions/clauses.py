"""Two or three questions in one message, answered in the visitor's order: the message is cut into clauses at
the places a new question starts, each clause is understood on its own, and, when each is a confident question
of its own, the clauses are handled one after the other as the visitor's messages.

Rasa's multi-intents (`ask_free+ask_anonymous`) name the pairs the training data declares, and each pair needs
its examples and its rule; any other pair ("Depuis quand vous avez le label SPO, et est-ce que vous faites
partie d'un réseau international ?") got one answer. Cutting at clause boundaries covers any combination with
the intents the bot already knows, and each clause keeps the conversation's context: in "vous avez un centre
à Gap ? et il ouvre quand ?" the second clause is about Gap, as a follow-up would be.

A message is cut only when it is safe: at most three clauses, each of two words or more, each but the last a
question itself (a question mark or word: "le centre d'Antibes, il est où ?" is one question); the whole message is
not a declared multi-intent of the same questions (its rule answers them); every clause's intent is confident
(not the fallback, out of scope, a follow-up, a greeting or thanks), they are not all the same, none is distress (the
whole message gets the human answer), and at most one describes the visitor's own situation (a need, a
question for a person: "je voudrais travailler en Allemagne, vous pouvez m'aider ?" is one request).
Otherwise the message is handled whole, as before. Only messages with a boundary are parsed more than once
(about 7 ms a parse).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

# Where a new question starts: after a question mark or a semicolon; after a comma and "et" / "and" / "mais";
# after a comma before a question word; after "et" / "and" before a question word or a determiner ("vos
# horaires et votre numéro ?"). Each cut is only a candidate: the clauses must each parse as a confident
# question of its own (split_on_parses).
_QUESTION_STARTS_FR = (
    r"est[- ]ce|c['’]\s*est|vous|quels?|quelles?|o[uù]|comment|combien|qui|quand|depuis|pourquoi|faut[- ]il|"
    r"y\s+a[- ]t[- ]il|il\s+y\s+a|avez[- ]vous|[eê]tes[- ]vous|peut[- ]on|on\s+peut|je\s+peux|puis[- ]je|"
    r"je\s+dois|dois[- ]je|c\s+|ya"
)
_QUESTION_STARTS_EN = (
    r"is|are|do|does|can|could|what|what['’]?s|wats?|where|where['’]?s|when|who|how|which|why|will|would|should|"
    r"have\s+you|is\s+there|are\s+there"
)
_DETERMINERS = r"votre|vos|le|la|les|l['’]|celui|celle|il|elle|your|the|its|it"
_STARTS = rf"(?:{_QUESTION_STARTS_FR}|{_QUESTION_STARTS_EN}|{_DETERMINERS})"
_BOUNDARY = re.compile(
    rf"(?<=[?;])\s+(?=\S)|"
    rf"\s*,\s*(?:et|mais|and|but)\s+(?:aussi\s+|also\s+)?(?=\S)|"
    rf"\s+(?:et|mais|aussi|and|also|but)\s+(?:aussi\s+|also\s+)?(?={_STARTS}(?<=['’])|{_STARTS}\b)|"
    rf"\s*,\s+(?=(?:{_QUESTION_STARTS_FR}|{_QUESTION_STARTS_EN})\b)",
    re.IGNORECASE,
)
# A clause before a cut must itself be a question (a question mark or word): "the Antibes centre, where is it?"
# and "my son wants to come after school, what time do you close?" are one question each.
_ASKS = re.compile(
    r"\?|\b(?:est[- ]ce|quels?|quelles?|o[uù]|comment|combien|qui|quand|depuis quand|pourquoi|quoi|"
    r"what|what['’]?s|wats?|where|when|who|how|which|why|is\s+it|is\s+there|are\s+there|do\s+you|"
    r"are\s+you|can\s+i|can\s+you|do\s+i)\b",
    re.IGNORECASE,
)
# "et", "and" left at the start of a clause cut after a question mark ("c'est gratuit ? et c'est où ?").
_LEADING_CONNECTOR = re.compile(r"^(?:et|mais|aussi|puis|and|but|also|then)\s+(?:aussi\s+|also\s+)?", re.IGNORECASE)
MAX_CLAUSES = 3
MIN_CLAUSE_WORDS = 2
# A clause is a question of its own only with this confidence (the FallbackClassifier's threshold).
MIN_CONFIDENCE = 0.5
# Intents that are not a question of their own: a clause of them joins no split.
_NOT_QUESTIONS = frozenset(
    {
        "nlu_fallback",
        "inform",
        "greet",
        "goodbye",
        "thank",
        "rate_answer",
        "empty_message",
        "go_back",
        "switch_language",
        "ask_more",
        "out_of_scope",
    }
)
# A visitor describing their own situation often takes several sentences for one request ("je voudrais
# travailler en Allemagne, vous pouvez m'aider à trouver un emploi là-bas ?"): two clauses of these intents
# are one request.
_SITUATION = frozenset({"ask_need", "ask_referral"})
# "... vous pouvez m'aider ?" after a situation asks for help with it, not what the bot can do.
_HELP_ASKED = "ask_capabilities"
# Rasa's symbol between the intents of a multi-intent.
_MULTI = "+"

Parse = Callable[[str], Awaitable[dict[str, Any]]]


def candidate_clauses(text: str) -> list[str]:
    """The text cut where a new question may start; [text] when there is no such place, or too many."""
    if text.startswith("/"):  # a button's payload
        return [text]
    clauses = [_LEADING_CONNECTOR.sub("", clause.strip(" ,")) for clause in _BOUNDARY.split(text)]
    clauses = [clause for clause in clauses if clause]
    if len(clauses) < 2 or len(clauses) > MAX_CLAUSES:
        return [text]
    if any(len(clause.split()) < MIN_CLAUSE_WORDS for clause in clauses):
        return [text]
    if not all(_ASKS.search(clause) for clause in clauses[:-1]):
        return [text]
    return clauses


def _intent(parse_data: dict[str, Any]) -> tuple[str, float]:
    intent = parse_data.get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def split_on_parses(whole: dict[str, Any], clauses: list[dict[str, Any]]) -> bool:
    """Whether to handle the clauses apart, given the NLU's parse of the whole message and of each clause."""
    whole_intent, _ = _intent(whole)
    intents = [_intent(parse) for parse in clauses]
    names = {name for name, _ in intents}
    if whole_intent == "distress" or "distress" in names:  # the whole message gets the human answer
        return False
    if _MULTI in whole_intent and set(whole_intent.split(_MULTI)) >= names:  # its own rule answers it
        return False
    if any(name in _NOT_QUESTIONS or _MULTI in name or confidence < MIN_CONFIDENCE for name, confidence in intents):
        return False
    situations = sum(name in _SITUATION for name, _ in intents)
    if situations > 1 or (situations and _HELP_ASKED in names):
        return False
    return len(names) > 1


async def questions_in(text: str, parse: Parse) -> list[str]:
    """The questions of a message, in order: its clauses when they are confident questions of their own,
    else the message whole."""
    clauses = candidate_clauses(text)
    if len(clauses) == 1:
        return clauses
    whole = await parse(text)
    parses = [await parse(clause) for clause in clauses]
    return clauses if split_on_parses(whole, parses) else [text]
