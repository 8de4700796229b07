"""Families of the puzzles domain.

Competition-style puzzle figures whose answers are computed while the figure is generated:
dominoes (pip totals), matchstick figures (stick counts, truth of equations), clock faces (hand
angles), "how many triangles" figures (brute-force count), grid colouring and dissections.
"""

# Imported in registration order (the order of the former single module), not alphabetically,
# so the family registry keeps the same order.
# isort: off
from codepercept.synth.families.puzzles import (  # noqa: F401
    dominoes,
    clock,
    triangles,
    matchsticks,
    grid_colouring,
    dissection,
)
