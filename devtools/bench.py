"""`make bench`: speed, memory and quality of the assistant, side by side with Rasa's default configuration.

For each configuration (the project's `config.yml`, and `bench/config.rasa-default.yml`, what `rasa init`
writes), on the same training data:
  1. trains a model with an empty cache (training time, model size). The default's training takes about an
     hour on 2 cores: its model and training time are kept beside it (results/bench/models/) with a
     fingerprint of the data and config, and reused while they match (`--retrain-default` trains it again);
  2. measures intent macro-F1 on the held-out examples of each language (`rasa test nlu`), and by 5-fold
     cross-validation (devtools/cross_validate.py); the default's cross-validation trains five of its
     models (hours), so it runs only with `--default-cv` and its figures are kept in the same way;
  3. starts the servers as `make run` does (`cdm-run serve`) and times the cold start, from the command to
     the first answer, twice for each configuration, one after the other's;
  4. keeps both running and measures through the REST channel, at 1, 8 and 32 conversations in parallel, the
     per-turn latency (p50, p95, p99), turns per second and errors (devtools/load_test.py's conversations:
     every turn calls the action server, and each answer is checked). The rounds alternate between the two
     configurations, so that a change of the machine's speed during the run weighs on both alike;
  5. reads the peak resident memory of each Rasa server and action server.
Writes results/bench.md (tables, the targets with their ratios and whether each is met), results/bench.json
and results/bench_latency.png, and prints the tables.

Usage: bench.py [--configs project,rasa-default] [--rounds-scale 1.0] [--reuse-models] [--retrain-default]
                [--default-cv [--default-cv-folds-now N]] [--folds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import requests

from devtools import cross_validate
from devtools.bench_report import (
    CONCURRENCY,
    DEFAULT,
    LANGUAGES,
    PROJECT,
    ConfigResult,
    LevelResult,
    Training,
    plot,
    tables,
    targets,
)
from devtools.load_test import LoadResult, run_load
from ops import processes, settings
from ops.processes import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "results"
BENCH_DIR = RESULTS / "bench"
MODELS_DIR = BENCH_DIR / "models"
RASA = processes.RASA

CONFIGS = {PROJECT: PROJECT_ROOT / "config.yml", DEFAULT: PROJECT_ROOT / "bench" / "config.rasa-default.yml"}
HELDOUT = {
    "fr": PROJECT_ROOT / "tests" / "nlu" / "holdout.yml",
    "en": PROJECT_ROOT / "tests" / "nlu" / "holdout_en.yml",
}
TURNS_PER_CONVERSATION = 10
# Rounds per level, so that each level has a few hundred turns of conversations of the same length.
ROUNDS = {1: 20, 8: 4, 32: 2}
WARM_UP_TURNS = 30
COLD_STARTS = 2
START_TIMEOUT_S = 300


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def fingerprint(config: Path) -> str:
    """What a model of `config` depends on: the config, the domain, the training data and Rasa's version."""
    files = [config, PROJECT_ROOT / "domain.yml", *sorted((PROJECT_ROOT / "data").rglob("*.yml"))]
    return cross_validate.files_digest(PROJECT_ROOT, files)


def _kept(path: Path, print_as: str) -> dict[str, Any] | None:
    """A figure kept by an earlier run, if its fingerprint is still the data's."""
    try:
        kept: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept if kept.get("fingerprint") == print_as else None


def train(name: str, config: Path) -> tuple[Path, float]:
    """A model trained from scratch: an empty cache, so that no component is restored from an earlier run."""
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        env = {**settings.environment(), "RASA_CACHE_DIRECTORY": cache, "RASA_TELEMETRY_ENABLED": "false"}
        command = [RASA, "train", "--config", str(config), "--domain", "domain.yml", "--data", "data",
                   "--out", str(MODELS_DIR), "--fixed-model-name", name, "--force"]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return MODELS_DIR / f"{name}.tar.gz", time.perf_counter() - started


