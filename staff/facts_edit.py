"""Editing the knowledge file's facts without writing YAML (the facts page, staff/facts_web.py): pure logic.

Each change reads the file afresh, changes one fact in the YAML kept as it is written (ruamel.yaml's round-trip:
comments, order, quotes and flow lists stay, so a one-fact edit is a diff of that fact's lines alone), validates
the whole new text with the loader the action server uses (`load_knowledge`), and only then replaces the file
atomically. Every change is appended to a journal beside the knowledge file (`journal_of`): who, when, which
fact, its fields before and after; undoing a change is a new change, journaled too.

The journal lives beside the knowledge file, not in var/: var/ is per machine, ignored by git and purged
(conversations), while the journal must survive and be reviewable; beside the file it is saved and backed up
with it, and a developer who commits the staff's edits commits their history with them.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from actions.knowledge.loading import KnowledgeError, load_knowledge
from actions.topic_registry import BUTTON_TITLES, Topic

# The fields the page edits, in the order it shows them.
FIELDS = ("text", "text_en", "source", "valid_until")
# A centre's facts the page can add or replace: the centre's details the bot answers (its `details:`).
CENTRE_DETAILS = {"address": "adresse", "hours": "horaires", "contact": "téléphone et e-mail"}
# How many changes the page lists.
RECENT = 20


class EditError(Exception):
    """A change refused: `problems` say why, in French (the loader's messages, or the page's own)."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Draft:
    """A fact's fields as the staff write them in the form ("" for no end date)."""

    text: str
    text_en: str
    source: str
    valid_until: str = ""

    def fields(self) -> dict[str, str]:
        return {"text": self.text, "text_en": self.text_en, "source": self.source, "valid_until": self.valid_until}


@dataclass(frozen=True)
class Group:
    """Facts shown together: those of a topic, of a centre, of a need, or the others."""

    key: str
    title: str
    fact_ids: list[str]


@dataclass(frozen=True)
class Change:
    """One saved change: `before` is None for a fact added, `after` None for a fact removed (an addition undone)."""

    who: str
    when: str
    fact: str
    before: dict[str, str] | None
    after: dict[str, str] | None
    # Where an added fact was attached: "topic:hours", "centre:gap:hours", "need:training", "service:training".
    target: str = ""
    undoes: int | None = None  # the number of the change it undoes (its line in the journal, from 1)
    number: int = field(default=0, compare=False)  # its own line in the journal, from 1


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 100_000  # type: ignore[assignment]  # the file's long lines stay whole
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def parse(text: str) -> Any:
    return _yaml().load(text)


def dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def read(path: Path) -> Any:
    return parse(path.read_text(encoding="utf-8"))


def fact_fields(data: Any, fact_id: str) -> dict[str, str]:
    fact = data["facts"][fact_id]
    return {name: "" if fact.get(name) is None else str(fact.get(name)) for name in FIELDS}


# --- What the page lists ------------------------------------------------------------------------------


def topic_title(topic: str) -> str:
    entry = next((one.entry for one in Topic if one.value == topic), None)
    return BUTTON_TITLES["fr"].get(entry.intent, topic) if entry else topic


def groups(data: Any) -> list[Group]:
    """The facts by what they are about: topics (by their titles), centres, needs, then every other fact."""
    found: list[Group] = []
    for topic, ids in (data.get("topics") or {}).items():
        found.append(Group(f"topic:{topic}", f"Sujet : {topic_title(topic)}", [str(one) for one in ids]))
    for centre in data.get("centres") or []:
        ids = _unique([*(centre.get("facts") or []), *(centre.get("details") or {}).values()])
        if centre.get("address"):
            ids = _unique([*ids, centre["address"]])
        found.append(Group(f"centre:{centre['id']}", f"Centre : {centre['name']}", ids))
    for need in (data.get("needs") or {}).get("items") or []:
        ids = _unique([*(need.get("facts") or []), *(need.get("services") or [])])
        found.append(Group(f"need:{need['id']}", f"Besoin : {need['title']}", ids))
    shown = {fact_id for group in found for fact_id in group.fact_ids}
    others = [str(fact_id) for fact_id in data["facts"] if fact_id not in shown]
    found.append(Group("other", "Autres faits", others))
    return found


def _unique(ids: Iterable[Any]) -> list[str]:
    return list(dict.fromkeys(str(one) for one in ids))


