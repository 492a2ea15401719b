"""`make bench`: speed, memory and quality of the assistant, side by side with Rasa's default configuration.

For each configuration (the project's `config.yml`, and `bench/config.rasa-default.yml`, what `rasa init`
writes), on the same training data:
  1. trains a model with an empty cache (training time, model size);
  2. measures intent macro-F1 on the held-out examples (`rasa test nlu`);
  3. starts the servers as `make run` does (`cdm-run serve`) and times the cold start, from the
     command to the first answer;
  4. warms up, then measures through the REST channel, at 1, 8 and 32 conversations in parallel, the
     per-turn latency (p50, p95, p99), turns per second and errors (devtools/load_test.py's conversations:
     every turn calls the action server, and each answer is checked);
  5. reads the peak resident memory of the Rasa server and of the action server.
Writes results/bench.md (tables), results/bench.json and results/bench_latency.png, and prints the tables.

Usage: bench.py [--configs project,rasa-default] [--rounds-scale 1.0] [--skip-training]
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import requests

from devtools.load_test import LoadResult, run_load
from ops import processes
from ops.processes import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "results"
BENCH_DIR = RESULTS / "bench"
RASA = processes.RASA

CONFIGS = {"project": PROJECT_ROOT / "config.yml", "rasa-default": PROJECT_ROOT / "bench" / "config.rasa-default.yml"}
CONCURRENCY = (1, 8, 32)
TURNS_PER_CONVERSATION = 10
# Rounds per level, so that each level has a few hundred turns of conversations of the same length.
ROUNDS = {1: 20, 8: 4, 32: 2}
WARM_UP_TURNS = 30
START_TIMEOUT_S = 300

# The targets of the issue, on a 2-core machine.
TARGET_P95_MS_AT_1 = 60.0
TARGET_TURNS_PER_S_AT_32 = 40.0
TARGET_RASA_RSS_MB = 1600.0  # 1.6 GB
TARGET_TRAINING_S = 180.0


@dataclass
class LevelResult:
    concurrency: int
    turns: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    turns_per_s: float
    errors: int  # no answer, HTTP errors, wrong recipient
    unexpected_answers: int  # answered, but not what the conversation asked for (an NLU miss)


@dataclass
class ConfigResult:
    name: str
    config: str
    training_s: float = 0.0
    model_mb: float = 0.0
    intent_macro_f1: float = 0.0
    cold_start_s: float = 0.0
    rasa_rss_mb: float = 0.0
    actions_rss_mb: float = 0.0
    levels: list[LevelResult] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def train(name: str, config: Path) -> tuple[Path, float]:
    """A model trained from scratch: an empty cache, so that no component is restored from an earlier run."""
    out = BENCH_DIR / "models"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        env = {**os.environ, "RASA_CACHE_DIRECTORY": cache, "RASA_TELEMETRY_ENABLED": "false"}
        command = [RASA, "train", "--config", str(config), "--domain", "domain.yml", "--data", "data",
                   "--out", str(out), "--fixed-model-name", name, "--force"]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return out / f"{name}.tar.gz", time.perf_counter() - started


def intent_macro_f1(name: str, model: Path) -> float:
    out = BENCH_DIR / name / "holdout"
    command = [RASA, "test", "nlu", "--model", str(model), "--nlu", "tests/nlu/holdout.yml", "--out", str(out)]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    f1: float = report["macro avg"]["f1-score"]
    return f1


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MB of 10^6 bytes (the unit of the 1.6 GB target)."""
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
            **os.environ,
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
        with log_file.open("wb") as output:
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


def measure_level(url: str, concurrency: int, rounds: int) -> LevelResult:
    merged = LoadResult(url=url, conversations=concurrency, turns=TURNS_PER_CONVERSATION)
    for _ in range(rounds):
        result = asyncio.run(run_load(url, concurrency, TURNS_PER_CONVERSATION, timeout=60))
        merged.latencies_ms += result.latencies_ms
        merged.wall_time_s += result.wall_time_s
        merged.answered += result.answered
        for kind, count in result.errors.items():
            merged.errors[kind] += count
    turns = concurrency * TURNS_PER_CONVERSATION * rounds
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