def trained_model(name: str, config: Path, reuse: bool) -> tuple[Path, Training]:
    """The model of `config`: trained now, or with `reuse`, the one an earlier run trained on the same data and
    config, with the training time measured then."""
    model, record = MODELS_DIR / f"{name}.tar.gz", MODELS_DIR / f"{name}.training.json"
    print_as = fingerprint(config)
    kept = _kept(record, print_as) if reuse and model.exists() else None
    if kept is not None:
        log(f"{name}: the model trained on {kept['trained_on']} has the same data and config; reused")
        return model, Training(float(kept["training_s"]), str(kept["trained_on"]), measured_in_this_run=False)
    log(f"{name}: training from scratch with {config.relative_to(PROJECT_ROOT)}...")
    model, seconds = train(name, config)
    trained_on = time.strftime("%Y-%m-%d")
    record.write_text(json.dumps({"fingerprint": print_as, "training_s": seconds, "trained_on": trained_on}) + "\n")
    log(f"{name}: trained in {seconds:.0f} s")
    return model, Training(seconds, trained_on, measured_in_this_run=True)


def heldout_f1(name: str, model: Path) -> dict[str, float]:
    """Intent macro-F1 on each language's held-out examples."""
    scores = {}
    for language, examples in HELDOUT.items():
        out = BENCH_DIR / name / f"holdout_{language}"
        command = [RASA, "test", "nlu", "--model", str(model), "--nlu", str(examples), "--out", str(out)]
        subprocess.run(command, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
        scores[language] = float(report["macro avg"]["f1-score"])
    return scores


def cross_validation(
    name: str, config: Path, folds: int, run: bool, reuse: bool, max_new_folds: int | None = None
) -> tuple[dict[str, float], str]:
    """Each language's intent macro-F1 in `folds`-fold cross-validation (devtools/cross_validate.py), run now
    when `run`, or kept from an earlier run of the same data and config when `reuse`; with a note when not.
    Rasa's default config keeps each fold's predictions (about 30 minutes a fold), so that its cross-validation
    can go on over several runs (`max_new_folds` at a time)."""
    record = BENCH_DIR / name / f"cv{folds}.json"
    print_as = fingerprint(config)
    kept = _kept(record, print_as) if reuse or not run else None
    if kept is not None:
        log(f"{name}: {folds}-fold cross-validation of {kept['measured_on']}, same data and config; reused")
        return {language: float(kept[language]) for language in LANGUAGES}, f"measured {kept['measured_on']}"
    keep = BENCH_DIR / name / "folds" if name == DEFAULT else None
    if not run:
        done = folds_kept(config, folds, keep)
        return {}, "not run (about 2.5 hours on 2 cores: `--default-cv`)" + (
            f"; {done} of {folds} folds kept" if done else ""
        )
    log(f"{name}: {folds}-fold cross-validation (trains up to {max_new_folds or folds} models)...")
    out = BENCH_DIR / name / "cross-validation"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "devtools.cross_validate", "--config", str(config), "--folds", str(folds),
               "--out", str(out)]  # fmt: skip
    if keep is not None:
        command += ["--keep", str(keep)] + (["--max-new-folds", str(max_new_folds)] if max_new_folds else [])
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
    if not (out / "folds.json").exists():
        done = folds_kept(config, folds, keep)
        return {}, f"{done} of {folds} folds done (`--default-cv` goes on)"
    scores = {
        language: float(json.loads((out / language / "intent_report.json").read_text())["macro avg"]["f1-score"])
        for language in LANGUAGES
    }
    measured_on = time.strftime("%Y-%m-%d")
    record.write_text(json.dumps({"fingerprint": print_as, "measured_on": measured_on, **scores}) + "\n")
    return scores, ""


def folds_kept(config: Path, folds: int, keep: Path | None) -> int:
    """How many folds of the cross-validation of `config` are kept in `keep` for the data of today."""
    key = cross_validate.fold_key(PROJECT_ROOT / "data" / "nlu", config, folds)
    return sum(cross_validate.kept_fold(keep, number, folds, key) is not None for number in range(1, folds + 1))


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MB of 10^6 bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6  # /proc counts in KiB
    return float("nan")


