"""Loading the knowledge file: read it, validate it, and name every problem in words a maintainer acts on."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from actions.knowledge.base import Knowledge
from actions.knowledge.references import reference_problems
from actions.knowledge.schema import WEB_URL_PATTERN, KnowledgeFile

if TYPE_CHECKING:
    from pydantic.error_wrappers import ErrorDict

DEFAULT_KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent.parent / "knowledge" / "cite_des_metiers.yml"


class KnowledgeError(Exception):
    """The knowledge file cannot be used; the message names the file, each entry and what is wrong."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(
            f"Knowledge file {path} is invalid ({len(self.problems)} problem(s)):\n{lines}\n"
            f"Fix these entries, then check with `make validate`."
        )


def load_knowledge(path: Path | str = DEFAULT_KNOWLEDGE_FILE) -> Knowledge:
    """Read and validate the whole knowledge file; raise KnowledgeError naming every problem."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_KnowledgeLoader)
    except OSError as error:
        raise KnowledgeError(path, [f"cannot read the file: {error.strerror or error}"]) from error
    except UnicodeDecodeError as error:
        raise KnowledgeError(path, [f"the file is not UTF-8 text ({error.reason} at byte {error.start})"]) from error
    except yaml.YAMLError as error:
        raise KnowledgeError(path, [f"not valid YAML: {_describe_yaml_error(error)}"]) from error
    if not isinstance(raw, dict):
        raise KnowledgeError(path, ["the file must be a YAML mapping of sections (sources, facts, topics, ...)"])
    try:
        content = KnowledgeFile.parse_obj(raw)
    except ValidationError as error:
        raise KnowledgeError(path, [_describe_schema_error(raw, item) for item in error.errors()]) from error
    problems = reference_problems(content)
    if problems:
        raise KnowledgeError(path, problems)
    return Knowledge(content)


class _KnowledgeLoader(yaml.SafeLoader):
    """YAML's safe loader, with dates left as text for the schema to check: `checked_on: 2026-02-30` is then an
    error naming its source, where the safe loader fails on it without saying where."""


_KnowledgeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _describe_yaml_error(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _describe_schema_error(raw: dict[str, Any], error: ErrorDict) -> str:
    """'labels[2] (id: spo) > years[0]: value is not a valid integer' from a pydantic error."""
    parts: list[str] = []
    node: Any = raw
    for step in error["loc"]:
        if isinstance(step, int):
            parts[-1] += f"[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, dict) and "id" in node:
                parts[-1] += f" (id: {node['id']})"
        elif step != "__root__":
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    where = " > ".join(parts) or "top level"
    return f"{where}: {error['msg']}; {_fix_hint(error)}"


def _fix_hint(error: ErrorDict) -> str:
    """How a maintainer fixes a schema error, in words."""
    field = str(error["loc"][-1]) if error["loc"] else ""
    if field == "checked_on":
        return "write the day the source was last read and its facts checked (today or earlier), e.g. 2026-11-25"
    if error["type"] == "value_error.missing" and field.endswith("_en"):
        french = field.removesuffix("_en")
        return f"the English text is missing: add `{field}`, saying in English what `{french}` says in French"
    pattern = str(error.get("ctx", {}).get("pattern", ""))
    if error["type"] == "value_error.str.regex" and pattern == WEB_URL_PATTERN:
        return "write a full link starting with https://, e.g. https://www.citedesmetiers.fr"
    if error["type"] == "value_error.str.regex":
        return "write a key in lower-case letters, digits and _, e.g. my_source"
    return _FIX_HINTS.get(error["type"], "see the examples in the file and the maintainers' guide")


_FIX_HINTS = {
    "value_error.missing": "add this field",
    "value_error.extra": "fix the field's spelling or remove it",
    "type_error.integer": "write a whole number, e.g. 2011",
    "type_error.none.not_allowed": "give it a value",
    "type_error.str": "write a text between quotes",
    "type_error.list": "write a list, e.g. [2002, 2005]",
    "type_error.dict": "write a mapping of keys to entries, as in the rest of the file",
    "value_error.any_str.min_length": "write a text; it must not be empty",
    "value_error.list.min_items": "list at least one item",
    "value_error.number.not_ge": "write a larger number",
    "value_error.number.not_le": "write a smaller number",
    "value_error.const": "use one of the permitted values",
    "type_error.enum": "use one of the permitted values",
}
