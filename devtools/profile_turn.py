"""`make profile`: where the time of a turn goes, stage by stage (spaCy, featurizers, intents, entities, policies,
tracker store, action server call).

Starts the action server (as `cdm-run actions` does), loads the newest model in this process with the
project's `endpoints.yml` (action endpoint, SQL tracker store on a temporary SQLite file), as the Rasa
server does, plays conversations through Rasa's own message handler under cProfile, and prints the wall
time per turn of each stage.

The Rasa server applies `rasa_extensions/action_response_check.py` when it builds the project's channels;
so does this profile, unless --without-fix (to see the difference).

Usage: profile_turn.py [--turns 320] [--model models/] [--top 0] [--without-fix]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import logging
import os
import pstats
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from types import CodeType
from typing import Any

from ops import processes
from ops.models import newest_model
from ops.processes import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Stages: (name, the functions whose cumulative time is the stage's, as "module:Qualified.name"; a
# regular expression on "file:function" for the featurizers, which are many).
STAGES = [
    # endpoints.yml's tracker store (rasa_extensions/tracker_cache.py): Rasa's SQL store, with what it keeps.
    ("tracker store: load the conversation", "rasa_extensions.tracker_cache:CachingSQLTrackerStore.retrieve"),
    ("spaCy (SpacyNLP)", "rasa.nlu.utils.spacy_utils:SpacyNLP.process"),
    ("tokenizer and featurizers", r"re:rasa/nlu/(tokenizers/tokenizer|featurizers/.*)\.py:process$"),
    ("intents (MultiLabelIntentClassifier)", "rasa_extensions.multi_label_intents:MultiLabelIntentClassifier.process"),
    ("entities (CRFEntityExtractor)", "rasa.nlu.extractors.crf_entity_extractor:CRFEntityExtractor.process"),
    # Rasa's default configuration's classifier, when its model is profiled.
    ("DIETClassifier", "rasa.nlu.classifiers.diet_classifier:DIETClassifier.process"),
    ("TEDPolicy", "rasa.core.policies.ted_policy:TEDPolicy.predict_action_probabilities"),
    ("RulePolicy", "rasa.core.policies.rule_policy:RulePolicy.predict_action_probabilities"),
    ("MemoizationPolicy", "rasa.core.policies.memoization:MemoizationPolicy.predict_action_probabilities"),
    ("action server call (HTTP, actions)", "rasa.core.actions.action:RemoteAction.run"),
    ("tracker store: save the conversation", "rasa_extensions.tracker_cache:CachingSQLTrackerStore.save"),
]
TOTAL = "rasa.core.agent:Agent.handle_message"
# pstats.Stats keeps its figures in `.stats`: (file, line, function) -> (calls, primitive calls, total s, cumulative s,
# callers).
_StatsTable = dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
QUESTIONS = [
    "Bonjour",
    "C'est gratuit ?",
    "Avez-vous un centre à Gap ?",
    "et à Istres ?",
    "Quels labels avez-vous ?",
    "et la diversité ?",
    "il faut prendre rendez-vous ?",
    "merci, au revoir",
]


def _start_action_server(port: int) -> subprocess.Popen[bytes]:
    process = processes.start(processes.action_server_command(port), output=subprocess.DEVNULL, own_session=True)
    try:
        processes.wait_until_answers(processes.action_server_health(port), process, "action server", 120)
    except processes.StartFailed as failure:
        processes.stop_session(process)
        raise SystemExit(str(failure)) from None
    return process


async def _play(model: Path, actions_port: int, turns: int) -> pstats.Stats:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints
        from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(ACTIONS_PORT=str(actions_port), TRACKER_DB=f"{folder}/profile.db")
        endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
        agent = await load_agent(model_path=str(model), endpoints=endpoints)
        for index in range(2 * len(QUESTIONS)):  # warm-up: TensorFlow traces its graphs on first use
            await agent.handle_text(QUESTIONS[index % len(QUESTIONS)], sender_id=f"warm-up-{index // len(QUESTIONS)}")
        profile = cProfile.Profile()
        profile.enable()
        for index in range(turns):
            sender = f"profile-{index // len(QUESTIONS)}"  # conversations of len(QUESTIONS) turns
            await agent.handle_text(QUESTIONS[index % len(QUESTIONS)], sender_id=sender)
        profile.disable()
    return pstats.Stats(profile)


def _cumulative_s(stats: pstats.Stats, target: str) -> float:
    """Cumulative seconds of one function ("module:Qualified.name", found by its code object, so that a
    wrapper of the same name is not counted twice) or of every function matching "re:<pattern>"."""
    table: _StatsTable = stats.stats  # type: ignore[attr-defined]  # typeshed's pstats.Stats omits it
    entries = table.items()
    if target.startswith("re:"):
        regex = re.compile(target[3:])
        matches = (f"{file.replace(os.sep, '/')}:{function}" for (file, _, function), _ in entries)
        return sum(row[3] for match, (_, row) in zip(matches, entries, strict=True) if regex.search(match))
    module_name, qualified_name = target.split(":")
    function: Any = importlib.import_module(module_name)
    for part in qualified_name.split("."):
        function = getattr(function, part)
    code: CodeType = function.__code__
    key = (code.co_filename, code.co_firstlineno, code.co_name)
    return table[key][3] if key in table else 0.0


def breakdown(stats: pstats.Stats, turns: int) -> list[tuple[str, float]]:
    """(stage, ms per turn), the rest of the turn last."""
    rows = [(name, _cumulative_s(stats, pattern) * 1000 / turns) for name, pattern in STAGES]
    total = _cumulative_s(stats, TOTAL) * 1000 / turns
    rows.append(("Rasa's own work (processor, events, logging...)", total - sum(ms for _, ms in rows)))
    rows.append(("whole turn", total))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=320)
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    parser.add_argument("--without-fix", action="store_true", help="Rasa as it comes, without action_response_check.py")
    args = parser.parse_args(argv)
    if not args.without_fix:
        from rasa_extensions import action_response_check

        action_response_check.apply()
    model = newest_model(args.model)
    if model is None:
        raise SystemExit(f"No model in {args.model}: run `make train` first.")
    port = free_port()
    actions = _start_action_server(port)
    try:
        stats = asyncio.run(_play(model, port, args.turns))
    finally:
        processes.stop_session(actions)
    variant = "without" if args.without_fix else "with"
    print(
        f"Where a turn's time goes: {args.turns} turns through Rasa's message handler, model {model.name}, "
        f"{variant} rasa_extensions/action_response_check.py"
    )
    print("(time spent in this process under cProfile, which slows every Python call: compare stages, not")
    print(" absolute figures; a coroutine's waits, e.g. for the action server's reply, are not counted)\n")
    rows = breakdown(stats, args.turns)
    whole = rows[-1][1]
    for name, ms in rows:
        print(f"  {name:<50} {ms:7.2f} ms  {100 * ms / whole:5.1f} %")
    if args.top:
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
