"""Headless Chromium for the tests of HTML pages (bench report, reason grid)."""

from __future__ import annotations

import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic"]  # fmt: skip


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run Chromium with ``args`` and a fresh profile under ``tmp_path``."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
