"""Writes data/nlu/entities.yml, the lookup tables and synonyms of the `centre` and `label` entities,
from the names and aliases of the knowledge file, so that the NLU knows every spelling the knowledge
file knows. `make train` and `make validate` run it; `--check` only tells whether the file is current.

    .venv/bin/python -m scripts.build_entity_data [--check] [--data DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import yaml

from actions.knowledge.base import Knowledge
from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE, KnowledgeError, load_knowledge
from actions.knowledge.text import strip_accents

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# The file, inside a training data folder.
ENTITY_DATA_PATH = Path("nlu") / "entities.yml"
ENTITY_DATA_FILE = DATA_DIR / ENTITY_DATA_PATH
HEADER = (
    "# Generated from knowledge/cite_des_metiers.yml by scripts/build_entity_data.py (make train): do not edit.\n"
    "# To add a spelling of a centre or a label, add it to the entry's `aliases` in the knowledge file.\n"
)


def spellings(names: Iterable[str]) -> list[str]:
    """Each name as written, in lower case, and without accents; without repeats, in order."""
    forms: dict[str, None] = {}
    for name in names:
        for form in (name, name.lower(), strip_accents(name.lower())):
            forms[form] = None
    return list(forms)


def _block(kind: str, name: str, examples: list[str]) -> str:
    lines = "".join(f"    - {example}\n" for example in examples)
    return f"- {kind}: {name}\n  examples: |\n{lines}"


def entity_data(knowledge: Knowledge) -> str:
    blocks = [
        _block("lookup", "centre", spellings(n for c in knowledge.centres for n in [c.name, *c.aliases])),
        _block("lookup", "label", spellings(n for label in knowledge.labels for n in [label.name, *label.aliases])),
    ]
    # Synonyms map what the NLU extracts to the value the actions expect: a centre's name, a label's id.
    for centre in knowledge.centres:
        forms = [form for form in spellings([centre.name, *centre.aliases]) if form != centre.name]
        if forms:
            blocks.append(_block("synonym", centre.name, forms))
    for label in knowledge.labels:
        blocks.append(_block("synonym", label.id, spellings([label.name, *label.aliases])))
    content = HEADER + 'version: "3.1"\nnlu:\n' + "".join(blocks)
    yaml.safe_load(content)  # fails here, not in `rasa train`, if a name breaks the YAML
    return content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is current")
    parser.add_argument("--knowledge", default=str(DEFAULT_KNOWLEDGE_FILE), help="knowledge file to read")
    parser.add_argument("--data", default=DATA_DIR, type=Path, help="training data folder (default: data/)")
    args = parser.parse_args(argv)
    entity_file = args.data / ENTITY_DATA_PATH
    try:
        knowledge = load_knowledge(args.knowledge)
    except KnowledgeError as error:  # `make train` (and so `make run`) stops here: the problems, no traceback
        print(error.summary(), file=sys.stderr)
        return 1
    content = entity_data(knowledge)
    current = entity_file.read_text(encoding="utf-8") if entity_file.exists() else ""
    if args.check:
        if current != content:
            print(f"{entity_file} is out of date with the knowledge file: run `make train`.")
            return 1
        return 0
    if current != content:
        entity_file.write_text(content, encoding="utf-8")
        print(f"Updated {entity_file} from the knowledge file.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
