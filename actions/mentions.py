"""How a follow-up points at one item of what was just said: by a year, an ordinal, a superlative, its
place beside the item in focus, or a pronoun.

"et celui de 2012 ?", "et le premier ?", "le plus récent ?", "et le suivant ?", "et celui-là ?", and in English
"and the 2012 one?", "the first one?", "the most recent?", "the next one?", "that one?". Pure Python, no Rasa:
the actions resolve a `Mention` against the list in focus (the labels by year, the centres as listed),
as Rasa SDK's knowledge-base actions resolve their `mention` slot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.knowledge.text import normalise

# Positions counted from 1; LAST is the last (most recent) item.
LAST = -1

# Words that name a position, after `normalise` (no accents, lower case). Longer phrases are looked for
# first: "plus ancien" is the first item of a list ordered by year, "plus recent" the last.
_ORDINALS: dict[str, int] = {
    "plus recent": LAST,
    "plus recente": LAST,
    "plus nouveau": LAST,
    "plus ancien": 1,
    "plus ancienne": 1,
    "plus vieux": 1,
    "plus vieille": 1,
    "premier": 1,
    "premiere": 1,
    "1er": 1,
    "1ere": 1,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "2e": 2,
    "2eme": 2,
    "2nd": 2,
    "troisieme": 3,
    "3e": 3,
    "3eme": 3,
    "quatrieme": 4,
    "4e": 4,
    "4eme": 4,
    "cinquieme": 5,
    "5e": 5,
    "5eme": 5,
    "dernier": LAST,
    "derniere": LAST,
    # English
    "most recent": LAST,
    "latest": LAST,
    "newest": LAST,
    "last": LAST,
    "oldest": 1,
    "earliest": 1,
    "first": 1,
    "1st": 1,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
}
# The item after or before the one in focus.
_OFFSETS: dict[str, int] = {
    "suivant": 1,
    "suivante": 1,
    "d apres": 1,
    "d avant": -1,
    "avant ca": -1,
    "avant cela": -1,
    "juste avant": -1,
    "apres ca": 1,
    "apres cela": 1,
    "before that": -1,
    "after that": 1,
    "precedent": -1,
    "precedente": -1,
    "next": 1,
    "one after": 1,
    "previous": -1,
    "one before": -1,
}
# The item in focus itself, or every item of its list.
_THIS = (
    "celui la", "celle la", "celui ci", "celle ci", "ce label", "ce centre", "cette charte",
    "that one", "this one", "that label", "this label", "that centre", "that center", "this centre", "that charter",
)  # fmt: skip
# The whole list, for the visitor to choose from.
_EVERY = ("les autres", "tous les autres", "toutes les autres", "the others", "the other ones", "all the others")
# "l'autre": the one that is not in focus, when the list has two; among more it cannot be told apart, and the
# whole list is given.
_OTHER = ("l autre", "the other", "other one", "autre label", "autre centre", "other label", "other centre")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# "celui de 99", "en 17", "the one from 99", "in 17": a year written with two digits after "de", "en", "from", "in".
_SHORT_YEAR = re.compile(r"\b(?:de|en|d|from|in)\s+(\d\d)\b")


@dataclass(frozen=True)
class Mention:
    """What a follow-up points at: a year; a position in the list in focus (1-based, or LAST); the item
    `offset` places from the one in focus; the item in focus itself (`this`); the whole list (`every`); or the
    other of two (`other`)."""

    year: int | None = None
    position: int | None = None
    offset: int | None = None
    this: bool = False
    every: bool = False
    other: bool = False

    def pick(self, items: list[str], current: str | None = None) -> str | None:
        """The item of `items` this mention designates, `current` being the one in focus; None if none."""
        if not items:
            return None
        if self.position == LAST:
            return items[-1]
        if self.position is not None:
            return items[self.position - 1] if self.position <= len(items) else None
        if current not in items:
            return None
        if self.this:
            return current
        if self.other:
            return next(item for item in items if item != current) if len(items) == 2 else None
        if self.offset is not None:
            index = items.index(current) + self.offset
            return items[index] if 0 <= index < len(items) else None
        return None


def parse_mention(text: str) -> Mention | None:
    """The year or position a follow-up names, or None when it names neither.

    >>> parse_mention("et celui de 2012 ?")
    Mention(year=2012, position=None)
    >>> parse_mention("Et le plus récent ?")
    Mention(year=None, position=-1)
    """
    year = _YEAR.search(text)
    if year:
        return Mention(year=int(year.group(1)))
    padded = f" {normalise(text)} "
    short_year = _SHORT_YEAR.search(padded)
    if short_year:
        two_digits = int(short_year.group(1))
        return Mention(year=(1900 if two_digits >= 50 else 2000) + two_digits)
    for words in sorted(_ORDINALS, key=len, reverse=True):
        if f" {words} " in padded:
            return Mention(position=_ORDINALS[words])
    for words, offset in _OFFSETS.items():
        if f" {words} " in padded:
            return Mention(offset=offset)
    if any(f" {words} " in padded for words in _EVERY):
        return Mention(every=True)
    if any(f" {words} " in padded for words in _OTHER):
        return Mention(other=True)
    if any(f" {words} " in padded for words in _THIS):
        return Mention(this=True)
    return None