class Servers:
    """The runner (`cdm-run serve`, what `make run` starts) with a given model, on free ports, in a session of
    its own."""

    def __init__(self, model: Path, log_file: Path) -> None:
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.rest_url = f"http://localhost:{self.rasa_port}/webhooks/rest/webhook"
        env = {
            **settings.environment(),
            "RASA_MODEL": str(model),
            "RASA_PORT": str(self.rasa_port),
            "ACTIONS_PORT": str(self.actions_port),
            "WEB_PORT": str(free_port()),
            "TRACKER_DB": str(log_file.with_suffix(".db")),
            # The load comes from one address and sends as fast as it can: what is measured is the bot's
            # answers, not the rate limiter's refusals (rasa_extensions/rate_limit.py).
            "RATE_LIMIT_CONVERSATION": "0",
            "RATE_LIMIT_CLIENT": "0",
        }
        log_file.parent.mkdir(parents=True, exist_ok=True)
        Path(env["TRACKER_DB"]).unlink(missing_ok=True)
        self.started = time.perf_counter()
        with log_file.open("ab") as output:
            self.process = processes.start([*processes.RUNNER, "serve"], env=env, output=output, own_session=True)

    def _answers_a_question(self) -> bool:
        replies = requests.post(
            self.rest_url, json={"sender": "bench-cold-start", "message": "C'est gratuit ?"}, timeout=10
        ).json()
        return any("gratuit" in reply.get("text", "") for reply in replies)

    def wait_for_first_answer(self) -> float:
        """Seconds from the command to the first real answer (the cold start)."""
        try:
            processes.wait_until(self._answers_a_question, self.process, "runner", START_TIMEOUT_S, poll_s=0.2)
        except processes.StartFailed as failure:
            raise SystemExit(str(failure)) from None
        return time.perf_counter() - self.started

    def server_pids(self) -> dict[str, int]:
        pids = {}
        # The runner's session: supervisord and the servers it started (ops/supervision.py).
        for line in processes.session_processes(self.process.pid):
            pid, _, command = line.split(maxsplit=2)
            if " run actions " in command:
                pids["actions"] = int(pid)
            elif " run --model " in command:
                pids["rasa"] = int(pid)
        return pids

    def stop(self) -> None:
        processes.stop_session(self.process)


def one_round(url: str, concurrency: int) -> LoadResult:
    return asyncio.run(run_load(url, concurrency, TURNS_PER_CONVERSATION, timeout=60))


def level_result(concurrency: int, rounds: list[LoadResult]) -> LevelResult:
    merged = LoadResult(url=rounds[0].url, conversations=concurrency, turns=TURNS_PER_CONVERSATION)
    for result in rounds:
        merged.latencies_ms += result.latencies_ms
        merged.wall_time_s += result.wall_time_s
        merged.answered += result.answered
        for kind, count in result.errors.items():
            merged.errors[kind] += count
    turns = concurrency * TURNS_PER_CONVERSATION * len(rounds)
    unanswered = turns - merged.answered
    # load_test counts a reply that is no list of messages as an unexpected answer: here it is unanswered.
    malformed = unanswered - merged.errors["http_status"] - merged.errors["exception"]
    return LevelResult(
        concurrency=concurrency,
        turns=turns,
        p50_ms=merged.percentile_ms(50),
        p95_ms=merged.percentile_ms(95),
        p99_ms=merged.percentile_ms(99),
        turns_per_s=merged.answered / merged.wall_time_s,
        errors=unanswered + merged.errors["wrong_recipient"],
        unexpected_answers=merged.errors["unexpected_answer"] - malformed,
    )


def start_all(results: list[ConfigResult], models: dict[str, Path]) -> dict[str, Servers]:
    """Cold starts, `COLD_STARTS` of each configuration in turn; the last servers of each stay up."""
    running: dict[str, Servers] = {}
    for attempt in range(1, COLD_STARTS + 1):
        for result in results:
            if result.name in running:
                running.pop(result.name).stop()
            log(f"{result.name}: starting the servers (cdm-run serve), cold start {attempt}/{COLD_STARTS}...")
            servers = running[result.name] = Servers(models[result.name], BENCH_DIR / result.name / "servers.log")
            result.cold_starts_s.append(servers.wait_for_first_answer())
            log(f"{result.name}: first answer {result.cold_starts_s[-1]:.1f} s after the command")
    return running


