"""The check the runner (`cdm-run`) makes before starting the Rasa server (ops/check_stores.py): the stores of its
endpoints file must answer, or it says which does not and why. (With the real PostgreSQL and Redis servers, the
scale-out test starts the servers through this check.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from ops.processes import free_port
from tests.conftest import PROJECT_ROOT

SCALE_ENDPOINTS = "deploy/endpoints.scale.yml"
SCALE_VARIABLES = ("ACTION_SERVER_URL", "DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USER", "DB_PASSWORD",
                   "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB")  # fmt: skip


def check(endpoints: str, **variables: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in SCALE_VARIABLES}
    return subprocess.run(
        [sys.executable, "ops/check_stores.py", "--endpoints", endpoints],
        cwd=PROJECT_ROOT, env={**env, **variables}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def scale_variables(db_port: int, redis_port: int) -> dict[str, str]:
    return {
        "ACTION_SERVER_URL": "http://localhost:5055/webhook",
        "DB_HOST": "127.0.0.1", "DB_PORT": str(db_port), "DB_DATABASE": "rasa", "DB_USER": "rasa", "DB_PASSWORD": "x",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "REDIS_PASSWORD": "", "REDIS_DB": "1",
    }  # fmt: skip


def test_the_default_sqlite_store_answers(tmp_path: Path):
    result = check("endpoints.yml", TRACKER_DB=str(tmp_path / "conversations.db"), ACTIONS_PORT="5055")
    assert result.returncode == 0, result.stderr
    assert "tracker store sqlite at" in result.stdout and ": answers" in result.stdout
    # The indexes that keep a turn's loading of its session bounded, whatever the conversation's length.
    with closing(sqlite3.connect(tmp_path / "conversations.db")) as connection:
        indexes = {row[1]: row[4] for row in connection.execute("SELECT * FROM sqlite_master WHERE type = 'index'")}
    assert "sender_id, type_name, timestamp" in indexes["ix_events_sender_type_time"]
    assert "sender_id, timestamp" in indexes["ix_events_sender_time"]
    # Starting again finds them there.
    assert check("endpoints.yml", TRACKER_DB=str(tmp_path / "conversations.db"), ACTIONS_PORT="5055").returncode == 0


def test_unreachable_stores_are_both_named_with_their_cause():
    result = check(SCALE_ENDPOINTS, **scale_variables(free_port(), free_port()))
    assert result.returncode == 1
    assert "ERROR: the tracker store of deploy/endpoints.scale.yml does not answer:" in result.stderr
    assert "ERROR: the lock store of deploy/endpoints.scale.yml does not answer:" in result.stderr
    assert result.stderr.count("Connection refused") == 2, result.stderr
    assert "The Rasa server is not started" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_unset_variable_is_named_at_once():
    variables = scale_variables(1, 2)
    del variables["DB_PASSWORD"], variables["REDIS_HOST"]
    result = check(SCALE_ENDPOINTS, **variables)
    assert result.returncode == 2
    assert "needs these environment variables: DB_PASSWORD, REDIS_HOST" in result.stderr


def test_a_missing_endpoints_file_is_an_error():
    result = check("deploy/no-such-endpoints.yml")
    assert result.returncode == 2
    assert "ERROR: no endpoints file deploy/no-such-endpoints.yml" in result.stderr


def before_start(endpoints: str, **variables: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in SCALE_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "ops.before_start", "--endpoints", endpoints, "--days", "30"],
        cwd=PROJECT_ROOT, env={**env, **variables}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_runners_step_before_start_checks_then_purges_in_one_process(tmp_path: Path):
    """ops/before_start.py, what the runner runs before the Rasa server: the check, then the retention."""
    result = before_start("endpoints.yml", TRACKER_DB=str(tmp_path / "conversations.db"), ACTIONS_PORT="5055")
    assert result.returncode == 0, result.stderr
    assert "tracker store sqlite at" in result.stdout
    assert "Retention 30 days: 0 events deleted" in result.stdout


def test_the_step_before_start_purges_nothing_when_a_store_does_not_answer():
    result = before_start(SCALE_ENDPOINTS, **scale_variables(free_port(), free_port()))
    assert result.returncode == 1
    assert "ERROR: the tracker store of deploy/endpoints.scale.yml does not answer:" in result.stderr
    assert "Retention" not in result.stdout


def test_a_tracker_store_class_that_cannot_be_loaded_is_refused(tmp_path: Path):
    """Rasa would fall back to keeping conversations in memory, with a warning only."""
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: rasa_extensions.no_such_module.Store\n  dialect: sqlite\n  db: {tmp_path / 'c.db'}\n"
    )
    result = check(str(endpoints))
    assert result.returncode == 1
    assert "its type rasa_extensions.no_such_module.Store cannot be loaded" in result.stderr
