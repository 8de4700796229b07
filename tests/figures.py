"""Hand-made figures for tests: a matplotlib program rendered in this process (the seeds of
the model-driven jobs, which must not come from our own families)."""

from __future__ import annotations

import io


def render_png(code: str, dpi: float = 100) -> bytes:
    """The PNG of the figure ``code`` draws (rendered here, not in the sandbox)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    exec(compile(code, "<seed>", "exec"), {})
    buf = io.BytesIO()
    plt.gcf().savefig(buf, format="png", dpi=dpi)
    plt.close("all")
    return buf.getvalue()
