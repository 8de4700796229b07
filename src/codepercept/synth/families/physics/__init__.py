"""Families of the physics domain.

Every family draws a textbook-style mechanics, electricity, optics or waves figure. The physics is
computed, not faked: force arrows follow the equilibrium of the block, optical rays obey the thin
lens / mirror equation, motion-graph areas are the true displacements.
"""

# Imported in registration order (the order of the former single module), not alphabetically,
# so the family registry keeps the same order.
# isort: off
from codepercept.synth.families.physics import (  # noqa: F401
    inclined_plane,
    circuits,
    spring_pulley,
    optics,
    motion,
    waves,
    fields,
)