def targets(data: Any) -> list[tuple[str, str]]:
    """Where a new fact can go: (value of the form's choice, its French label)."""
    choices = [(f"topic:{topic}", f"Sujet : {topic_title(topic)}") for topic in data.get("topics") or {}]
    for centre in data.get("centres") or []:
        for detail, words in CENTRE_DETAILS.items():
            choices.append((f"centre:{centre['id']}:{detail}", f"Centre de {centre['name']} : {words}"))
    for need in (data.get("needs") or {}).get("items") or []:
        choices.append((f"need:{need['id']}", f"Besoin : {need['title']}"))
        choices.append((f"service:{need['id']}", f"Besoin : {need['title']} — un service public"))
    return choices


def sources(data: Any) -> list[tuple[str, str]]:
    return [(str(key), str(source["title"])) for key, source in data["sources"].items()]


# --- Changing the data (in memory) --------------------------------------------------------------------


def _set_fields(fact: CommentedMap, draft: Draft) -> None:
    fact["text"] = DoubleQuotedScalarString(draft.text.strip())
    fact["text_en"] = DoubleQuotedScalarString(draft.text_en.strip())
    fact["source"] = draft.source.strip()
    until = draft.valid_until.strip()
    if until:
        try:
            fact["valid_until"] = date.fromisoformat(until)
        except ValueError:
            fact["valid_until"] = until  # the loader names it, in French
    elif "valid_until" in fact:
        del fact["valid_until"]


def edit(data: Any, fact_id: str, draft: Draft) -> None:
    if fact_id not in data["facts"]:
        raise EditError([f"Le fait « {fact_id} » n'existe plus : rechargez la page."])
    _set_fields(data["facts"][fact_id], draft)


def new_fact_id(data: Any, target: str) -> str:
    stem = re.sub(r"[^a-z0-9_]+", "_", target.replace(":", "_").lower()).strip("_") or "fact"
    if not stem[0].isalpha():
        stem = f"fact_{stem}"
    number = 1
    while f"{stem}_{number}" in data["facts"]:
        number += 1
    return f"{stem}_{number}"


def _centre(data: Any, centre_id: str) -> Any:
    return next((centre for centre in data.get("centres") or [] if centre["id"] == centre_id), None)


def _need(data: Any, need_id: str) -> Any:
    return next((need for need in (data.get("needs") or {}).get("items") or [] if need["id"] == need_id), None)


def add(data: Any, target: str, draft: Draft) -> str:
    """Add a fact made of `draft` where `target` says; its new id."""
    kind, _, rest = target.partition(":")
    fact_id = new_fact_id(data, target)
    fact = CommentedMap()
    _set_fields(fact, draft)
    if kind == "topic" and rest in (data.get("topics") or {}):
        data["topics"][rest].append(fact_id)
    elif kind == "centre" and _centre(data, rest.partition(":")[0]) is not None:
        centre_id, _, detail = rest.partition(":")
        if detail not in CENTRE_DETAILS:
            raise EditError(["Choisissez ce que le fait dit du centre : adresse, horaires ou téléphone."])
        centre = _centre(data, centre_id)
        centre.setdefault("facts", _flow([])).append(fact_id)
        centre.setdefault("details", CommentedMap())[detail] = fact_id
        if detail == "address":
            centre["address"] = fact_id
    elif kind in ("need", "service") and _need(data, rest) is not None:
        _need(data, rest).setdefault("facts" if kind == "need" else "services", _flow([])).append(fact_id)
    else:
        raise EditError(["Choisissez où ajouter le fait : un sujet, un centre ou un besoin."])
    data["facts"][fact_id] = fact
    return fact_id


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def remove(data: Any, fact_id: str) -> None:
    """Remove a fact and every reference to it (undoing its addition)."""
    data["facts"].pop(fact_id, None)
    for ids in (data.get("topics") or {}).values():
        while fact_id in ids:
            ids.remove(fact_id)
    centres = list(data.get("centres") or [])
    for entry in [*centres, *((data.get("needs") or {}).get("items") or [])]:
        for key in ("facts", "services"):
            while fact_id in (entry.get(key) or []):
                entry[key].remove(fact_id)
        for detail, value in list((entry.get("details") or {}).items()):
            if value == fact_id:
                del entry["details"][detail]
        if entry.get("address") == fact_id:
            del entry["address"]
        for key in ("facts", "details"):
            if key in entry and not entry[key] and any(entry is centre for centre in centres):
                del entry[key]  # a centre as it was written before the fact was added


# --- Checking, saving, the journal --------------------------------------------------------------------


