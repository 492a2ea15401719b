"""Errors in a knowledge file, in French, for the centre's staff: the file, the line, the field in plain words,
and how to fix it.

Reusable by whatever reads facts written by hand (the knowledge file, a future spreadsheet import): `located`
puts a place in front of a sentence, `field_sentence` says what is wrong with a field from a pydantic error
type, `yaml_sentence` explains a YAML syntax error from the offending line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# What each field holds, in the words of docs/maintainers.md.
FIELD_WORDS = {
    "text": "texte français",
    "text_en": "texte anglais",
    "source": "clé de la source",
    "asked": "questions des visiteurs",
    "valid_until": "date de fin de validité",
    "title": "titre",
    "title_en": "titre anglais",
    "url": "lien",
    "website": "site web",
    "checked_on": "date de vérification",
    "name": "nom",
    "name_en": "nom anglais",
    "short_name": "nom court",
    "subject": "sujet",
    "subject_en": "sujet en anglais",
    "issuer": "organisme qui le décerne",
    "issuer_en": "organisme qui le décerne, en anglais",
    "aliases": "autres noms",
    "facts": "clés des faits",
    "services": "clés des services",
    "details": "précisions",
    "years": "années",
    "year": "année",
    "id": "identifiant",
    "kind": "type",
    "address": "fait de l'adresse",
    "opened": "fait de l'ouverture",
    "cities": "nombre de villes",
    "countries": "nombre de pays",
    "places": "lieux",
    "help": "faits dits pour tout besoin",
    "items": "besoins",
}

EXAMPLE_DAY = "2026-11-25"
WEB_URL_HINT = "un lien complet qui commence par https://, par exemple https://www.citedesmetiers.fr"


def located(
    sentence: str, line: int | None = None, column: int | None = None, file: str | None = None, entry: str = ""
) -> str:
    """« knowledge/cite_des_metiers.yml, ligne 120, fait "free" : <sentence> », with what is known of the place
    (the file, the line, the column, the entry in plain words)."""
    place = [part for part in (file, _line(line), _column(column), entry) if part]
    return f"{', '.join(place)} : {sentence}" if place else sentence


def _line(line: int | None) -> str:
    return f"ligne {line}" if line is not None else ""


def _column(column: int | None) -> str:
    return f"colonne {column}" if column is not None else ""


def field_name(field: str, elements: Sequence[str | int] = ()) -> str:
    """« le champ "text_en" (texte anglais) », « le champ "years" (années), élément 2 »."""
    words = FIELD_WORDS.get(field)
    shown = f'le champ "{field}"' + (f" ({words})" if words else "")
    for element in elements:
        shown += f", élément {element + 1}" if isinstance(element, int) else f' > "{element}"'
    return shown


def field_sentence(
    field: str,
    error_type: str,
    context: Mapping[str, Any] | None = None,
    message: str = "",
    elements: Sequence[str | int] = (),
    allowed: Sequence[str] = (),
) -> str:
    """What is wrong with a field and how to fix it, in French, from a pydantic error type ("value_error.missing",
    "type_error.integer"...), its context and message; `elements` locate the wrong item within the field (an index
    of a list, a key of a mapping); `allowed` are the fields an entry may have (for a misspelt one)."""
    context = context or {}
    name = field_name(field, elements)
    if not field:
        name = "cette valeur"
    if error_type == "value_error.missing":
        return f"{name} manque. {_add_hint(field)}"
    if error_type == "value_error.extra":
        possible = f" (champs possibles : {', '.join(allowed)})" if allowed else ""
        return f'{name} n\'existe pas ici. Corrigez son orthographe{possible} ou supprimez la ligne "{field}:".'
    if field in ("checked_on", "valid_until") or error_type.startswith("value_error.date"):
        return f"{name} : {message or 'date non valide'}. {_date_hint(field)}"
    if error_type == "value_error.str.regex":
        if context.get("web_url"):
            return f"{name} n'est pas un lien valide. Écrivez {WEB_URL_HINT}."
        return (
            f"{name} n'est pas une clé valide. Écrivez-la en lettres minuscules sans accent, chiffres et _ "
            f"(par exemple ma_source)."
        )
    simple = _SIMPLE.get(error_type)
    if simple:
        return f"{name} {simple.format(**{key: _shown(value) for key, value in context.items()})}"
    if error_type == "value_error" and message:  # the schema's own checks, already in French
        return f"{name} : {message}."
    detail = f" ({message})" if message else ""
    return (
        f"{name} n'est pas valide{detail}. Comparez avec les autres entrées du fichier et le guide "
        f"docs/maintainers.md, section 1."
    )


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(item) for item in value)
    return str(getattr(value, "value", value))


_SIMPLE = {
    "type_error.integer": "doit être un nombre entier, par exemple 2011.",
    "type_error.none.not_allowed": "est vide. Donnez-lui une valeur, ou supprimez la ligne si le champ est facultatif.",
    "type_error.str": 'doit être un texte. Écrivez-le entre guillemets droits, par exemple "…".',
    "type_error.list": "doit être une liste : une ligne « - … » par élément, ou [a, b] sur une ligne.",
    "type_error.dict": "doit contenir des lignes « clé: valeur », comme les autres entrées du fichier.",
    "value_error.any_str.min_length": "est vide. Écrivez un texte, ou supprimez la ligne si le champ est facultatif.",
    "value_error.list.min_items": "est une liste vide. Mettez-y au moins un élément.",
    "value_error.number.not_ge": "doit valoir au moins {limit_value}.",
    "value_error.number.not_le": "doit valoir au plus {limit_value}.",
    "value_error.const": "doit valoir l'une de ces valeurs : {permitted}.",
    "type_error.enum": "doit valoir l'une de ces valeurs : {enum_values}.",
}


def _add_hint(field: str) -> str:
    if field == "checked_on":
        return f"Ajoutez une ligne `checked_on: {EXAMPLE_DAY}` : le jour où la source a été relue."
    if field.endswith("_en"):
        french = field.removesuffix("_en")
        return f'Ajoutez une ligne `{field}: "..."` sous `{french}:`, qui dit en anglais ce que dit `{french}`.'
    if field:
        return f"Ajoutez une ligne `{field}: ...` à cette entrée (voyez les autres entrées du fichier)."
    return "Ajoutez-la (voyez les autres entrées du fichier)."


def _date_hint(field: str) -> str:
    if field == "checked_on":
        return (
            f"Écrivez le jour où la source a été relue et ses faits vérifiés (aujourd'hui ou avant), au format "
            f"AAAA-MM-JJ, par exemple {EXAMPLE_DAY}."
        )
    if field == "valid_until":
        return f"Écrivez le dernier jour où le fait est vrai, au format AAAA-MM-JJ, par exemple {EXAMPLE_DAY}."
    return f"Écrivez une date au format AAAA-MM-JJ, par exemple {EXAMPLE_DAY}."


# --- YAML syntax ------------------------------------------------------------------------------------

YAML_INVALID = "le texte n'est pas du YAML valide."
APOSTROPHE_CAUSE = (
    "Cause probable : une apostrophe (') dans un texte entre apostrophes. Mettez le texte entre guillemets droits "
    "(\"…\") ou doublez l'apostrophe ('')."
)
# A value opened with an apostrophe on this line: `key: '...` or `- '...`.
_SINGLE_QUOTED = re.compile(r"^\s*(?:-\s+)?(?:[^\s'\"#:][^:#]*:\s+)?'(?P<rest>.*)$")


def yaml_sentence(problem: str, context: str, lines: Sequence[str]) -> str:
    """A YAML syntax error explained: `problem` and `context` are PyYAML's (in English), `lines` the text of the
    offending line and of the one where the construct began (either may be empty)."""
    if any(_lone_apostrophe(line) for line in lines):
        return f"{YAML_INVALID} {APOSTROPHE_CAUSE}"
    if "'\\t'" in problem or "\t" in problem:
        return f"{YAML_INVALID} Cause probable : une tabulation. Remplacez-la par des espaces."
    if "mapping values are not allowed" in problem:
        return (
            f"{YAML_INVALID} Cause probable : un deux-points suivi d'une espace (« : ») dans un texte sans "
            f'guillemets. Mettez le texte entre guillemets droits ("…").'
        )
    if "quoted scalar" in context and "end of stream" in problem:
        return (
            f"{YAML_INVALID} Cause probable : un guillemet ouvert n'est pas refermé. Refermez-le (\") en fin de texte."
        )
    if "could not find expected ':'" in problem:
        return (
            f"{YAML_INVALID} Cause probable : il manque un deux-points (:) après le nom du champ, ou un texte "
            f'continue sur la ligne suivante sans guillemets. Écrivez `champ: "texte"` sur une seule ligne.'
        )
    return (
        f"{YAML_INVALID} Vérifiez cette ligne et celle d'avant : l'indentation (le même nombre d'espaces que les "
        f"lignes voisines, jamais de tabulation), un deux-points après chaque nom de champ, les guillemets refermés."
    )


def _lone_apostrophe(line: str) -> bool:
    """Whether a line holds a text opened with an apostrophe that an apostrophe within closes too early:
    `text: 'C'est gratuit'`."""
    match = _SINGLE_QUOTED.match(line)
    if match is None:
        return False
    rest = match["rest"].replace("''", "")  # a doubled apostrophe is one apostrophe, within the text
    closing = rest.find("'")
    if closing < 0:
        return False
    after = rest[closing + 1 :].strip()
    return bool(after) and not after.startswith("#")