def measure_load(results: list[ConfigResult], running: dict[str, Servers], rounds_scale: float) -> None:
    """Every level, its rounds alternating between the configurations (each starts every other round)."""
    for result in results:
        asyncio.run(run_load(running[result.name].rest_url, 3, WARM_UP_TURNS // 3, timeout=60))
    for concurrency in CONCURRENCY:
        rounds = max(1, round(ROUNDS[concurrency] * rounds_scale))
        measured: dict[str, list[LoadResult]] = {result.name: [] for result in results}
        for number in range(rounds):
            order = results if number % 2 == 0 else list(reversed(results))
            for result in order:
                measured[result.name].append(one_round(running[result.name].rest_url, concurrency))
        for result in results:
            level = level_result(concurrency, measured[result.name])
            result.levels.append(level)
            log(
                f"{result.name}: {concurrency:>2} conversations: p50 {level.p50_ms:.0f} ms, p95 {level.p95_ms:.0f} "
                f"ms, {level.turns_per_s:.1f} turns/s, {level.errors} errors"
            )


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="project,rasa-default", help="which configs (project,rasa-default)")
    parser.add_argument("--rounds-scale", type=float, default=1.0, help="more or fewer rounds per level (1.0)")
    parser.add_argument(
        "--reuse-models",
        action="store_true",
        help="reuse every model and cross-validation of an earlier run of the same data and config",
    )
    parser.add_argument("--retrain-default", action="store_true", help="train Rasa's default config again (an hour)")
    parser.add_argument("--default-cv", action="store_true", help="cross-validate Rasa's default config (hours)")
    parser.add_argument("--default-cv-folds-now", type=int, help="with --default-cv: train at most this many folds")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (5)")
    args = parser.parse_args(argv)  # fmt: skip
    names = [name.strip() for name in args.configs.split(",") if name.strip()]
    if PROJECT not in names or not set(names) <= set(CONFIGS):
        parser.error(f"--configs: 'project' and optionally 'rasa-default' (got {args.configs})")
    if shutil.which("ps") is None:
        raise SystemExit("ERROR: the benchmark needs ps (Debian package procps).")

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = [ConfigResult(name=name, config=str(CONFIGS[name].relative_to(PROJECT_ROOT))) for name in names]
    models = {}
    for result in results:
        config = CONFIGS[result.name]
        reuse = args.reuse_models or (result.name == DEFAULT and not args.retrain_default)
        models[result.name], result.training = trained_model(result.name, config, reuse)
        result.model_mb = models[result.name].stat().st_size / 1e6
        log(f"{result.name}: intent F1 on the held-out examples...")
        result.heldout_f1 = heldout_f1(result.name, models[result.name])
        run_cv = result.name == PROJECT or args.default_cv
        result.cv_f1, result.cv_note = cross_validation(
            result.name, config, args.folds, run_cv, args.reuse_models, args.default_cv_folds_now
        )
        result.cv_folds = args.folds if result.cv_f1 else 0

    running = start_all(results, models)
    try:
        measure_load(results, running, args.rounds_scale)
        for result in results:
            pids = running[result.name].server_pids()
            result.rasa_rss_mb = peak_rss_mb(pids["rasa"])
            result.actions_rss_mb = peak_rss_mb(pids["actions"])
    finally:
        for servers in running.values():
            servers.stop()

    plot(results, RESULTS / "bench_latency.png")
    report = "\n\n".join([
        "# Benchmark", f"Measured by `make bench` on {time.strftime('%Y-%m-%d %H:%M')}, {machine()}.",
        tables(results), "## Targets (ratios: project / Rasa default)", targets(results),
        f"Each level: conversations of {TURNS_PER_CONVERSATION} turns (devtools/load_test.py: centres and "
        "follow-ups, every turn through the action server), in rounds that alternate between the "
        "configurations; latencies are per turn, through REST on loopback, the load generator on the same "
        "machine. ![latency](bench_latency.png)",
    ])  # fmt: skip
    (RESULTS / "bench.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / "bench.json").write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
    print()
    print(tables(results))
    print()
    print(targets(results))
    print(f"\nWritten: {RESULTS / 'bench.md'}, {RESULTS / 'bench_latency.png'}, {RESULTS / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
