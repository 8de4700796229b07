"""Shared fixtures.

``executor``: a session-wide runner with ``.run(code) -> ExecResult`` and ``.map(codes)``.
TEMPORARY: in-process until the sandbox lands; it will become ``codepercept.sandbox.Executor``.
"""

from __future__ import annotations

import io
import time

import pytest

from codepercept.sandbox.result import ExecResult


class _InProcessRunner:
    def run(self, code: str) -> ExecResult:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from codepercept.scene.tracer import trace_figures

        plt.close("all")
        t0 = time.perf_counter()
        orig_show = plt.show
        plt.show = lambda *a, **k: None
        try:
            exec(compile(code, "<program>", "exec"), {"__name__": "__main__"})
        except SyntaxError as exc:
            return ExecResult("syntax_error", str(exc))
        except Exception as exc:
            return ExecResult("runtime_error", f"{type(exc).__name__}: {exc}")
        finally:
            plt.show = orig_show
        figs = [plt.figure(n) for n in plt.get_fignums()]
        if not figs:
            return ExecResult("no_figure", "no figure")
        images = []
        for f in figs:
            buf = io.BytesIO()
            f.savefig(buf, format="png", dpi=100)
            images.append(buf.getvalue())
        scene = trace_figures(figs)
        plt.close("all")
        return ExecResult("ok", "", images, scene, wall_s=time.perf_counter() - t0)

    def map(self, codes):
        return [self.run(c) for c in codes]


@pytest.fixture(scope="session")
def executor():
    return _InProcessRunner()
