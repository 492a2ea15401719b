"""Visitors' text made safe to store and to log: cleaned, and stripped of personal data.

Pure Python, no Rasa: the input channels call it on every message before anything else sees it
(the NLU, the tracker store, the logs). The centre's service is anonymous, so an e-mail address, a
phone number, a social security number, a postal address or an IBAN typed by a visitor is replaced
by a placeholder; the rest of the message is kept, so the bot still answers the question.

Masking errs on the side of privacy: a number that merely looks like a phone number is masked too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

# What each kind of personal data is replaced with (the NLU sees these words, visitors never do).
PLACEHOLDERS: dict[str, str] = {
    "iban": "[IBAN masqué]",
    "nir": "[numéro de sécurité sociale masqué]",
    "email": "[e-mail masqué]",
    "phone": "[téléphone masqué]",
    "address": "[adresse masquée]",
}

# IBAN: country code, check digits, then groups of four letters or digits (spaced or not) and a last,
# shorter group; whole groups only, so that the words after it are kept.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)

# French social security number (NIR): sex, year, month, department (2A/2B for Corsica), commune,
# order number, optional two-digit key; written with or without separators.
_SEP = r"[ .-]?"
_NIR = re.compile(
    rf"\b[1-478]{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}(?:\d{{2}}|2[AB]){_SEP}\d{{3}}{_SEP}\d{{3}}(?:{_SEP}\d{{2}})?\b",
    re.IGNORECASE,
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# A street number and a street type, then up to six words of the street's name (up to punctuation),
# and the postal code and town when they follow ("12 bis, rue de la République, 13001 Marseille").
# Street types that are also common nouns after a number ("2 cours de français", "25 cités",
# "1 voie professionnelle") are left out: they would mask visitors' questions.
_STREET_TYPES = (
    r"rue|avenue|av|bd|boulevard|chemin|all[ée]e|place|impasse|route|quai|traverse|lotissement|"
    r"r[ée]sidence|square|mont[ée]e|faubourg|rond-point|hameau|lieu-dit"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}(?:\s*(?:bis|ter)\b)?\s*,?\s+(?:{_STREET_TYPES})\.?(?:\s+[^\s,.;:!?]+){{1,6}}"
    r"(?:\s*,?\s*\d{5}(?:\s+[A-Za-zÀ-ÿ'-]+)?)?",
    re.IGNORECASE,
)

# French numbers: 0 (or +33, 0033, +33 (0)) then nine digits, in pairs or not.
_FRENCH_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?\d{2}){4}(?!\d)")

# Numbers written without a country code are read as French ones.
_PHONE_REGION = "FR"


@dataclass(frozen=True)
class MaskedText:
    text: str
    # Kinds of personal data found, in PLACEHOLDERS order (empty when there was none).
    kinds: tuple[str, ...]


def clean_text(text: str) -> str:
    """Unicode text that every store and log accepts: NFC, no control characters, no lone surrogates.

    PostgreSQL refuses NUL characters and UTF-8 encoders refuse lone surrogates (which JSON escapes
    such as "\\udc80" produce), so both go; line breaks and tabs become spaces.
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\r\n\t]+", " ", text)
    return "".join(char for char in text if unicodedata.category(char) != "Cc").strip()


def _mask_phones(text: str) -> tuple[str, bool]:
    """French and international phone numbers, in any usual writing.

    Google's libphonenumber finds them all, except where two numbers follow each other with only a space
    between (it reads one number too long to be valid): French numbers are first taken by a pattern.
    """
    text, count = _FRENCH_PHONE.subn(PLACEHOLDERS["phone"], text)
    matches = list(phonenumbers.PhoneNumberMatcher(text, _PHONE_REGION, leniency=phonenumbers.Leniency.POSSIBLE))
    for match in reversed(matches):
        text = text[: match.start] + PLACEHOLDERS["phone"] + text[match.end :]
    return text, bool(count or matches)


def mask_personal_data(text: str) -> MaskedText:
    """The text with its personal data replaced by placeholders, and the kinds that were found.

    Order matters: IBANs and social security numbers first (their digit runs would otherwise be
    taken for phone numbers), e-mail addresses before phones (an address may hold digits).
    """
    found: set[str] = set()
    for kind, pattern in (("iban", _IBAN), ("nir", _NIR), ("email", _EMAIL)):
        text, count = pattern.subn(PLACEHOLDERS[kind], text)
        if count:
            found.add(kind)
    text, has_phone = _mask_phones(text)
    if has_phone:
        found.add("phone")
    text, count = _ADDRESS.subn(PLACEHOLDERS["address"], text)
    if count:
        found.add("address")
    return MaskedText(text=text, kinds=tuple(kind for kind in PLACEHOLDERS if kind in found))
