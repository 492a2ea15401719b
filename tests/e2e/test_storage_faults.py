"""The conversations' SQLite file (`make run`'s profile) on a disk that fills up, then turns read-only, while the
assistant serves: the visitor is still answered, the log says what failed, the servers keep running (no crash,
no restart loop), and the turns are stored again once the disk is writable.

The disk is a small tmpfs mounted for the test: it needs root (CI runs as root); elsewhere the test is skipped."""

from __future__ import annotations

import errno
import json
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from ops.processes import session_processes
from rasa_extensions import sqlite_engine
from tests.e2e.conftest import Assistant, running_assistant

SIZE = "8m"
# Rasa's FailSafeTrackerStore's log line when a conversation cannot be saved (rasa/core/tracker_store.py).
SAVE_FAILED = "Error happened when trying to save conversation tracker to 'CachingSQLTrackerStore'"


@contextmanager
def small_disk(path: Path) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (root only): {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=True)


def fill(disk: Path) -> Path:
    """Writes a file until the disk is full; the file."""
    filler = disk / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    return filler


def remount_read_only(disk: Path) -> None:
    """Linux refuses while a file of the disk is open for writing: the Rasa server closes its conversations'
    file after a second at rest (rasa_extensions/sqlite_engine.py)."""
    deadline = time.monotonic() + 10 * sqlite_engine.IDLE_CLOSE_S
    while True:
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if remounted.returncode == 0:
            return
        assert time.monotonic() < deadline, f"the disk stayed busy: {remounted.stderr.strip()}"
        time.sleep(0.2)


def stored_messages(tracker_db: Path, visitor: str) -> list[str]:
    with closing(sqlite3.connect(tracker_db)) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (visitor,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def server_pids(assistant: Assistant) -> list[int]:
    return sorted(int(line.split()[0]) for line in session_processes(assistant.runner_pid) if "rasa run" in line)


def test_a_full_then_read_only_disk_is_survived(trained_model, tmp_path: Path):
    with (
        small_disk(tmp_path / "disk") as disk,
        running_assistant(tmp_path / "run.log", TRACKER_DB=str(disk / "conversations.db")) as assistant,
    ):
        visitor = "e2e-storage-faults"
        servers = server_pids(assistant)
        assert assistant.texts("Avez-vous un centre à Gap ?", visitor).startswith("Oui, Gap fait partie")

        # The disk fills up: the visitor is answered (Rasa keeps the turn in memory), the log says why it
        # was not stored.
        filler = fill(disk)
        assert assistant.texts("C'est gratuit ?", visitor).startswith("Oui, c'est gratuit")
        # Room again: stored again, and the conversation goes on from what was stored ("et à" needs Gap).
        filler.unlink()
        assert assistant.texts("et à Istres ?", visitor).startswith("Oui, Istres fait partie")

        # The disk turns read-only (a file system remounted after errors), then writable again: the same.
        remount_read_only(disk)
        try:
            assert assistant.texts("Il faut un rendez-vous ?", visitor).startswith("Pas besoin de rendez-vous")
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert assistant.texts("Avez-vous un centre à Gap ?", visitor).startswith("Oui, Gap fait partie")

        log = assistant.log.read_text(errors="replace")
        assert f"{SAVE_FAILED}. Falling back to use the 'InMemoryTrackerStore'." in log
        assert "(sqlite3.OperationalError) database or disk is full" in log
        # On a read-only disk, SQLite cannot open its write-ahead log (rasa_extensions/sqlite_engine.py), or,
        # with the log open, cannot write.
        assert re.search(
            r"\(sqlite3\.OperationalError\) (unable to open database file|attempt to write a readonly database)", log
        )
        # No server crashed nor was restarted: the same processes, and supervisord saw no exit.
        assert server_pids(assistant) == servers
        assert "exited:" not in log
        assert stored_messages(assistant.tracker_db, visitor) == [
            "Avez-vous un centre à Gap ?",
            "et à Istres ?",
            "Avez-vous un centre à Gap ?",
        ]
