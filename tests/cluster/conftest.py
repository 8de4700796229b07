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
# No implicit ray.init(): Ray Data's background threads call Ray APIs and, once a test has shut
# Ray down, would silently connect this process again (then the next test's ray.init fails).
os.environ["RAY_ENABLE_AUTO_CONNECT"] = "0"
try:
    import ray._private.auto_init_hook as _auto

    _auto.enable_auto_connect = False  # read when ray was first imported
except ImportError:  # ray missing: skipped or failed above
    pass
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


#: Module fixtures that hold a Ray connection for their module's tests.
HOLDERS = {"client", "pool"}


@pytest.fixture(autouse=True)
def no_ray_left_connected(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test leaves this process disconnected from Ray as it found it (a job that
    started or joined Ray must let go of it), so that the next test's ``ray.init`` works. A
    connection found before a test that holds none is closed first (not ours: e.g. a library's
    background thread)."""
    import ray

    held = bool(HOLDERS & set(request.fixturenames))
    if ray.is_initialized() and not held:
        ray.shutdown()
    yield
    if ray.is_initialized() and not held:
        ray.shutdown()
        pytest.fail(f"{request.node.name} left Ray connected")
