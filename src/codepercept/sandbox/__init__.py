"""Hardened execution of untrusted matplotlib programs (see docs/sandbox.md)."""

from codepercept.sandbox.executor import Executor, SandboxUnavailable
from codepercept.sandbox.result import STATUSES, ExecResult

__all__ = ["STATUSES", "ExecResult", "Executor", "SandboxUnavailable"]
