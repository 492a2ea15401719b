"""The real assistant for end-to-end tests: a model trained once, then the runner `cdm-run` (what `make run`
starts) serving the action and Rasa servers on free ports, stopped at the end."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pytest
import requests

from actions.knowledge.loading import DEFAULT_KNOWLEDGE_FILE
from ops.processes import RUNNER, answers, free_port, session_processes
from tests.conftest import PROJECT_ROOT
from tests.e2e.services import wait_until

START_TIMEOUT_S = 300
STOP_TIMEOUT_S = 60
E2E_FOLDER = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is end-to-end: marked by where it lives, so `-m "not e2e"` skips them all."""
    for item in items:
        if E2E_FOLDER in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def no_rate_limits() -> Iterator[None]:
    """Every test client comes from this machine's one address, and the load tests send as fast as they can:
    the servers the tests start have no rate limit, except those of tests/e2e/test_rate_limits.py."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RATE_LIMIT_CONVERSATION", "0")
        patch.setenv("RATE_LIMIT_CLIENT", "0")
        yield


@dataclass
class Assistant:
    rest_url: str
    rasa_port: int
    actions_port: int
    web_url: str
    log: Path
    tracker_db: Path
    # The review page's address and the data folder it writes into, when REVIEW_SECRET was set.
    review_url: str = ""
    review_data: Path | None = None
    # The runner's process, the leader of a session of its own that holds every process it started.
    runner_pid: int = 0
    # Where the runner leaves the HTTP API's address and token for `make publish` (serve mode).
    publish_access: Path | None = None

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    def ask(self, message: str, sender: str = "e2e-visitor", timeout: float = 60) -> list[dict]:
        response = requests.post(self.rest_url, json={"sender": sender, "message": message}, timeout=timeout)
        assert response.status_code == 200, f"{response.status_code}: {response.text[:300]}"
        return response.json()

    def texts(self, message: str, sender: str = "e2e-visitor") -> str:
        return "\n".join(reply.get("text", "") for reply in self.ask(message, sender))

    def stored_user_texts(self, sender: str, api_token: str) -> list[str]:
        """The visitor's messages in the conversation as this Rasa server holds it (its HTTP API, with the token)."""
        response = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": api_token, "include_events": "ALL"},
            timeout=30,
        )
        assert response.status_code == 200, response.text[:300]
        return [event["text"] for event in response.json()["events"] if event["event"] == "user"]


@pytest.fixture(scope="session")
def trained_model() -> None:
    """Train once for the whole run (as `make train`: skipped when a model matches data and config)."""
    subprocess.run(["scripts/train.sh"], cwd=PROJECT_ROOT, check=True, timeout=1800)


@contextmanager
def running_assistant(
    log: Path, mode: str = "serve", rasa_port: int = 0, actions_port: int = 0, **env_overrides: str
) -> Iterator[Assistant]:
    """The runner (`cdm-run <mode>`) on free ports (or the given ones), its conversations in a file of its own
    beside the log (unless TRACKER_DB is given); on exit, SIGTERM, and a check that nothing is left running.
    Modes: serve (everything, as `make run`), rasa (the Rasa server alone), actions (the action server alone).
    """
    rasa_port, actions_port, web_port = rasa_port or free_port(), actions_port or free_port(), free_port()
    ports = {"RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port), "WEB_PORT": str(web_port)}
    tracker_db = Path(env_overrides.pop("TRACKER_DB", log.with_name("conversations.db")))
    # The HTTP API's address and token for publishing (serve mode): beside the log, never in the repository's var/.
    access = env_overrides.pop("PUBLISH_ACCESS_FILE", str(log.with_suffix(".publish-access.json")))
    env = {**os.environ, **ports, "TRACKER_DB": str(tracker_db), "PUBLISH_ACCESS_FILE": access, **env_overrides}
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            [*RUNNER, mode],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session, to check that it leaves nothing behind
        )
    assistant = Assistant(
        rest_url=f"http://localhost:{rasa_port}/webhooks/rest/webhook",
        rasa_port=rasa_port,
        actions_port=actions_port,
        web_url=f"http://localhost:{web_port}/",
        log=log,
        tracker_db=tracker_db,
        review_url=f"http://127.0.0.1:{env['REVIEW_PORT']}/" if "REVIEW_SECRET" in env_overrides else "",
        review_data=Path(env_overrides["REVIEW_DATA_DIR"]) if "REVIEW_DATA_DIR" in env_overrides else None,
        runner_pid=process.pid,
        publish_access=Path(access),
    )
    ready_url = {
        "serve": assistant.web_url,  # the page server starts last: when it answers, everything is up
        "rasa": f"{assistant.rasa_url}/",
        "actions": f"http://localhost:{actions_port}/health",
    }[mode]
    try:
        wait_until(lambda: answers(ready_url), process, "runner", log, START_TIMEOUT_S)
        yield assistant
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        finally:
            leftovers = session_processes(process.pid)
            for line in leftovers:
                os.kill(int(line.split()[0]), signal.SIGKILL)
    assert not leftovers, f"processes left behind after SIGTERM: {leftovers}"


# The maintainers' review page is on in the shared assistant (`make run` with REVIEW_SECRET), writing its
# reviewed examples into a copy of data/ (tests/e2e/test_review.py).
REVIEW_SECRET = "secret-de-relecture-e2e"


class StaffPages(TypedDict):
    CDM_KNOWLEDGE_FILE: str
    REVIEW_SECRET: str
    REVIEW_PORT: str
    REVIEW_DATA_DIR: str


def staff_pages_on_copies(folder: Path) -> StaffPages:
    """The settings of `running_assistant` for the staff's pages (the review page on, REVIEW_SECRET) writing into
    copies, in `folder`, of the knowledge file and of data/: the repository's are left alone."""
    knowledge = folder / "knowledge" / "cite_des_metiers.yml"
    knowledge.parent.mkdir()
    shutil.copy(DEFAULT_KNOWLEDGE_FILE, knowledge)
    shutil.copytree(PROJECT_ROOT / "data", folder / "data")
    return {
        "CDM_KNOWLEDGE_FILE": str(knowledge),
        "REVIEW_SECRET": REVIEW_SECRET,
        "REVIEW_PORT": str(free_port()),
        "REVIEW_DATA_DIR": str(folder / "data"),
    }


@pytest.fixture(scope="session")
def assistant(trained_model: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    folder = tmp_path_factory.mktemp("run")
    shutil.copytree(PROJECT_ROOT / "data", folder / "data")
    with running_assistant(
        folder / "run.log",
        REVIEW_SECRET=REVIEW_SECRET,
        REVIEW_PORT=str(free_port()),
        REVIEW_DATA_DIR=str(folder / "data"),
        # Every answer below this confidence counts as hesitant: a question the bot understood can be one.
        REVIEW_MIN_CONFIDENCE="0.9999",
    ) as running:
        yield running
