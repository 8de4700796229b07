"""Fixtures for the reward server: real ``codepercept reward-server`` processes on 127.0.0.1
(port 0, the URL read from the ready line; see :mod:`tests.serve.serving`), started side by
side once a session and stopped at its end.

* ``reward_server`` — 2 workers, a queue of 16, 5 s per program, 1 GB; run from a directory
  holding ``secret.txt`` and with ``CODEPERCEPT_TEST_SECRET`` in its environment (what a
  program must not see);
* ``tiny_server`` — 1 worker and a queue of 1 (capacity 2), for back-pressure;
* ``doomed_server`` — 1 worker and a queue of 2, for the shutdown test (it gets SIGTERM).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.serve.serving import Served, stop_all

SECRET = "cp-test-secret-7f3a"


@pytest.fixture(scope="session")
def reward_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    home = tmp_path_factory.mktemp("reward-server")
    (home / "secret.txt").write_text(SECRET)
    common = ("--timeout-s", "5", "--memory-mb", "1024")
    servers = SimpleNamespace(
        main=Served("--workers", "2", "--queue", "16", *common, command="reward-server",
                    cwd=home, env={"CODEPERCEPT_TEST_SECRET": SECRET}),
        tiny=Served("--workers", "1", "--queue", "1", *common, command="reward-server"),
        doomed=Served("--workers", "1", "--queue", "2", *common, command="reward-server"),
        home=home,
    )  # fmt: skip
    yield servers
    stop_all([servers.main, servers.tiny, servers.doomed])


def _ready(s: Served) -> Served:
    s.url  # noqa: B018 (wait for the ready line)
    return s


@pytest.fixture(scope="session")
def reward_server(reward_servers: SimpleNamespace) -> Served:
    return _ready(reward_servers.main)


@pytest.fixture(scope="session")
def tiny_server(reward_servers: SimpleNamespace) -> Served:
    return _ready(reward_servers.tiny)


@pytest.fixture(scope="session")
def doomed_server(reward_servers: SimpleNamespace) -> Served:
    return _ready(reward_servers.doomed)


@pytest.fixture(scope="session")
def server_home(reward_servers: SimpleNamespace) -> Path:
    return reward_servers.home