def bench_config(name: str, config: Path, rounds_scale: float, skip_training: bool) -> ConfigResult:
    result = ConfigResult(name=name, config=str(config.relative_to(PROJECT_ROOT)))
    model = BENCH_DIR / "models" / f"{name}.tar.gz"
    if skip_training and model.exists():
        log(f"{name}: using the model trained earlier ({model.name}); training time not measured")
    else:
        log(f"{name}: training from scratch with {result.config}...")
        model, result.training_s = train(name, config)
        log(f"{name}: trained in {result.training_s:.0f} s")
    result.model_mb = model.stat().st_size / 1e6
    log(f"{name}: intent F1 on the held-out examples...")
    result.intent_macro_f1 = intent_macro_f1(name, model)

    log(f"{name}: starting the servers (cdm-run serve)...")
    servers = Servers(model, BENCH_DIR / name / "servers.log")
    try:
        result.cold_start_s = servers.wait_for_first_answer()
        log(f"{name}: first answer {result.cold_start_s:.1f} s after the command; warming up...")
        asyncio.run(run_load(servers.rest_url, 3, WARM_UP_TURNS // 3, timeout=60))
        for concurrency in CONCURRENCY:
            rounds = max(1, round(ROUNDS[concurrency] * rounds_scale))
            level = measure_level(servers.rest_url, concurrency, rounds)
            log(
                f"{name}: {concurrency:>2} conversations: p50 {level.p50_ms:.0f} ms, p95 {level.p95_ms:.0f} ms, "
                f"{level.turns_per_s:.1f} turns/s, {level.errors} errors"
            )
            result.levels.append(level)
        pids = servers.server_pids()
        result.rasa_rss_mb = peak_rss_mb(pids["rasa"])
        result.actions_rss_mb = peak_rss_mb(pids["actions"])
    finally:
        servers.stop()
    return result


def _level(result: ConfigResult, concurrency: int) -> LevelResult:
    return next(level for level in result.levels if level.concurrency == concurrency)


def tables(results: list[ConfigResult]) -> str:
    header = "| | " + " | ".join(f"{r.name} (`{r.config}`)" for r in results) + " |"
    rule = "|---|" + "---:|" * len(results)

    def row(label: str, values: list[str]) -> str:
        return f"| {label} | " + " | ".join(values) + " |"

    lines = [header, rule]
    lines.append(row("intent macro-F1, held-out examples", [f"{r.intent_macro_f1:.3f}" for r in results]))
    lines.append(
        row("training time (empty cache)", [f"{r.training_s:.0f} s" if r.training_s else "n/a" for r in results])
    )  # noqa: E501
    lines.append(row("model size", [f"{r.model_mb:.1f} MB" for r in results]))
    lines.append(row("cold start (command to first answer)", [f"{r.cold_start_s:.1f} s" for r in results]))
    lines.append(row("peak memory, Rasa server", [f"{r.rasa_rss_mb:.0f} MB" for r in results]))
    lines.append(row("peak memory, action server", [f"{r.actions_rss_mb:.0f} MB" for r in results]))
    for concurrency in CONCURRENCY:
        levels = [_level(r, concurrency) for r in results]
        lines.append(row(f"**{concurrency} conversation(s)**: latency p50 / p95 / p99",
                         [f"{x.p50_ms:.0f} / {x.p95_ms:.0f} / {x.p99_ms:.0f} ms" for x in levels]))  # fmt: skip
        lines.append(row(f"{concurrency}: turns per second", [f"{x.turns_per_s:.1f}" for x in levels]))
        lines.append(row(f"{concurrency}: errors / turns", [f"{x.errors} / {x.turns}" for x in levels]))
        lines.append(
            row(f"{concurrency}: answers not matching the question", [f"{x.unexpected_answers}" for x in levels])
        )  # noqa: E501
    return "\n".join(lines)


def targets(results: list[ConfigResult]) -> str:
    project = next(r for r in results if r.name == "project")
    checks = [
        ("p95 latency at 1 conversation", f"≤ {TARGET_P95_MS_AT_1:.0f} ms", f"{_level(project, 1).p95_ms:.0f} ms",
         _level(project, 1).p95_ms <= TARGET_P95_MS_AT_1),
        ("turns per second at 32 conversations", f"≥ {TARGET_TURNS_PER_S_AT_32:.0f}",
         f"{_level(project, 32).turns_per_s:.1f}", _level(project, 32).turns_per_s >= TARGET_TURNS_PER_S_AT_32),
        ("errors at 32 conversations", "0", f"{_level(project, 32).errors}", _level(project, 32).errors == 0),
        ("peak memory of the Rasa server", f"< {TARGET_RASA_RSS_MB:.0f} MB", f"{project.rasa_rss_mb:.0f} MB",
         project.rasa_rss_mb < TARGET_RASA_RSS_MB),
        ("training time", f"< {TARGET_TRAINING_S:.0f} s", f"{project.training_s:.0f} s",
         0 < project.training_s < TARGET_TRAINING_S),
    ]  # fmt: skip
    default = next((r for r in results if r.name == "rasa-default"), None)
    if default:
        ratio = _level(project, 1).p50_ms / _level(default, 1).p50_ms
        checks += [
            ("intent macro-F1 above the default's", f"> {default.intent_macro_f1:.3f}",
             f"{project.intent_macro_f1:.3f}", project.intent_macro_f1 > default.intent_macro_f1),
            ("latency (p50 at 1) within 1.5x the default's", "≤ 1.5x", f"{ratio:.2f}x", ratio <= 1.5),
        ]  # fmt: skip
    lines = ["| target (project config) | wanted | measured | met |", "|---|---|---:|---|"]
    lines += [
        f"| {what} | {wanted} | {measured} | {'yes' if met else '**no**'} |" for what, wanted, measured, met in checks
    ]
    return "\n".join(lines)


def plot(results: list[ConfigResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.2))
    for result, colour in zip(results, ("tab:blue", "tab:orange"), strict=False):
        x = [level.concurrency for level in result.levels]
        axis.plot(x, [level.p50_ms for level in result.levels], "o-", color=colour, label=f"{result.name} p50")
        axis.plot(x, [level.p95_ms for level in result.levels], "s--", color=colour, label=f"{result.name} p95")
    axis.set_xscale("log", base=2)
    axis.set_yscale("log")
    axis.set_xticks(list(CONCURRENCY), [str(c) for c in CONCURRENCY])
    axis.set_xlabel("conversations in parallel")
    axis.set_ylabel("latency per turn (ms, log scale)")
    axis.set_title("REST latency per turn against concurrency (2 cores)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="project,rasa-default", help="which configs (project,rasa-default)")
    parser.add_argument("--rounds-scale", type=float, default=1.0, help="more or fewer rounds per level (1.0)")
    parser.add_argument("--skip-training", action="store_true", help="reuse the models of an earlier run")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.configs.split(",") if name.strip()]
    if "project" not in names or not set(names) <= set(CONFIGS):
        parser.error(f"--configs: 'project' and optionally 'rasa-default' (got {args.configs})")
    if shutil.which("ps") is None:
        raise SystemExit("ERROR: the benchmark needs ps (Debian package procps).")

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = [bench_config(name, CONFIGS[name], args.rounds_scale, args.skip_training) for name in names]

    plot(results, RESULTS / "bench_latency.png")
    report = "\n\n".join([
        "# Benchmark", f"Measured by `make bench` on {time.strftime('%Y-%m-%d %H:%M')}, {machine()}.",
        tables(results), "## Targets", targets(results),
        f"Each level: conversations of {TURNS_PER_CONVERSATION} turns (devtools/load_test.py: centres and "
        "follow-ups, every turn through the action server), in rounds; latencies are per turn, through REST on "
        "loopback, the load generator on the same machine. ![latency](bench_latency.png)",
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