def problems(text: str) -> list[str]:
    """What the loader finds wrong with a knowledge file's text, in French (empty: it loads)."""
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "brouillon.yml"
        draft.write_text(text, encoding="utf-8")
        try:
            load_knowledge(draft)
        except KnowledgeError as error:
            return [re.sub(r"^ligne [0-9]+(, colonne [0-9]+)?, ", "", problem) for problem in error.problems]
    return []


def file_problems(path: Path) -> list[str]:
    """What is wrong with the knowledge file as it is on disk, in French, each with its line and how to fix it
    (empty: it loads)."""
    try:
        load_knowledge(path)
    except KnowledgeError as error:
        return list(error.problems)
    return []


def save(path: Path, text: str) -> None:
    """Replace the file at once: readers see the old file or the new one, never half of it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def journal_of(path: Path) -> Path:
    """The journal of a knowledge file's changes: beside it (knowledge/cite_des_metiers.changes.jsonl)."""
    return path.with_name(f"{path.stem}.changes.jsonl")


def read_changes(journal: Path) -> list[Change]:
    if not journal.exists():
        return []
    changes = []
    for number, line in enumerate(journal.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            record = json.loads(line)
            changes.append(Change(**record, number=number))
    return changes


def _record(journal: Path, change: Change) -> None:
    record = {key: value for key, value in change.__dict__.items() if key != "number"}
    with journal.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def apply(path: Path, who: str, change: Any, now: datetime | None = None) -> Change:
    """Read the file, make `change` (a function of the data that returns (fact id, target)), check the result
    with the loader and save it, then journal it. EditError (nothing saved) when the result does not load."""
    with _WRITING:
        return _apply(path, who, change, now)


# One change at a time (the page's server answers each request in a thread): none is lost.
_WRITING = threading.Lock()


def _apply(path: Path, who: str, change: Any, now: datetime | None) -> Change:
    text = path.read_text(encoding="utf-8")
    data, original = parse(text), parse(text)
    fact_id, target, undoes = change(data)
    before = fact_fields(original, fact_id) if fact_id in original["facts"] else None
    after = fact_fields(data, fact_id) if fact_id in data["facts"] else None
    new_text = dump(data)
    found = problems(new_text)
    if found:
        raise EditError(found)
    save(path, new_text)
    record = Change(
        who=who.strip() or "anonyme",
        when=(now or datetime.now()).isoformat(timespec="seconds"),
        fact=fact_id,
        before=before,
        after=after,
        target=target,
        undoes=undoes,
    )
    _record(journal_of(path), record)
    return record


def save_edit(path: Path, who: str, fact_id: str, draft: Draft, now: datetime | None = None) -> Change:
    def change(data: Any) -> tuple[str, str, None]:
        edit(data, fact_id, draft)
        return fact_id, "", None

    return apply(path, who, change, now)


def save_addition(path: Path, who: str, target: str, draft: Draft, now: datetime | None = None) -> Change:
    def change(data: Any) -> tuple[str, str, None]:
        return add(data, target, draft), target, None

    return apply(path, who, change, now)


def undo(path: Path, who: str, number: int, now: datetime | None = None) -> Change:
    """Undo the change numbered `number`: its fact gets its fields before it back (an added fact is removed)."""
    changes = read_changes(journal_of(path))
    undone = next((one for one in changes if one.number == number), None)
    if undone is None:
        raise EditError(["Cette modification n'existe pas dans l'historique."])
    later = [one.number for one in changes if one.fact == undone.fact and one.number > number]

    def change(data: Any) -> tuple[str, str, int]:
        current = fact_fields(data, undone.fact) if undone.fact in data["facts"] else None
        if later and current != undone.after:  # undoing it would silently undo the later changes too
            raise EditError(
                [
                    f"Le fait « {undone.fact} » a changé depuis (modification n° {later[-1]}) : annulez d'abord "
                    "les modifications plus récentes, ou modifiez le fait directement."
                ]
            )
        if undone.before is None:
            remove(data, undone.fact)
        elif undone.fact in data["facts"]:
            edit(data, undone.fact, Draft(**undone.before))
        else:
            raise EditError([f"Le fait « {undone.fact} » n'existe plus : rien à annuler."])
        return undone.fact, undone.target, undone.number

    return apply(path, who, change, now)


def preview_file(path: Path, folder: Path, change: Any) -> tuple[Path | None, list[str], str]:
    """The draft of a change written in `folder` (not saved): its path (None if it does not load), the problems,
    and the fact's id."""
    data = read(path)
    fact_id, _, _ = change(data)
    text = dump(data)
    found = problems(text)
    if found:
        return None, found, fact_id
    draft = folder / "brouillon.yml"
    draft.write_text(text, encoding="utf-8")
    return draft, [], fact_id
