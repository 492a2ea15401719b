"""The entity lookups and synonyms generated from the knowledge file."""

from __future__ import annotations

import yaml

from actions.knowledge.loading import load_knowledge
from scripts.build_entity_data import ENTITY_DATA_FILE, entity_data, main, spellings


def _blocks(content: str) -> dict[tuple[str, str], list[str]]:
    blocks = {}
    for block in yaml.safe_load(content)["nlu"]:
        kind = "lookup" if "lookup" in block else "synonym"
        examples = [line[2:] for line in block["examples"].splitlines()]
        blocks[(kind, block[kind])] = examples
    return blocks


def test_committed_file_is_current():
    assert main(["--check"]) == 0, f"run `make train` and commit {ENTITY_DATA_FILE}"


def test_spellings_add_lower_case_and_unaccented_forms():
    assert spellings(["La Garde", "Égalité pro", "la garde"]) == [
        "La Garde", "la garde", "Égalité pro", "égalité pro", "egalite pro",
    ]  # fmt: skip


def test_every_name_and_alias_is_a_lookup_and_maps_to_its_value():
    knowledge = load_knowledge()
    blocks = _blocks(entity_data(knowledge))
    for centre in knowledge.centres:
        for name in [centre.name, *centre.aliases]:
            assert name in blocks[("lookup", "centre")]
    assert "lagarde" in blocks[("synonym", "La Garde")]
    assert "egalite pro" in blocks[("synonym", "egalite_professionnelle")]
    assert "charte de la diversite" in blocks[("synonym", "charte_diversite")]


def test_a_centre_added_to_the_knowledge_file_reaches_the_lookups(knowledge_data, write_knowledge):
    knowledge_data["centres"].append(
        {"id": "digne", "name": "Digne-les-Bains", "kind": "associated", "aliases": ["digne"], "source": "seed"}
    )
    blocks = _blocks(entity_data(load_knowledge(write_knowledge(knowledge_data))))
    assert {"Digne-les-Bains", "digne-les-bains", "digne"} <= set(blocks[("lookup", "centre")])
    assert blocks[("synonym", "Digne-les-Bains")] == ["digne-les-bains", "digne"]
