"""A real Ray cluster for the session: ``ray start --head`` on this machine (2 CPUs, no
dashboard), stopped at the end. Ray is a test extra (``scripts/dev test`` installs it); without
it these tests skip, except under CI, where they fail."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("CI"):
    import ray  # noqa: F401  (CI installs the ray extra: a missing one is a failure, not a skip)
else:
    pytest.importorskip("ray", reason="ray is the optional extra codepercept[ray]")

RAY = str(Path(sys.executable).with_name("ray"))
#: Token authentication off: the test clients connect by address without the head's token.
ENV = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address (``127.0.0.1:PORT``) of a running head node with 2 CPUs."""
    if not shutil.which(RAY):
        pytest.fail(f"{RAY} is missing: install codepercept[ray]")
    port = _free_port()
    os.environ.update({"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"})
    cmd = [RAY, "start", "--head", f"--port={port}", "--num-cpus=2",
           "--include-dashboard=false", "--disable-usage-stats"]  # fmt: skip
    subprocess.run(cmd, check=True, env=ENV, capture_output=True, timeout=120)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([RAY, "stop", "--force"], env=ENV, capture_output=True, timeout=120)
