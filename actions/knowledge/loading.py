"""Loading the knowledge file: read it, validate it, and name every problem in French, with its line, in words the
centre's staff act on (actions/knowledge/messages.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import SHAPE_SINGLETON

from actions.knowledge.base import Knowledge
from actions.knowledge.messages import field_sentence, located, yaml_sentence
from actions.knowledge.references import Problem, reference_problems
from actions.knowledge.schema import WEB_URL_PATTERN, KnowledgeFile

if TYPE_CHECKING:
    from pydantic.error_wrappers import ErrorDict

DEFAULT_KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent.parent / "knowledge" / "cite_des_metiers.yml"
# At start (`make run`, the action server), the first problems only: `make validate` lists them all.
SHOWN_AT_START = 8

# Where each key of the file is written: its path (keys and list indexes, as text) to its line (from 1).
Lines = dict[tuple[str, ...], int]


class KnowledgeError(Exception):
    """The knowledge file cannot be used; `problems` say, in French, where (« ligne 120, fait "free" ») and what
    is wrong, and how to fix it."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__(self.summary(limit=None))

    def summary(self, limit: int | None = SHOWN_AT_START) -> str:
        """The problems as a block of French lines, each naming the file; the first `limit` only (None: all)."""
        count = len(self.problems)
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [f"Le fichier de connaissances n'est pas valide ({count} erreur{'s' if count > 1 else ''}) :"]
        lines += [f"  - {_in_file(problem, shown_path(self.path))}" for problem in shown]
        if count > len(shown):
            lines.append(f"  … et {count - len(shown)} autre(s) : `make validate` les liste toutes.")
        lines.append("Corrigez le fichier, puis vérifiez avec `make validate`.")
        return "\n".join(lines)


def _in_file(problem: str, file: str) -> str:
    """« knowledge/cite_des_metiers.yml, ligne 120, … » (`problem` starts with its line) or « fichier : … »."""
    return f"{file}, {problem}" if problem.startswith("ligne ") else located(problem, file=file)


def shown_path(path: Path) -> str:
    """The file as a maintainer finds it: relative to the current folder when within it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_knowledge(path: Path | str = DEFAULT_KNOWLEDGE_FILE, today: Callable[[], date] = date.today) -> Knowledge:
    """Read and validate the whole knowledge file; raise KnowledgeError naming every problem. `today` is the day
    the facts' `valid_until` are compared with, at each look-up (the tests give another)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeError(path, [f"impossible de lire le fichier ({error.strerror or error})."]) from error
    except UnicodeDecodeError as error:
        raise KnowledgeError(
            path,
            [
                f"le fichier n'est pas du texte UTF-8 (octet {error.start}). Enregistrez-le en UTF-8 depuis "
                f"votre éditeur."
            ],
        ) from error
    try:
        raw, lines = read_yaml(text)
    except yaml.YAMLError as error:
        raise KnowledgeError(path, [describe_yaml_error(error, text)]) from error
    if not isinstance(raw, dict):
        raise KnowledgeError(
            path, ["le fichier doit contenir les sections du fichier d'origine (sources:, facts:, topics:, …)."]
        )
    try:
        content = KnowledgeFile.parse_obj(raw)
    except ValidationError as error:
        raise KnowledgeError(path, [describe_schema_error(raw, lines, item) for item in error.errors()]) from error
    problems = reference_problems(content)
    if problems:
        raise KnowledgeError(path, [_locate(problem, lines) for problem in problems])
    return Knowledge(content, today=today)


class _KnowledgeLoader(yaml.SafeLoader):
    """YAML's safe loader, with dates left as text for the schema to check: `checked_on: 2026-02-30` is then an
    error naming its source, where the safe loader fails on it without saying where."""


_KnowledgeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(text: str) -> tuple[Any, Lines]:
    """The content of a YAML text, and the line of each key and list item in it."""
    loader = _KnowledgeLoader(text)
    try:
        node = loader.get_single_node()
        content = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: Lines = {}
    if node is not None:
        _note_lines(node, (), lines)
    return content, lines


def _note_lines(node: yaml.Node, path: tuple[str, ...], lines: Lines) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines[child] = key.start_mark.line + 1  # a key's line, not its value's (the next, for an entry)
            _note_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _note_lines(item, (*path, str(index)), lines)


def line_of(lines: Lines, loc: Sequence[str | int]) -> int | None:
    """The line of the deepest node of `loc` that the file has (a missing field: its entry's line)."""
    found = lines.get(())
    path: tuple[str, ...] = ()
    for step in loc:
        if step in ("__root__", "__key__"):
            continue
        path = (*path, str(step))
        if path not in lines:
            break
        found = lines[path]
    return found


