"""The benchmark (devtools/bench.py, devtools/bench_report.py): its report from measured figures, the ratios
and whether each target is met, and what it may reuse of an earlier run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools import bench
from devtools.bench_report import DEFAULT, ConfigResult, LevelResult, Training, checks, plot, tables, targets
from devtools.load_test import LoadResult


def config_result(name: str, *, training_s: float, cold_s: float, rss: float, p50: float, p95: float,
                  turns_per_s_at_32: float, f1: float, cv: float | None) -> ConfigResult:  # fmt: skip
    levels = [
        LevelResult(1, 200, p50, p95, p95 * 1.2, 30.0, 0, 0),
        LevelResult(8, 320, 100.0, 150.0, 180.0, 45.0, 0, 1),
        LevelResult(32, 640, 500.0, 700.0, 800.0, turns_per_s_at_32, 0, 2),
    ]
    return ConfigResult(
        name=name,
        config=f"{name}.yml",
        training=Training(training_s, "2026-12-02", measured_in_this_run=True),
        model_mb=40.0,
        heldout_f1={"fr": f1, "en": f1 - 0.01},
        cv_f1={"fr": cv, "en": cv - 0.01} if cv is not None else {},
        cv_folds=5 if cv is not None else 0,
        cv_note="" if cv is not None else "not run (hours on 2 cores: `--default-cv`)",
        cold_starts_s=[cold_s, cold_s + 2],
        rasa_rss_mb=rss,
        actions_rss_mb=130.0,
        levels=levels,
    )


@pytest.fixture
def results() -> list[ConfigResult]:
    project = config_result("project", training_s=70, cold_s=15, rss=800, p50=15, p95=20, turns_per_s_at_32=80,
                            f1=0.97, cv=0.91)  # fmt: skip
    default = config_result("rasa-default", training_s=3600, cold_s=60, rss=1600, p50=40, p95=50,
                            turns_per_s_at_32=25, f1=0.93, cv=0.85)  # fmt: skip
    return [project, default]


def row(report: str, figure: str) -> str:
    return next(line for line in report.splitlines() if line.startswith(f"| {figure} |"))


def test_tables_show_both_configs_side_by_side(results):
    table = tables(results)
    assert "| project (`project.yml`) | rasa-default (`rasa-default.yml`) |" in table
    assert (
        row(table, "intent macro-F1, English held-out examples")
        == "| intent macro-F1, English held-out examples | 0.960 | 0.920 |"
    )
    assert "| 0.910 (5 folds) | 0.850 (5 folds) |" in row(table, "intent macro-F1, French cross-validation")
    assert "16.0 s (15.0, 17.0)" in row(table, "cold start, command to first answer (median; each run)")
    assert row(table, "32: turns per second") == "| 32: turns per second | 80.0 | 25.0 |"


def test_every_target_is_a_ratio_to_the_default_with_whether_it_is_met(results):
    report = targets(results)
    assert (
        row(report, "training time (empty cache)")
        == "| training time (empty cache) | 70.0 s | 3600.0 s | 0.02× | ≤ 0.4× | yes |"
    )
    assert row(report, "cold start, command to first answer").endswith("| 16.0 s | 61.0 s | 0.26× | ≤ 0.4× | yes |")
    assert "| 0.50× | ≤ 0.6× | yes |" in row(report, "peak memory, Rasa server")
    assert "| 0.38× | ≤ 0.5× | yes |" in row(report, "latency p50, 1 conversation")
    assert "| 0.40× | ≤ 0.5× | yes |" in row(report, "latency p95, 1 conversation")
    assert "| 3.20× | ≥ 2.5× | yes |" in row(report, "turns per second, 32 conversations")
    assert "| 0.970 | 0.930 |" in row(report, "intent macro-F1, French held-out")
    assert report.endswith("All targets met.")


def test_a_target_missed_says_no_and_is_named(results):
    results[0].rasa_rss_mb = 1000  # 0.625 of the default's
    results[0].levels[0].p95_ms = 30  # 0.6
    report = targets(results)
    assert row(report, "peak memory, Rasa server").endswith("| 0.62× | ≤ 0.6× | **no** |")
    assert row(report, "latency p95, 1 conversation").endswith("| **no** |")
    assert report.endswith("Not met or not measured: peak memory, Rasa server, latency p95, 1 conversation.")


def test_quality_must_pass_the_gate_and_beat_the_default(results):
    results[0].heldout_f1["fr"] = 0.94  # above the default's 0.93, under the gate of 0.95
    results[0].cv_f1["en"] = 0.84  # under the default's 0.84... and the gate
    failed = {check.figure for check in checks(results) if check.met is not True}
    assert failed == {"intent macro-F1, French held-out", "intent macro-F1, English 5-fold cross-validation"}


def test_a_figure_not_measured_is_not_met(results):
    results[1].cv_f1 = {}
    results[1].cv_note = "not run (hours on 2 cores: `--default-cv`)"
    report = targets(results)
    assert row(report, "intent macro-F1, French 5-fold cross-validation").endswith("| **not measured** |")
    assert "Not met or not measured: intent macro-F1, French 5-fold" in report
    assert "not run (hours on 2 cores" in row(tables(results), "intent macro-F1, French cross-validation")


def test_a_reused_training_time_says_when_it_was_measured(results):
    results[1].training = Training(3600, "2026-12-01", measured_in_this_run=False)
    assert "3600 s (measured 2026-12-01, same data and config)" in tables(results)


def test_without_the_default_only_the_projects_own_bounds_are_checked(results):
    figures = [check.figure for check in checks(results[:1])]
    assert "training time, under 2 minutes" in figures
    assert not any("ratio" in figure or "cold start" in figure for figure in figures)


def test_the_plot_is_a_png(results, tmp_path):
    path = tmp_path / "latency.png"
    plot(results, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rounds_are_merged_into_one_level():
    first = LoadResult(url="u", conversations=2, turns=10, latencies_ms=[10.0] * 20, wall_time_s=1.0, answered=20)
    second = LoadResult(url="u", conversations=2, turns=10, latencies_ms=[30.0] * 19, wall_time_s=1.0, answered=19)
    second.errors["http_status"] = 1
    level = bench.level_result(2, [first, second])
    assert (level.turns, level.errors, level.unexpected_answers) == (40, 1, 0)
    assert level.turns_per_s == pytest.approx(19.5)
    assert level.p50_ms == pytest.approx(10.0) and level.p95_ms == pytest.approx(30.0)


@pytest.fixture
def project_copy(tmp_path, monkeypatch) -> Path:
    """A project of one config, a domain and one data file, as the fingerprint reads them."""
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "data" / "nlu" / "greet.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - bonjour\n")
    monkeypatch.setattr(bench, "PROJECT_ROOT", tmp_path)
    return tmp_path


def test_the_fingerprint_changes_with_the_data_config_or_domain(project_copy):
    config = project_copy / "config.yml"
    before = bench.fingerprint(config)
    assert bench.fingerprint(config) == before
    for path in ("data/nlu/greet.yml", "config.yml", "domain.yml"):
        file = project_copy / path
        original = file.read_text()
        file.write_text(original + "# changed\n")
        assert bench.fingerprint(config) != before, path
        file.write_text(original)
    (project_copy / "data" / "nlu" / "new.yml").write_text("nlu: []\n")
    assert bench.fingerprint(config) != before


def test_a_kept_figure_is_reused_only_for_the_same_data(project_copy, tmp_path):
    record = tmp_path / "kept.json"
    record.write_text(json.dumps({"fingerprint": "abc", "training_s": 12.0}))
    assert bench._kept(record, "abc") == {"fingerprint": "abc", "training_s": 12.0}
    assert bench._kept(record, "def") is None
    record.write_text("{broken")
    assert bench._kept(record, "abc") is None
    assert bench._kept(tmp_path / "missing.json", "abc") is None


def test_the_defaults_cross_validation_says_how_many_folds_are_kept(project_copy, tmp_path, monkeypatch):
    """Its folds take about 30 minutes each: kept over several runs (devtools/cross_validate.py --keep)."""
    from devtools import cross_validate

    monkeypatch.setattr(bench, "BENCH_DIR", tmp_path / "bench")
    config = project_copy / "config.yml"
    scores, note = bench.cross_validation(DEFAULT, config, 5, run=False, reuse=False)
    assert scores == {} and note == "not run (about 2.5 hours on 2 cores: `--default-cv`)"
    folds = tmp_path / "bench" / DEFAULT / "folds"
    folds.mkdir(parents=True)
    key = cross_validate.fold_key(project_copy / "data" / "nlu", config, 5)
    (folds / "fold-1-of-5.json").write_text(json.dumps({"key": key, "intents": []}))
    (folds / "fold-2-of-5.json").write_text(json.dumps({"key": "other data", "intents": []}))
    _, note = bench.cross_validation(DEFAULT, config, 5, run=False, reuse=False)
    assert note.endswith("; 1 of 5 folds kept")
