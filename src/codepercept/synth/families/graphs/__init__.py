"""Families of the graphs domain: discrete-maths figures (networks, trees, flows, Venn diagrams,
number lines, lattice paths).

Layouts are computed at generation time (circular, layered, or random with a minimum spacing that
also keeps every edge clear of the vertices it does not join) and emitted as coordinate literals,
so the program a person reads is the figure: positions, edges, weights, then drawing loops.
"""

# Imported in registration order (the order of the former single module), not alphabetically,
# so the family registry keeps the same order.
# isort: off
from codepercept.synth.families.graphs import (  # noqa: F401
    network,
    trees,
    weighted,
    flow,
    venn,
    number_line,
    lattice,
)
