"""Errors meant for people: each message is one line saying what went wrong and what to do.

The command line prints the message of any :class:`CodeperceptError` on one line, without a
traceback, and exits with the class's ``exit_code``: 2 for a usage problem (a bad value, a
directory that belongs to another job), 1 for a job that could not go on (a model endpoint that
stays down, a run that stopped making progress). Library callers catch them like any exception;
:class:`UsageError` is also a ``ValueError`` and :class:`JobError` a ``RuntimeError``, so older
``except ValueError`` code keeps working.
"""

from __future__ import annotations

__all__ = ["CodeperceptError", "JobError", "UsageError"]


class CodeperceptError(Exception):
    """Base of the errors whose message is written for the person running the job."""

    exit_code = 1


class UsageError(CodeperceptError, ValueError):
    """An argument, input file or output directory that cannot be used as given (exit 2)."""

    exit_code = 2


class JobError(CodeperceptError, RuntimeError):
    """The job stopped because it could not go on; what was finished is kept (exit 1)."""

    exit_code = 1
