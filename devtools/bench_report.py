"""The report of `make bench` (devtools/bench.py): the figures of both configurations side by side, and the
issue's targets as ratios to Rasa's default configuration, each with whether it is met. Pure: it formats
figures measured elsewhere, and is tested on figures made up for the purpose (tests/test_bench.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = "project"
DEFAULT = "rasa-default"
CONCURRENCY = (1, 8, 32)
LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "French", "en": "English"}

# The targets ("Fast to retrain, light to host, quick to answer"), as ratios project / default.
MAX_TRAINING_RATIO = 0.4
MAX_TRAINING_S = 120.0  # "under 2 minutes on 2 cores"
MAX_COLD_START_RATIO = 0.4
MAX_MEMORY_RATIO = 0.6
MAX_LATENCY_RATIO = 0.5  # p50 and p95 at 1 conversation
MIN_THROUGHPUT_RATIO = 2.5  # turns per second at 32 conversations
# Quality not traded for speed: the gates of `make evaluate` (devtools/evaluate.sh), and above the default.
HELDOUT_GATE = 0.95
CV_GATE = 0.90


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
class Training:
    seconds: float
    trained_on: str  # when it was measured (a model of the same data and config may be reused)
    measured_in_this_run: bool


@dataclass
class ConfigResult:
    name: str
    config: str
    training: Training | None = None
    model_mb: float = 0.0
    heldout_f1: dict[str, float] = field(default_factory=dict)  # language -> intent macro-F1
    cv_f1: dict[str, float] = field(default_factory=dict)  # language -> intent macro-F1; empty: not run
    cv_folds: int = 0
    cv_note: str = ""  # why there is no cross-validation figure, or when it was measured
    cold_starts_s: list[float] = field(default_factory=list)
    rasa_rss_mb: float = 0.0
    actions_rss_mb: float = 0.0
    levels: list[LevelResult] = field(default_factory=list)

    @property
    def cold_start_s(self) -> float:
        """The median of the cold starts (the runs alternate with the other configuration's)."""
        ordered = sorted(self.cold_starts_s)
        if not ordered:
            return math.nan
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    def level(self, concurrency: int) -> LevelResult:
        return next(level for level in self.levels if level.concurrency == concurrency)


@dataclass
class Check:
    figure: str
    project: str
    default: str
    ratio: str
    target: str
    met: bool | None  # None: a figure is missing, so it cannot be said (counts as not met)

    def row(self) -> str:
        met = {True: "yes", False: "**no**", None: "**not measured**"}[self.met]
        return f"| {self.figure} | {self.project} | {self.default} | {self.ratio} | {self.target} | {met} |"


def _by_name(results: list[ConfigResult], name: str) -> ConfigResult | None:
    return next((result for result in results if result.name == name), None)


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def _f1(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _training_cell(result: ConfigResult) -> str:
    training = result.training
    if training is None:
        return "n/a"
    where = "" if training.measured_in_this_run else f" (measured {training.trained_on}, same data and config)"
    return _seconds(training.seconds) + where


def _cv_cell(result: ConfigResult, language: str) -> str:
    if language in result.cv_f1:
        return f"{result.cv_f1[language]:.3f} ({result.cv_folds} folds)"
    return result.cv_note


def _cold_start_cell(result: ConfigResult) -> str:
    return f"{result.cold_start_s:.1f} s (" + ", ".join(f"{s:.1f}" for s in result.cold_starts_s) + ")"


def tables(results: list[ConfigResult]) -> str:
    """Every figure of every configuration, side by side."""
    header = "| | " + " | ".join(f"{result.name} (`{result.config}`)" for result in results) + " |"
    lines = [header, "|---|" + "---:|" * len(results)]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    for language in LANGUAGES:
        row(f"intent macro-F1, {LANGUAGE_NAMES[language]} held-out examples",
            [_f1(r.heldout_f1.get(language)) for r in results])  # fmt: skip
    for language in LANGUAGES:
        row(f"intent macro-F1, {LANGUAGE_NAMES[language]} cross-validation", [_cv_cell(r, language) for r in results])
    row("training time (empty cache)", [_training_cell(r) for r in results])
    row("model size", [f"{r.model_mb:.1f} MB" for r in results])
    row("cold start, command to first answer (median; each run)", [_cold_start_cell(r) for r in results])
    row("peak memory, Rasa server", [f"{r.rasa_rss_mb:.0f} MB" for r in results])
    row("peak memory, action server", [f"{r.actions_rss_mb:.0f} MB" for r in results])
    for concurrency in CONCURRENCY:
        if not all(any(level.concurrency == concurrency for level in r.levels) for r in results):
            continue
        levels = [r.level(concurrency) for r in results]
        row(f"**{concurrency} conversation(s)**: latency p50 / p95 / p99",
            [f"{x.p50_ms:.0f} / {x.p95_ms:.0f} / {x.p99_ms:.0f} ms" for x in levels])  # fmt: skip
        row(f"{concurrency}: turns per second", [f"{x.turns_per_s:.1f}" for x in levels])
        row(f"{concurrency}: errors / turns", [f"{x.errors} / {x.turns}" for x in levels])
        row(f"{concurrency}: answers not matching the question", [f"{x.unexpected_answers}" for x in levels])
    return "\n".join(lines)


def _ratio_check(figure: str, project: float, default: float, unit: str, target: float, at_most: bool) -> Check:
    ratio = project / default if default else math.nan
    met = None if math.isnan(ratio) else (ratio <= target if at_most else ratio >= target)
    return Check(
        figure,
        f"{project:.1f} {unit}".strip(),
        f"{default:.1f} {unit}".strip(),
        f"{ratio:.2f}×",
        f"{'≤' if at_most else '≥'} {target}×",
        met,
    )


def _quality_check(figure: str, project: float | None, default: float | None, gate: float) -> Check:
    """At or above the gate of `make evaluate`, and above the default's figure."""
    if project is None or default is None:
        met = None
    else:
        met = project >= gate and project > default
    return Check(figure, _f1(project), _f1(default), "", f"≥ {gate} and above the default's", met)


def checks(results: list[ConfigResult]) -> list[Check]:
    """The issue's targets, each with the project's and the default's figures, their ratio and whether it
    is met. Without the default's results, only the project's own bounds can be checked."""
    project = _by_name(results, PROJECT)
    default = _by_name(results, DEFAULT)
    assert project is not None, "the project's configuration is always measured"
    training_s = project.training.seconds if project.training else math.nan
    found: list[Check] = []
    if default is not None:
        default_training_s = default.training.seconds if default.training else math.nan
        found += [
            _ratio_check("training time (empty cache)", training_s, default_training_s, "s", MAX_TRAINING_RATIO, True),
            _ratio_check("cold start, command to first answer", project.cold_start_s, default.cold_start_s, "s",
                         MAX_COLD_START_RATIO, True),
            _ratio_check("peak memory, Rasa server", project.rasa_rss_mb, default.rasa_rss_mb, "MB",
                         MAX_MEMORY_RATIO, True),
            _ratio_check("latency p50, 1 conversation", project.level(1).p50_ms, default.level(1).p50_ms, "ms",
                         MAX_LATENCY_RATIO, True),
            _ratio_check("latency p95, 1 conversation", project.level(1).p95_ms, default.level(1).p95_ms, "ms",
                         MAX_LATENCY_RATIO, True),
            _ratio_check("turns per second, 32 conversations", project.level(32).turns_per_s,
                         default.level(32).turns_per_s, "", MIN_THROUGHPUT_RATIO, False),
        ]  # fmt: skip
    found.append(
        Check("training time, under 2 minutes", _seconds(training_s), "", "", f"< {MAX_TRAINING_S:.0f} s",
              None if math.isnan(training_s) else training_s < MAX_TRAINING_S)
    )  # fmt: skip
    errors = project.level(32).errors
    found.append(Check("errors, 32 conversations", str(errors), "", "", "0", errors == 0))
    for language in LANGUAGES:
        name = LANGUAGE_NAMES[language]
        other_heldout = default.heldout_f1.get(language) if default else None
        other_cv = default.cv_f1.get(language) if default else None
        found.append(
            _quality_check(f"intent macro-F1, {name} held-out", project.heldout_f1.get(language), other_heldout,
                           HELDOUT_GATE)
        )  # fmt: skip
        found.append(
            _quality_check(f"intent macro-F1, {name} {project.cv_folds or 5}-fold cross-validation",
                           project.cv_f1.get(language), other_cv, CV_GATE)
        )  # fmt: skip
    return found


def targets(results: list[ConfigResult]) -> str:
    """The targets' table, and one line that says whether all are met."""
    found = checks(results)
    lines = [
        "| target | project | Rasa default | ratio | wanted | met |",
        "|---|---:|---:|---:|---|---|",
        *(check.row() for check in found),
    ]
    missed = [check.figure for check in found if check.met is not True]
    verdict = "All targets met." if not missed else f"Not met or not measured: {', '.join(missed)}."
    return "\n".join(lines) + "\n\n" + verdict


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
