"""The production service units (deploy/systemd/): systemd's own checker accepts them, and they restart a
server that dies while the other keeps serving. Checked with the paths of this checkout in place of
/opt/cdm-assistant (systemd-analyze requires the executables to exist) and root in place of the user `cdm`."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

UNITS = sorted((PROJECT_ROOT / "deploy" / "systemd").glob("*.service"))


def test_there_is_a_unit_per_server():
    assert [unit.name for unit in UNITS] == ["cdm-actions.service", "cdm-rasa.service"]


def test_systemd_analyze_verify_accepts_them_without_a_warning(tmp_path: Path):
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace("/opt/cdm-assistant", str(PROJECT_ROOT))
        text = text.replace("User=cdm", "User=root").replace("Group=cdm", "Group=root")
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(path) for path in tmp_path.glob("*.service"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 on an unknown key or a bad value, but says so: any output is a fault.
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_server_restarts_on_any_exit_and_the_rasa_server_survives_the_action_servers_restart(unit: Path):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(unit, encoding="utf-8")
    service = parser["Service"]
    assert service["Restart"] == "always"
    assert service["ExecStart"].startswith("/opt/cdm-assistant/.venv/bin/cdm-run ")
    assert "Requires" not in parser["Unit"]  # Wants=: a restart of one never stops the other
