"""``codepercept reward-server``: the options, checked at the edge, and the call to
:func:`codepercept.rewards.server.run_reward_server`. Importing this loads neither the sandbox
nor the web stack (the CLI registers the command with one line)."""

from __future__ import annotations

import sys

import typer

from codepercept._cli import check_dpi, check_float, check_text, check_workers

__all__ = ["reward_server_cmd"]

#: The most requests' programs that may wait (a typo guard; each holds its body in memory).
MAX_QUEUE = 100_000


def reward_server_cmd(
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on (0.0.0.0: every interface; the sandbox contains the programs, "
        "but anyone who reaches the port can use the machine's CPUs).",
        callback=check_text("a host name or address"),
    ),
    port: int = typer.Option(
        8080, "--port", min=0, max=65535, help="Port to listen on (0-65535; 0 picks a free one)."
    ),
    workers: int = typer.Option(
        2,
        "--workers",
        help="Programs run at once (1-512; each is a sandbox process).",
        callback=check_workers,
    ),
    queue: int = typer.Option(
        64,
        "--queue",
        min=0,
        max=MAX_QUEUE,
        help="Programs that may wait beyond --workers (0-100000); when full, requests get 429 "
        "with Retry-After. Give verl at least its reward.sandbox_fusion.max_concurrent (64): it "
        "does not retry a 429.",
    ),
    timeout_s: float = typer.Option(
        30,
        "--timeout-s",
        help="Longest a program may run, in seconds (more than 0, at most 3600); a request's "
        "run_timeout may only lower it.",
        callback=check_float(0, 3600, lo_open=True, what=" seconds"),
    ),
    memory_mb: int = typer.Option(
        2048,
        "--memory-mb",
        min=64,
        max=1 << 20,
        help="Memory a program may allocate, in MB (at least 64); a request's memory_limit_MB "
        "may only lower it.",
    ),
    dpi: float = typer.Option(
        100, "--dpi", help="Resolution of the figures and rewards (10-1200).", callback=check_dpi
    ),
) -> None:
    """Serve the sandbox and the rewards over HTTP for RL trainers: POST /run_code
    (SandboxFusion, for verl), POST /get_reward (OpenRLHF), POST /reward (batches), GET /health,
    until Ctrl-C or SIGTERM; prints one line when ready: serving rewards at URL."""
    from codepercept.rewards.server import run_reward_server

    def ready(url: str) -> None:
        sys.stdout.write(f"serving rewards at {url}\n")
        sys.stdout.flush()

    run_reward_server(host, port, workers=workers, queue=queue, timeout_s=timeout_s,
                      memory_mb=memory_mb, dpi=dpi, on_ready=ready)  # fmt: skip