def describe_yaml_error(error: yaml.YAMLError, text: str) -> str:
    """« ligne 92, colonne 19 : le texte n'est pas du YAML valide. Cause probable : … »."""
    mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    all_lines = text.splitlines()
    near = [
        all_lines[found.line] for found in (mark, context_mark) if found is not None and found.line < len(all_lines)
    ]
    sentence = yaml_sentence(str(getattr(error, "problem", "") or error), str(getattr(error, "context", "")), near)
    if mark is None:
        return sentence
    return located(sentence, line=mark.line + 1, column=mark.column + 1)


# --- Schema errors ----------------------------------------------------------------------------------

_LIST_ENTRIES = {
    "centres": "centre",
    "labels": "label",
    "unknowns": "sujet sans source",
    "referrals": "renvoi",
    "details": "précision",
}
_KEYED_ENTRIES = {"sources": "source", "facts": "fait", "topics": "sujet"}
_SECTIONS = {"organisation": "organisation", "network": "réseau", "distress": "détresse", "needs": "besoins"}


def describe_schema_error(raw: dict[str, Any], lines: Lines, error: ErrorDict) -> str:
    """« ligne 120, fait "free" : le champ "text_en" (texte anglais) manque. Ajoutez … » from a pydantic error."""
    loc = [step for step in error["loc"] if step not in ("__root__", "__key__")]
    entry, rest = entry_words(raw, loc)
    field = next((str(step) for step in rest if isinstance(step, str)), "")
    elements = rest[rest.index(field) + 1 :] if field in rest else list(rest)
    context = dict(error.get("ctx") or {})
    if error["type"] == "value_error.str.regex" and str(context.get("pattern", "")) == WEB_URL_PATTERN:
        context["web_url"] = True
    allowed = _fields_at(loc[:-1]) if error["type"] == "value_error.extra" else []
    sentence = field_sentence(field, error["type"], context, error["msg"], elements, allowed)
    if not entry and not field:
        sentence = f"la section manque ou n'est pas valide : {sentence}"
    return located(sentence, line=line_of(lines, loc), entry=entry)


def entry_words(raw: Any, loc: Sequence[str | int]) -> tuple[str, list[str | int]]:
    """The entry a path leads to, in plain words (« fait "free" », « centre "gap" »), and the rest of the path."""
    steps = list(loc)
    if not steps:
        return "", []
    section = str(steps[0])
    body = raw.get(section) if isinstance(raw, dict) else None
    if section in _KEYED_ENTRIES and len(steps) > 1:
        return f'{_KEYED_ENTRIES[section]} "{steps[1]}"', steps[2:]
    if section in _LIST_ENTRIES and len(steps) > 1 and isinstance(steps[1], int):
        return _item_words(_LIST_ENTRIES[section], body, steps[1], "id"), steps[2:]
    if section == "history" and len(steps) > 1 and isinstance(steps[1], int):
        item = _item(body, steps[1])
        year = item.get("year") if isinstance(item, dict) else None
        return (f"historique, année {year}" if year else f"historique, étape n° {steps[1] + 1}"), steps[2:]
    if section == "needs" and steps[1:2] == ["items"] and len(steps) > 2 and isinstance(steps[2], int):
        items = body.get("items") if isinstance(body, dict) else None
        return _item_words("besoin", items, steps[2], "id"), steps[3:]
    if section == "network" and steps[1:2] == ["places"] and len(steps) > 2 and isinstance(steps[2], int):
        places = body.get("places") if isinstance(body, dict) else None
        return _item_words("réseau, lieu", places, steps[2], "name"), steps[3:]
    if section in _SECTIONS and len(steps) > 1:
        return _SECTIONS[section], steps[1:]
    return "", steps


def _item(items: Any, index: int) -> Any:
    return items[index] if isinstance(items, list) and index < len(items) else None


def _item_words(kind: str, items: Any, index: int, key: str) -> str:
    item = _item(items, index)
    name = item.get(key) if isinstance(item, dict) else None
    return f'{kind} "{name}"' if name else f"{kind} n° {index + 1}"


def _fields_at(loc: Sequence[str | int]) -> list[str]:
    """The fields the entry at `loc` may have (for a misspelt one), or none when the path is not an entry."""
    model: type[BaseModel] = KnowledgeFile
    steps = list(loc)
    while steps:
        field = model.__fields__.get(str(steps.pop(0)))
        if field is None:
            return []
        if field.shape != SHAPE_SINGLETON and steps:
            steps.pop(0)  # the key or index of the entry within the list or mapping
        inner = field.type_
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return []
        model = inner
    return list(model.__fields__)


def _locate(problem: Problem, lines: Lines) -> str:
    return located(problem.sentence, line=line_of(lines, problem.loc), entry=problem.where)
