"""Family modules; importing this package registers every family."""

from codepercept.synth.families import (  # noqa: F401
    charts,
    chemistry,
    functions,
    graphs,
    physics,
    plane_geometry,
    puzzles,
    solid_geometry,
)
