"""Scene model and the matplotlib execution tracer."""

from codepercept.scene.model import (
    KINDS,
    MAX_POINTS,
    SCHEMA_VERSION,
    AxesInfo,
    Element,
    FigureInfo,
    Scene,
    rgba_to_hex,
)

__all__ = [
    "KINDS",
    "MAX_POINTS",
    "SCHEMA_VERSION",
    "AxesInfo",
    "Element",
    "FigureInfo",
    "Scene",
    "rgba_to_hex",
    "trace_figures",
]


def __getattr__(name: str):  # lazy: importing the model must not import matplotlib
    if name == "trace_figures":
        from codepercept.scene.tracer import trace_figures

        return trace_figures
    raise AttributeError(name)
