"""Normalisation of French text: what every look-up compares, in the knowledge and in the actions."""

import re
import unicodedata

# Abbreviations visitors use in place names, expanded before matching ("St Raphaël" -> "saint raphael").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def strip_accents(text: str) -> str:
    """'Égalité' -> 'Egalite'; ligatures opened ('œ' -> 'oe')."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return without_accents.replace("œ", "oe").replace("æ", "ae").replace("Œ", "OE").replace("Æ", "AE")


def normalise(text: str) -> str:
    """Fold French text for matching: lower case, no accents or punctuation, abbreviations expanded.

    >>> normalise("  Cité des MÉTIERS d'Aix-en-Provence, St-Raphaël !")
    'cite des metiers d aix en provence saint raphael'
    """
    words = re.sub(r"[^a-z0-9]+", " ", strip_accents(text.lower())).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
