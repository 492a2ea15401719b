"""The benchmark's report (devtools/bench.py): tables and target checks from measured figures."""

from __future__ import annotations

import pytest

from devtools.bench import ConfigResult, LevelResult, plot, tables, targets


def config_result(name: str, p95_at_1: float, turns_per_s_at_32: float, f1: float, rss: float) -> ConfigResult:
    levels = [
        LevelResult(1, 200, p95_at_1 / 2, p95_at_1, p95_at_1 * 1.2, 30.0, 0, 0),
        LevelResult(8, 320, 100.0, 150.0, 180.0, 45.0, 0, 1),
        LevelResult(32, 640, 500.0, 700.0, 800.0, turns_per_s_at_32, 0, 2),
    ]
    return ConfigResult(name, f"{name}.yml", 150.0, 40.0, f1, 35.0, rss, 200.0, levels)


@pytest.fixture
def results() -> list[ConfigResult]:
    return [
        config_result("project", p95_at_1=50, turns_per_s_at_32=42, f1=0.98, rss=1500),
        config_result("rasa-default", p95_at_1=45, turns_per_s_at_32=44, f1=0.90, rss=1400),
    ]


def test_tables_show_both_configs_side_by_side(results):
    table = tables(results)
    assert "| project (`project.yml`) | rasa-default (`rasa-default.yml`) |" in table
    assert "| intent macro-F1, held-out examples | 0.980 | 0.900 |" in table
    assert "| **1 conversation(s)**: latency p50 / p95 / p99 | 25 / 50 / 60 ms | 22 / 45 / 54 ms |" in table
    assert "| 32: turns per second | 42.0 | 44.0 |" in table


def test_targets_say_which_are_met(results):
    report = targets(results)
    assert "| p95 latency at 1 conversation | ≤ 60 ms | 50 ms | yes |" in report
    assert "| turns per second at 32 conversations | ≥ 40 | 42.0 | yes |" in report
    assert "| intent macro-F1 above the default's | > 0.900 | 0.980 | yes |" in report
    assert "| latency (p50 at 1) within 1.5x the default's | ≤ 1.5x | 1.11x | yes |" in report
    results[0].rasa_rss_mb = 1700
    assert "| peak memory of the Rasa server | < 1600 MB | 1700 MB | **no** |" in targets(results)


def test_the_plot_is_a_png(results, tmp_path):
    path = tmp_path / "latency.png"
    plot(results, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
