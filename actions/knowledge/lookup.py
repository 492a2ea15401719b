"""The name index: the entries a visitor's words name, tolerating accents, spacing, filler words and typos."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from actions.knowledge.text import normalise

# How close a misspelt name must be to a known one (difflib ratio) to be taken for it:
# "marsielle" -> "marseille" is 0.89, "istre" -> "istres" 0.91, while "arles" -> "istres" is 0.55.
FUZZY_MATCH_CUTOFF = 0.8
# Shorter words are too easily close to a name by chance ("gap" / "gaz").
_FUZZY_MIN_LENGTH = 4
# Within a sentence, only long words are corrected: "forme" must not become "former".
_TYPO_MIN_LENGTH = 7
# Words around a place or label name that do not identify it ("le centre de Gap", "à Istres", "the centre in Gap").
_FILLER_WORDS = frozenset(
    "a au aux de des du d l le la les en sur ville centre centres cite cites metiers antenne "
    "label labels votre vos et pour "
    "the in at of center centers city town your and".split()
)


def _significant_words(normalised: str) -> str:
    return " ".join(word for word in normalised.split() if word not in _FILLER_WORDS)


def match_name(query: str, index: NameIndex) -> str | None:
    """Find the id whose name or alias the query designates, tolerating accents, spacing and typos."""
    normalised = normalise(query)
    candidates = [normalised, _significant_words(normalised)]
    for candidate in candidates:
        # "la-garde", "la garde" and "lagarde" are one name.
        for key in (candidate, candidate.replace(" ", "")):
            if key and key in index.exact:
                return index.exact[key]
    for candidate in candidates:
        # Typos, checked against whole names only: "gard" must not be taken for "(la) garde".
        key = candidate.replace(" ", "")
        if len(key) >= _FUZZY_MIN_LENGTH:
            close = difflib.get_close_matches(key, index.fuzzy, n=1, cutoff=FUZZY_MATCH_CUTOFF)
            if close:
                return index.fuzzy[close[0]]
    return None


class NameIndex:
    """Normalised names of entries: every accepted form for exact look-up, whole names for typos."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.exact: dict[str, str] = {}
        self.fuzzy: dict[str, str] = {}
        self.whole: dict[str, str] = {}
        for entry_id, names in entries:
            for name in names:
                normalised = normalise(name)
                self.whole.setdefault(normalised, entry_id)
                self.fuzzy.setdefault(normalised.replace(" ", ""), entry_id)
                for key in (normalised, _significant_words(normalised)):
                    if key:
                        self.exact.setdefault(key, entry_id)
                        self.exact.setdefault(key.replace(" ", ""), entry_id)

    def found_in(self, text: str) -> list[str]:
        """Like `mentioned_in`, and failing that, with each long word one typo away from a one-word name
        taken for that name ("reconvertion")."""
        return self.mentioned_in(text) or self.mentioned_in(self._corrected(text))

    def _corrected(self, text: str) -> str:
        """The text with each long word one typo away from a one-word name replaced by that name."""
        single_words = [name for name in self.whole if " " not in name and len(name) >= _TYPO_MIN_LENGTH]
        words = normalise(text).split()
        for index, word in enumerate(words):
            if len(word) >= _TYPO_MIN_LENGTH and word not in self.whole:
                close = difflib.get_close_matches(word, single_words, n=1, cutoff=FUZZY_MATCH_CUTOFF)
                if close:
                    words[index] = close[0]
        return " ".join(words)

    def mentioned_in(self, text: str) -> list[str]:
        """Ids of the entries whose whole name or alias appears as words in the text, in order of appearance.

        Longer names first, and a name found hides the words it covers: "charte de la diversité"
        names the charter, not also the label "diversité".
        """
        padded = f" {normalise(text)} "
        positions: dict[str, int] = {}
        for name in sorted(self.whole, key=len, reverse=True):
            position = padded.find(f" {name} ") if name else -1
            while position >= 0:
                entry_id = self.whole[name]
                positions[entry_id] = min(position, positions.get(entry_id, position))
                padded = padded[: position + 1] + "_" * len(name) + padded[position + 1 + len(name) :]
                position = padded.find(f" {name} ")
        return sorted(positions, key=positions.__getitem__)
